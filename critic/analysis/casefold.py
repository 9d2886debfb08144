"""A case-insensitive pattern rewritten to match lowercased ASCII text case-sensitively, at exactly the same places.

The regex engine compares each character through a case mapping under re.IGNORECASE, and cannot skip ahead to a
pattern's first letters; on text lowered beforehand, a pattern with its letters lowered does neither, and runs about
half again as fast. For ASCII text the two match at the same spans, with the same groups: an ASCII character matches
a letter ignoring case exactly when its lowercase equals the letter's, and \\w, \\d, \\s and \\b do not depend on case.

`lowercase_source` declines (None) whatever it cannot rewrite with certainty: case-sensitive groups and other inline
flags, backreferences, character escapes by code, a class range that runs through some upper-case letters but not
just through them, and the few non-ASCII characters that match an ASCII one ignoring case.
"""

from __future__ import annotations

import functools
import re

# Non-ASCII characters that match an ASCII letter under re.IGNORECASE: 'İ' and the Kelvin sign lowercase to one, and
# the dotless i and the long s are in its case-equivalence lists.
_MATCH_ASCII = frozenset("İKıſ")
_FLAG_START = frozenset("aiLmsux-")


def _lower(ch: str) -> str:
    return ch.lower() if "A" <= ch <= "Z" else ch


def _class_item(source: str, i: int) -> tuple[str, int] | None:
    """One item of a character class at `i` (a character or an escape) and where the next one starts."""
    if source[i] == "\\":
        nxt = source[i + 1 : i + 2]
        if not nxt or nxt in "xuUN" or nxt.isdigit():
            return None  # a character by its code, or an octal escape
        return source[i : i + 2], i + 2
    return source[i], i + 1


def _class(source: str, i: int, out: list[str]) -> int | None:
    """Copy the class opening at source[i] == "[" into `out`, its letters lowered; where it ends (None: decline)."""
    out.append("[")
    i += 1
    if source.startswith("^", i):
        out.append("^")
        i += 1
    first = True
    while i < len(source):
        if source[i] == "]" and not first:
            out.append("]")
            return i + 1
        first = False
        item = _class_item(source, i)
        if item is None:
            return None
        low, i = item
        if source.startswith("-", i) and i + 1 < len(source) and source[i + 1] != "]":
            item = _class_item(source, i + 1)
            if item is None:
                return None
            high, i = item
            if len(low) != 1 or len(high) != 1:
                return None  # a range bounded by an escape: not worth reading
            letters = low <= "Z" and high >= "A"  # runs through some upper-case letters
            if letters and not ("A" <= low <= "Z" and "A" <= high <= "Z"):
                return None
            if not low.isascii() or not high.isascii():
                return None  # a non-ASCII range may hold a character that matches an ASCII one
            out.append(f"{_lower(low)}-{_lower(high)}")
        else:
            out.append(_lower(low) if len(low) == 1 else low)
    return None  # unterminated


@functools.cache
def lowercase_source(source: str) -> str | None:
    """`source` (meant for re.IGNORECASE) rewritten for lowercased ASCII text, case-sensitively; None: not rewritable."""
    if any(ch in _MATCH_ASCII for ch in source):
        return None
    out: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            nxt = source[i + 1 : i + 2]
            if not nxt or nxt in "xuUN" or nxt.isdigit():
                return None  # a character by its code, or a backreference
            out.append(source[i : i + 2])  # \b \w \S \A ...: the same whatever the case of the text
            i += 2
        elif ch == "[":
            end = _class(source, i, out)
            if end is None:
                return None
            i = end
        elif ch == "(" and source.startswith("?", i + 1):
            kind = source[i + 2 : i + 3]
            if kind in _FLAG_START or kind == "(" or source.startswith("P=", i + 2):
                return None  # inline flags (a case-sensitive part), a conditional, a named backreference
            if source.startswith("P<", i + 2):
                close = source.find(">", i)
                if close < 0:
                    return None
                out.append(source[i : close + 1])  # a group's name, as written
                i = close + 1
            else:
                out.append("(?")
                i += 2
        else:
            out.append(_lower(ch))
            i += 1
    return "".join(out)


_SPECIAL = frozenset(".\\[]{}()*+?^$|")
_QUANTIFIER = frozenset("?*+{")
_WORDLIKE = re.compile(r"\w")


def _plain_first(alternative: str) -> bool:
    """The alternative opens on a plain literal character, not repeated."""
    return bool(alternative) and alternative[0] not in _SPECIAL and alternative[1:2] not in _QUANTIFIER


def _behind(ch: str) -> str:
    """After `ch`, the test a `\\b` before it makes: no word character before it (or one, if it is no word character)."""
    return r"(?<!\w.)" if _WORDLIKE.match(ch) else r"(?<=\w.)"


def _group(source: str) -> tuple[int, list[int]] | None:
    """Where the group opening source[0] closes, and where its own alternatives are split ("|" at its top level)."""
    depth, bars, i, in_class = 0, [], 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            if source.startswith(("[]", "[^]"), i):
                return None  # a class holding "]" first: not read here
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i, bars
        elif ch == "|" and depth == 1:
            bars.append(i)
        i += 1
    return None


def leading_boundary(source: str) -> str:
    """`source` with a leading `\\b` moved behind the first character of what follows, where that is plain.

    A pattern that opens on `\\b` gives the regex engine nothing to skip ahead to; one that opens on a literal (or a
    group of alternatives each opening on one) lets it jump to the places that character is. `\\b` before a word
    character holds exactly when none comes before it, which a look-behind after that character asks just as well.
    Not done before a repeated or optional group, where `\\b` is asked once but the look-behind would be asked at
    each repeat (or not at all).
    """
    if not source.startswith("\\b"):
        return source
    rest = source[2:]
    if rest.startswith("(") and (not rest.startswith("(?") or rest.startswith("(?:")):
        found = _group(rest)
        if found is None:
            return source
        end, bars = found
        if rest[end + 1 : end + 2] in _QUANTIFIER:
            return source
        head = 3 if rest.startswith("(?:") else 1
        cuts = [head - 1, *bars, end]
        alternatives = [rest[a + 1 : b] for a, b in zip(cuts, cuts[1:], strict=False)]
        if not all(_plain_first(alt) for alt in alternatives):
            return source
        moved = "|".join(alt[0] + _behind(alt[0]) + alt[1:] for alt in alternatives)
        return rest[:head] + moved + rest[end:]
    if _plain_first(rest):
        return rest[0] + _behind(rest[0]) + rest[1:]
    return source


@functools.cache
def lowered(source: str) -> re.Pattern[str] | None:
    """The case-sensitive pattern for lowercased ASCII text (None: use `source` ignoring case on the text itself)."""
    rewritten = lowercase_source(source)
    if rewritten is None:
        return None
    try:
        return re.compile(leading_boundary(rewritten))
    except re.error:
        return None


def replaced(fast: re.Pattern[str], repl: str, text: str) -> str:
    """`re.sub(repl, text)` of the pattern `fast` was rewritten from, for ASCII text and a literal `repl`."""
    parts: list[str] = []
    at = 0
    for m in fast.finditer(text.lower()):
        parts += (text[at : m.start()], repl)
        at = m.end()
    parts.append(text[at:])
    return "".join(parts)
