"""A case-insensitive pattern rewritten to match lowercased ASCII text case-sensitively, at exactly the same places.

The regex engine compares each character through a case mapping under re.IGNORECASE, and cannot skip ahead to a
pattern's first letters; on text lowered beforehand, a pattern with its letters lowered does neither. For ASCII text
the two match at the same spans, with the same groups: an ASCII character matches a letter ignoring case exactly when
its lowercase equals the letter's, and \\w, \\d, \\s and \\b do not depend on case. A leading \\b, which leaves the
engine nothing to skip to, is also moved behind the character after it (`leading_boundary`). Together they search
about twice as fast; tests/test_casefold.py holds every shipped pattern to the same matches.

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


_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")


def _move(alternative: str) -> str | None:
    """The alternative with a `\\b` before it moved behind its first character (or \\d, \\w), or None.

    `X+` becomes `X` then `X*`, and `X{m,n}` becomes `X` then `X{m-1,n-1}`: the same repeats, tried in the same order.
    """
    if alternative[:2] in ("\\d", "\\w"):
        atom, word = alternative[:2], True
    elif alternative and alternative[0] not in _SPECIAL and alternative[0] != "\n":
        atom, word = alternative[0], bool(_WORDLIKE.match(alternative[0]))
    else:
        return None
    rest = alternative[len(atom) :]
    moved = atom + (r"(?<!\w.)" if word else r"(?<=\w.)")
    if rest[:1] not in _QUANTIFIER:
        return moved + rest
    if rest[:1] == "+" and rest[1:2] not in ("?", "+"):
        return moved + atom + "*" + rest[1:]
    m = _REPEAT.match(rest)
    if m is None or rest[m.end() : m.end() + 1] in ("?", "+") or int(m.group(1)) < 1:
        return None  # may repeat no times, or lazily, or possessively
    least, most = int(m.group(1)) - 1, m.group(3)
    repeat = f"{{{least}}}" if m.group(2) is None else f"{{{least},}}" if not most else f"{{{least},{int(most) - 1}}}"
    return moved + atom + repeat + rest[m.end() :]


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
    """`source` with each leading `\\b` (of the pattern or of a top-level alternative) moved behind what follows it.

    A pattern that opens on `\\b` gives the regex engine nothing to skip ahead to; one that opens on a literal or a
    class (or a group of alternatives each opening on one) lets it jump to the places that could start a match. `\\b`
    before a word character holds exactly when none comes before it, which a look-behind after that character asks
    just as well (before a non-word character, when one does). Not done before a repeated or optional group, where
    `\\b` is asked once but the look-behind would be asked at each repeat (or not at all).
    """
    found = _group(f"({source})")
    if found is None or found[0] != len(source) + 1:
        return source
    cuts = [0, *(bar - 1 for bar in found[1]), len(source)]
    return "|".join(_lead(source[a + (i > 0) : b]) for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)))


def _lead(source: str) -> str:
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
        moved = [_move(rest[a + 1 : b]) for a, b in zip(cuts, cuts[1:], strict=False)]
        if any(alt is None for alt in moved):
            return source
        return rest[:head] + "|".join(moved) + rest[end:]  # type: ignore[arg-type]
    return _move(rest) or source


# What \s matches among ASCII characters: re.ASCII's \s, and the separators \x1c-\x1f, which Unicode's also holds.
_ASCII_SPACE = r"\s\x1c-\x1f"


def ascii_classes(source: str) -> str | None:
    """`source` to compile with re.ASCII that matches ASCII text exactly as `source` does without it (None: decline).

    On ASCII characters \\w, \\d and \\b mean the same in both modes, and re.ASCII tests them by table rather than by
    Unicode category; only \\s differs, so it is spelled out. A \\S inside a class cannot be, and declines.
    """
    if "\\s" not in source and "\\S" not in source:
        return source  # the common case: nothing to spell out
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            pair = source[i : i + 2]
            if pair == "\\s":
                out.append(_ASCII_SPACE if in_class else f"[{_ASCII_SPACE}]")
            elif pair == "\\S":
                if in_class:
                    return None
                out.append(f"[^{_ASCII_SPACE}]")
            else:
                out.append(pair)
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
        out.append(ch)
        i += 1
    return "".join(out)


def class_opening(source: str, i: int) -> str:
    """The opening of the character class at `i`: a "]" right after the bracket (or "[^") is a literal, not the end."""
    return "[^]" if source.startswith("[^]", i) else "[]" if source.startswith("[]", i) else "["


def ascii_variant(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` (case-sensitive) compiled to search ASCII text faster, with the same matches there (see ascii_classes)."""
    if pattern.flags & re.IGNORECASE:
        raise ValueError("a case-insensitive pattern folds non-ASCII characters of its own onto ASCII text")
    source = ascii_classes(pattern.pattern)
    return pattern if source is None else re.compile(source, pattern.flags & ~re.UNICODE | re.ASCII)


@functools.cache
def lowered(source: str) -> re.Pattern[str] | None:
    """The case-sensitive pattern for lowercased ASCII text (None: use `source` ignoring case on the text itself).

    It only ever searches ASCII text, so it is compiled with ASCII classes where `ascii_classes` allows.
    """
    rewritten = lowercase_source(source)
    if rewritten is None:
        return None
    try:
        final = leading_boundary(rewritten)
        ascii_source = ascii_classes(final)
        return re.compile(ascii_source, re.ASCII) if ascii_source is not None else re.compile(final)
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


_IGNORECASE = re.IGNORECASE | re.UNICODE  # the flags of a pattern compiled with re.IGNORECASE alone


def found(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` (compiled with re.IGNORECASE) matches `text`, ASCII text searched lowercased."""
    if pattern.flags == _IGNORECASE and text.isascii():
        fast = lowered(pattern.pattern)
        if fast is not None:
            return fast.search(text.lower()) is not None
    return pattern.search(text) is not None
