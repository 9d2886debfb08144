"""Regex lists that skip most searches with a substring test: each pattern knows the literal text it cannot match without."""

from __future__ import annotations

import functools
import hashlib
import re
from bisect import bisect_left

from critic.analysis import cache
from critic.analysis.casefold import class_opening, lowered, replaced
from critic.analysis.needles import required

FLAGS = re.IGNORECASE


_QUANTIFIERS = frozenset("?*+{")


def flexible_spaces(source: str) -> str:
    """A pattern whose literal spaces also match line wraps and doubled spaces ("for\\n over 6 years").

    Plain-text email is often hard-wrapped, so a phrase can break over a line; each space outside a character
    class becomes `\\s+`, or `\\s` where a quantifier follows it or inside a lookbehind (which needs a fixed width).
    """
    out: list[str] = []
    groups: list[bool] = []  # for each open group: is it a lookbehind?
    in_class = False
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            opening = class_opening(source, i)
            out.append(opening)
            i += len(opening)
            continue
        elif ch == "(":
            groups.append(source.startswith("(?<=", i) or source.startswith("(?<!", i))
        elif ch == ")" and groups:
            groups.pop()
        elif ch == " ":
            fixed = any(groups) or source[i + 1 : i + 2] in _QUANTIFIERS
            out.append(r"\s" if fixed else r"\s+")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


LIVE_MEMO_SIZE = 4096
HELD_SIZE = 1024  # sentences whose answer a matcher remembers (Matcher.holds)
_ALL_NEEDLES: set[str] = set()
_IRREGULAR_SPACE = re.compile(r"[^\S ]|  ")
# Not a needle of any pattern: a marker in a text's needle set that its spaces are irregular (see prepare_both),
# so one set answers both "which patterns can match" and "in which variant".
WRAPPED = "\x00wrapped"


class _Known:
    """Sources already compiled once without error, with their needles, from the user cache (see `use_known`): a new
    process neither compiles a pattern to check it nor reads its needles again, and compiles a pattern when a text
    first holds its needles."""

    needles: dict[str, frozenset[str] | None] = {}
    key: str | None = None  # the cache key the table was loaded under (None: nothing to save)
    unsaved = False
    prepared: list[str] = []  # every source prepared in this process, in order


def compile_all() -> None:
    """Compile every pattern prepared so far (a long-lived process does it once at start; see pipeline.warm_up)."""
    for source in _Known.prepared:
        compiled(source)
        lowered(source)


@functools.cache
def compiled(source: str) -> re.Pattern[str]:
    """`source` compiled (case-insensitive), once per process."""
    return re.compile(source, FLAGS)


@functools.cache
def needles(source: str) -> frozenset[str] | None:
    """The literal strings one of which every match of `source` contains (None when there is no such set).

    A source seen for the first time is also compiled, so a malformed pattern fails here (where its rule is loaded)
    and never reaches the cache.
    """
    if source in _Known.needles:
        found = _Known.needles[source]
    else:
        compiled(source)
        found = _Known.needles[source] = required(source)
        _Known.unsaved = True
    _Known.prepared.append(source)
    if found:
        _ALL_NEEDLES.update(found)
    return found


def use_known(key: str) -> None:
    """Take the sources known good (and their needles) from the cache entry for `key`, a hash of all they came from."""
    if _Known.key == key:
        return
    _Known.key = key
    known = cache.load("needles", key)
    if isinstance(known, dict):
        for source, found in known.items():
            if isinstance(source, str) and (found is None or isinstance(found, frozenset)):
                _Known.needles.setdefault(source, found)


def save_known() -> None:
    """Store the known sources under the key given to `use_known`, when any were added since."""
    if _Known.key is not None and _Known.unsaved:
        _Known.unsaved = False
        cache.store("needles", _Known.key, dict(_Known.needles))


def trie(words: list[str]) -> str:
    """A regex alternation shaped as a trie, so each position tries only branches that share its first letters."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional: the longest needle starting here wins; shorter ones are found through `_contains`.
        return f"(?:{body})?" if ends else body

    return emit(root)


def _scan_tables(words: list[str]) -> tuple[str, dict[str, frozenset[str]]]:
    return trie(words), {w: frozenset(v for v in words if v in w) for w in words}


def _valid_tables(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict)


@functools.cache
def _scanner(count: int) -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    words = sorted(_ALL_NEEDLES)
    key = hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()
    # The trie's source and which needles each needle holds: quadratic in the needles, so built once per machine.
    source, contains = cache.cached("needle-scanner", key, lambda: _scan_tables(words), _valid_tables)
    return re.compile(source), contains


def _scan(low: str) -> list[tuple[int, str]]:
    """The longest needle starting at each position that starts one: (position, needle)."""
    search = _scanner(len(_ALL_NEEDLES))[0].search
    hits = []
    m = search(low)
    while m:
        # Resume one character on, not at the match's end: needles overlap ("your" holds "our").
        start = m.start()
        hits.append((start, m.group()))
        m = search(low, start + 1)
    return hits


def present_needles(low: str) -> frozenset[str]:
    """Every known needle that occurs in `low` (a lowercased document), found in one scan of the text."""
    contains = _scanner(len(_ALL_NEEDLES))[1]
    found: set[str] = set()
    for _, hit in _scan(low):
        if hit not in found:
            found |= contains.get(hit, {hit})
    if _IRREGULAR_SPACE.search(low):
        found.add(WRAPPED)
    return frozenset(found)


_CANONICAL: dict[frozenset[str], frozenset[str]] = {}
_CLOSURES: list[tuple[dict[str, frozenset[str]], dict[tuple[str, ...], frozenset[str]]]] = []


def canonical(found: frozenset[str]) -> frozenset[str]:
    """One shared object for each set of needles: the memos keyed by a sentence's needles then match by identity,
    without comparing the sets element by element."""
    if len(_CANONICAL) >= LIVE_MEMO_SIZE:
        _CANONICAL.clear()
    return _CANONICAL.setdefault(found, found)


def _closures(contains: dict[str, frozenset[str]]) -> dict[tuple[str, ...], frozenset[str]]:
    """The memo of closures made with this table of contained needles (a new scanner starts a new one)."""
    if not _CLOSURES or _CLOSURES[0][0] is not contains:
        _CLOSURES[:] = [(contains, {})]
    return _CLOSURES[0][1]


class NeedleIndex:
    """Where each needle occurs in a text, from one scan, so any sentence's needles are a lookup, not a rescan.

    Only needles registered before the index is built are seen: load every pattern list first.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        low = text.lower()
        # Offsets only line up when lowercasing keeps the length (it does except for a few letters such as 'İ').
        self.aligned = len(low) == len(text)
        self._contains = _scanner(len(_ALL_NEEDLES))[1]
        self.hits = _scan(low)
        self._starts = [pos for pos, _ in self.hits]
        self._irregular = _IRREGULAR_SPACE.search(text) is not None

    def _close(self, hits: list[str]) -> frozenset[str]:
        # Sentences share few distinct lists of hits, so each list's closure is worked out once per scanner.
        memo = _closures(self._contains)
        key = tuple(hits)
        closed = memo.get(key)
        if closed is None:
            found: set[str] = set()
            for hit in hits:
                if hit not in found:
                    found |= self._contains.get(hit, {hit})
            if len(memo) >= LIVE_MEMO_SIZE:
                memo.clear()
            closed = memo[key] = canonical(frozenset(found))
        return closed

    def all(self) -> frozenset[str]:
        """Every needle in the text."""
        found = self._close([h for _, h in self.hits])
        return found | {WRAPPED} if self._irregular else found

    def between(self, start: int, end: int) -> frozenset[str]:
        """The needles wholly inside text[start:end]."""
        if not self.aligned:
            return canonical(present_needles(self.text[start:end].lower()))
        lo, hi = bisect_left(self._starts, start), bisect_left(self._starts, end)
        inside: list[str] = []
        cut = -1
        for pos, hit in self.hits[lo:hi]:
            if pos + len(hit) <= end:
                inside.append(hit)
            elif cut < 0:
                cut = pos
        found = self._close(inside)
        if cut >= 0:
            # The longest needle there runs past `end`, but a shorter one may still fit ("would you" of "would you ").
            found = canonical(found | present_needles(self.text[cut:end].lower()))
        if self._irregular and _IRREGULAR_SPACE.search(self.text, start, end):
            found = canonical(found | {WRAPPED})
        return found


Item = tuple[frozenset[str] | None, re.Pattern[str]]


def irregular_spaces(text: str) -> bool:
    """True for text with a line break, tab, no-break space or doubled space: hard-wrapped or pasted text."""
    return _IRREGULAR_SPACE.search(text) is not None


def gate(needle_sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    """The needles one of which any match of any of these patterns holds; None when some pattern has none."""
    if not needle_sets or any(need is None for need in needle_sets):
        return None
    return frozenset().union(*needle_sets)  # type: ignore[arg-type]


Prepared = tuple[frozenset[str] | None, str]  # (needles, source): compiled on first use
# The live patterns for a set of needles: (source, its case-sensitive form for lowercased ASCII text or None).
Live = tuple[tuple[str, re.Pattern[str] | None], ...]


def prepare_both(source: str) -> tuple[Prepared, Prepared]:
    """A data pattern as written (exact spaces, the most selective needles) and with `flexible_spaces`.

    Most sentences have plain single spaces and use the first; wrapped ones use the second, so catching a phrase
    broken over a line costs nothing where there is no line to break. Neither is compiled until a text holds its
    needles (see `compiled`).
    """
    flexible = flexible_spaces(source)
    return (needles(source), source), (needles(flexible), flexible)


class Matcher:
    """A list of case-insensitive patterns searched one by one, each skipped when its needles are absent.

    Which patterns can match depends only on the set of needles in the text (and on whether its spaces are
    irregular), and sentences share few distinct sets (most hold none, or just "you"), so each set's list of live
    patterns is worked out once and remembered.
    """

    __slots__ = ("_plain", "_wrapped", "gate", "_memo", "_held")

    def __init__(self, sources: list[str] | tuple[str, ...] = ()) -> None:
        pairs = [prepare_both(src) for src in sources]
        self._plain: tuple[Prepared, ...] = tuple(strict for strict, _ in pairs)
        self._wrapped: tuple[Prepared, ...] = tuple(flexible for _, flexible in pairs)
        # Every pattern needs a needle: a text holding none of them is answered with one set test.
        self.gate = gate([need for need, _ in (*self._plain, *self._wrapped)])
        self._memo: dict[frozenset[str], Live] = {}
        self._held: dict[tuple[str, frozenset[str] | None], bool] = {}

    @property
    def items(self) -> tuple[Item, ...]:
        """(needles, regex) of each pattern as written (compiles them all)."""
        return tuple((need, compiled(src)) for need, src in self._plain)

    @property
    def wrapped_items(self) -> tuple[Item, ...]:
        """(needles, regex) of each pattern with flexible spaces (compiles them all)."""
        return tuple((need, compiled(src)) for need, src in self._wrapped)

    def __bool__(self) -> bool:
        return bool(self._plain)

    def may_match(self, present: frozenset[str]) -> bool:
        """False only when no pattern can match a text holding just the needles `present`."""
        return bool(self._plain) and (self.gate is None or not self.gate.isdisjoint(present))

    def _live(self, present: frozenset[str] | None, text: str) -> Live:
        if present is None:
            present = present_needles(text.lower())
        live = self._memo.get(present)
        if live is None:
            if len(self._memo) >= LIVE_MEMO_SIZE:  # bounded: hostile text cannot grow it without limit
                self._memo.clear()
            items = self._wrapped if WRAPPED in present else self._plain
            live = self._memo[present] = tuple(
                (src, lowered(src)) for need, src in items if need is None or not need.isdisjoint(present)
            )
        return live

    def search(self, text: str, present: frozenset[str] | None = None) -> re.Match[str] | None:
        """The first match of the first pattern that matches (`present`: the needles in `text`, if known)."""
        for src, _ in self._live(present, text):
            m = compiled(src).search(text)
            if m:
                return m
        return None

    def found(self, text: str, present: frozenset[str] | None = None) -> bool:
        """Whether `search` finds a match (faster: ASCII text is searched lowercased, see casefold)."""
        live = self._live(present, text)
        if not live:
            return False  # the common case: no pattern's needles are in the text
        if text.isascii():
            low = text.lower()
            for src, fast in live:  # a loop, not any(<generator>): most texts have one live pattern or two
                if (fast.search(low) if fast is not None else compiled(src).search(text)) is not None:
                    return True
            return False
        return any(compiled(src).search(text) is not None for src, _ in live)

    def holds(self, text: str, present: frozenset[str] | None = None) -> bool:
        """Whether `search` finds a match, remembered per text (several rules ask it of the same sentence)."""
        key = (text, present)
        held = self._held.get(key)
        if held is None:
            if len(self._held) >= HELD_SIZE:
                self._held.clear()
            held = self._held[key] = self.found(text, present)
        return held

    def count(self, text: str, present: frozenset[str] | None = None) -> int:
        """How many matches all the patterns have in `text`."""
        live = self._live(present, text)
        if text.isascii():
            low = text.lower()
            return sum([len((fast or compiled(src)).findall(low if fast else text)) for src, fast in live])
        return sum([len(compiled(src).findall(text)) for src, _ in live])

    def sub(self, repl: str, text: str, present: frozenset[str] | None = None) -> str:
        """`text` with every match of every pattern replaced."""
        for src, fast in self._live(present, text):
            if fast is not None and "\\" not in repl and text.isascii() and repl.isascii():
                text = replaced(fast, repl, text)
            else:
                text = compiled(src).sub(repl, text)
        return text
