"""The literal text a regex cannot match without: a small parser of our own over the pattern source.

`required(source)` gives a set of lowercase strings one of which occurs in every match of `source` (under
re.IGNORECASE, once the text is lowercased), or None when there is no such set of useful length. The matcher uses it
to skip a pattern, without running it, on text that holds none of its needles.

It reads the syntax of Python's `re` that the rule files use (and the rest of it, safely): literals and escapes,
character classes, groups (capturing, named, non-capturing, with flags), lookarounds, atomic groups, conditionals,
alternation and quantifiers. Anything it does not know gives None, which never skips a pattern. It mirrors the
shape CPython's own parser gives a pattern (a non-capturing group is spliced into its surroundings; an alternation's
common first items are moved out in front of it; a class of one character is that character), so the needles are
the ones the previous implementation read from the private `re._parser` module (a test holds the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_NEEDLE = 3  # shorter needles filter nothing

_SPECIAL = frozenset(".\\[{()*+?^$|")
_REPEAT_CHARS = frozenset("*+?{")
_DIGITS = frozenset("0123456789")
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")
_FLAG_CHARS = frozenset("aiLmsux")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Escapes that stand for a single character, in a class or out of one.
_CHAR_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
# Escapes for a class of characters: written as one item of a class, or a one-item class outside one.
_CATEGORIES = frozenset("dDsSwW")
_ANCHORS = frozenset("AbBZ")  # outside a class: zero-width positions


class NeedleSyntaxError(ValueError):
    """The pattern uses syntax this parser does not read (or is malformed): it gets no needles."""


# Items of a parsed sequence. Tuples for single-character items, which compare equal when CPython's would (that is
# what moving an alternation's common first items out relies on); objects for the rest, which never compare equal.
# ("lit", ch) | ("notlit", ch) | ("in", elements) | ("at", name) | ("any",) | ("ref", group)
Item = object


@dataclass(eq=False)
class Group:
    """A group: `content` is its alternation; a `plain` one (non-capturing, no flags) is spliced into its sequence."""

    content: list[Item]
    plain: bool = False


@dataclass(eq=False)
class Branch:
    """An alternation of sequences (after any common first items were moved out)."""

    branches: list[list[Item]]


@dataclass(eq=False)
class Repeat:
    """A quantified sequence: at least `least` times."""

    least: int
    content: list[Item]


@dataclass(eq=False)
class Opaque:
    """A lookaround, an atomic group or a conditional: holds no needles this parser uses."""

    parts: list[list[Item]] = field(default_factory=list)


class _Source:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    @property
    def next(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def get(self) -> str | None:
        if self.pos >= len(self.text):
            return None
        ch = self.text[self.pos]
        self.pos += 1
        if ch == "\\":
            if self.pos >= len(self.text):
                raise NeedleSyntaxError("bad escape (end of pattern)")
            ch += self.text[self.pos]
            self.pos += 1
        return ch

    def match(self, ch: str) -> bool:
        if self.next == ch:
            self.pos += 1
            return True
        return False

    def take_while(self, count: int, chars: frozenset[str]) -> str:
        out = ""
        while len(out) < count and self.next is not None and self.next in chars:
            out += self.text[self.pos]
            self.pos += 1
        return out

    def until(self, end: str) -> str:
        stop = self.text.find(end, self.pos)
        if stop < 0:
            raise NeedleSyntaxError(f"missing {end}")
        out = self.text[self.pos : stop]
        self.pos = stop + 1
        return out


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = _Source(source)
        self.groups = 1  # group numbers handed out so far + 1, as CPython counts them
        self.names: dict[str, int] = {}

    # -- escapes --------------------------------------------------------------------------------------------------

    def _code_escape(self, escape: str, in_class: bool) -> tuple[str, ...] | None:
        """A character escape as ("lit", ch); None when `escape` is not one."""
        c = escape[1]
        if c in _CHAR_ESCAPES:
            return ("lit", _CHAR_ESCAPES[c])
        if in_class and c == "b":
            return ("lit", "\b")
        if c == "x":
            digits = self.src.take_while(2, _HEX)
            if len(digits) != 2:
                raise NeedleSyntaxError("incomplete \\x escape")
            return ("lit", chr(int(digits, 16)))
        if c in "uU":
            width = 4 if c == "u" else 8
            digits = self.src.take_while(width, _HEX)
            if len(digits) != width:
                raise NeedleSyntaxError(f"incomplete \\{c} escape")
            return ("lit", chr(int(digits, 16)))
        if c == "N":
            import unicodedata

            if not self.src.match("{"):
                raise NeedleSyntaxError("missing {")
            try:
                return ("lit", unicodedata.lookup(self.src.until("}")))
            except KeyError as exc:
                raise NeedleSyntaxError("undefined character name") from exc
        if c == "0":
            return ("lit", chr(int("0" + self.src.take_while(2, _OCTAL), 8)))
        if c not in _ASCII_LETTERS and c not in _DIGITS:
            return ("lit", c)
        return None

    def _class_escape(self, escape: str) -> tuple[str, ...]:
        c = escape[1]
        if c in _CATEGORIES:
            return ("cat", c)
        if c in _OCTAL:  # up to three octal digits in a class, never a group reference
            return ("lit", chr(int(c + self.src.take_while(2, _OCTAL), 8)))
        if c in _DIGITS:
            raise NeedleSyntaxError("bad escape in a class")
        code = self._code_escape(escape, in_class=True)
        if code is None:
            raise NeedleSyntaxError(f"bad escape {escape}")
        return code

    def _escape(self, escape: str) -> Item:
        c = escape[1]
        if c in _CATEGORIES:
            return ("in", (("cat", c),))
        if c in _ANCHORS:
            return ("at", c)
        if c in _DIGITS and c != "0":
            text = c
            if self.src.next is not None and self.src.next in _DIGITS:
                text += self.src.get() or ""
                if text[0] in _OCTAL and text[1] in _OCTAL and self.src.next is not None and self.src.next in _OCTAL:
                    text += self.src.get() or ""
                    return ("lit", chr(int(text, 8)))
            return ("ref", int(text))
        code = self._code_escape(escape, in_class=False)
        if code is None:
            raise NeedleSyntaxError(f"bad escape {escape}")
        return code

    # -- classes --------------------------------------------------------------------------------------------------

    def _class(self) -> Item:
        src = self.src
        negate = src.match("^")
        elements: list[tuple[object, ...]] = []
        while True:
            this = src.get()
            if this is None:
                raise NeedleSyntaxError("unterminated character set")
            if this == "]" and elements:
                break
            first = self._class_escape(this) if this[0] == "\\" else ("lit", this)
            if src.match("-"):
                that = src.get()
                if that is None:
                    raise NeedleSyntaxError("unterminated character set")
                if that == "]":
                    elements += [first, ("lit", "-")]
                    break
                second = self._class_escape(that) if that[0] == "\\" else ("lit", that)
                if first[0] != "lit" or second[0] != "lit" or ord(str(second[1])) < ord(str(first[1])):
                    raise NeedleSyntaxError("bad character range")
                elements.append(("range", first[1], second[1]))
            else:
                elements.append(first)
        unique = tuple(dict.fromkeys(elements))
        if len(unique) == 1 and unique[0][0] == "lit":
            return ("notlit" if negate else "lit", unique[0][1])
        return ("in", (("negate",), *unique) if negate else unique)

    # -- sequences and alternations -------------------------------------------------------------------------------

    def alternation(self, nested: int) -> list[Item]:
        items = [self.sequence(nested)]
        while self.src.match("|"):
            items.append(self.sequence(nested))
        if len(items) == 1:
            return items[0]
        out: list[Item] = []
        while all(items) and all(item[0] == items[0][0] for item in items):
            out.append(items[0][0])  # a common first item moves out in front
            for item in items:
                del item[0]
        chars: list[tuple[object, ...]] = []
        for item in items:
            if len(item) != 1 or not isinstance(item[0], tuple):
                break
            if item[0][0] == "lit":
                chars.append(item[0])
            elif item[0][0] == "in" and item[0][1][0] != ("negate",):
                chars.extend(item[0][1])
            else:
                break
        else:
            out.append(("in", tuple(dict.fromkeys(chars))))
            return out
        out.append(Branch(items))
        return out

    def _repeat(self, this: str, seq: list[Item]) -> bool:
        """Quantify the last item of `seq`; False when a "{" turns out to be a literal."""
        src = self.src
        if this in "?*":
            least = 0
        elif this == "+":
            least = 1
        else:
            start = src.pos
            if src.next == "}":
                return False
            low = src.take_while(1 << 30, _DIGITS)
            if src.match(","):
                src.take_while(1 << 30, _DIGITS)
            if not src.match("}"):
                src.pos = start
                return False
            least = int(low) if low else 0
        if not seq or (isinstance(seq[-1], tuple) and seq[-1][0] == "at") or isinstance(seq[-1], Repeat):
            raise NeedleSyntaxError("nothing to repeat")
        last = seq[-1]
        content = last.content if isinstance(last, Group) and last.plain else [last]
        if not src.match("?"):
            src.match("+")
        seq[-1] = Repeat(least, content)
        return True

    def _group(self, nested: int, seq: list[Item], first: bool) -> None:
        src = self.src
        capture, plain = True, False
        if src.match("?"):
            char = src.get()
            if char is None:
                raise NeedleSyntaxError("unexpected end of pattern")
            if char == "P":
                if src.match("<"):
                    name = src.until(">")
                    self.names[name] = self.groups
                elif src.match("="):
                    name = src.until(")")
                    if name not in self.names:
                        raise NeedleSyntaxError(f"unknown group name {name!r}")
                    seq.append(("ref", self.names[name]))
                    return
                else:
                    raise NeedleSyntaxError("unknown extension ?P")
            elif char == ":":
                capture, plain = False, True
            elif char == "#":
                src.until(")")
                return
            elif char in "=!<":
                if char == "<":
                    char = src.get()
                    if char is None or char not in "=!":
                        raise NeedleSyntaxError("unknown extension ?<")
                inner = self.alternation(nested + 1)
                self._close()
                seq.append(Opaque([inner]))
                return
            elif char == "(":
                src.until(")")
                yes = self.sequence(nested + 1)
                no = self.sequence(nested + 1) if src.match("|") else []
                self._close()
                seq.append(Opaque([yes, no]))
                return
            elif char == ">":
                inner = self.alternation(nested + 1)
                self._close()
                seq.append(Opaque([inner]))
                return
            elif char in _FLAG_CHARS or char == "-":
                flags = char + src.take_while(1 << 30, _FLAG_CHARS | {"-"})
                if src.match(")"):
                    if not first or seq:
                        raise NeedleSyntaxError("global flags not at the start of the expression")
                    if "x" in flags:
                        raise NeedleSyntaxError("verbose patterns are not read")
                    return
                if not src.match(":") or "x" in flags.split("-")[0]:
                    raise NeedleSyntaxError("unsupported flags")
                capture = False
            else:
                raise NeedleSyntaxError(f"unknown extension ?{char}")
        if capture:
            self.groups += 1
        content = self.alternation(nested + 1)
        self._close()
        seq.append(Group(content, plain))

    def _close(self) -> None:
        if not self.src.match(")"):
            raise NeedleSyntaxError("missing ), unterminated subpattern")

    def sequence(self, nested: int) -> list[Item]:
        src = self.src
        seq: list[Item] = []
        first = nested == 0
        while True:
            this = src.next
            if this is None or this in "|)":
                break
            this = src.get()
            assert this is not None
            if this[0] == "\\":
                seq.append(self._escape(this))
            elif this not in _SPECIAL:
                seq.append(("lit", this))
            elif this == "[":
                seq.append(self._class())
            elif this in _REPEAT_CHARS:
                if not self._repeat(this, seq):
                    seq.append(("lit", "{"))
            elif this == ".":
                seq.append(("any",))
            elif this == "(":
                self._group(nested, seq, first and not seq)
            elif this == "^":
                seq.append(("at", "^"))
            elif this == "$":
                seq.append(("at", "$"))
        spliced: list[Item] = []
        for item in seq:
            if isinstance(item, Group) and item.plain:  # spliced into its surroundings, as CPython does
                spliced.extend(item.content)
            else:
                spliced.append(item)
        return spliced


def parse(source: str) -> list[Item]:
    """The pattern as a sequence of items (raises NeedleSyntaxError for syntax this parser does not read)."""
    parser = _Parser(source)
    items = parser.alternation(0)
    if parser.src.next is not None:
        raise NeedleSyntaxError("unbalanced parenthesis")
    return items


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    # The most selective requirement: the one whose shortest needle is longest; very short needles filter nothing.
    best = max(candidates, key=lambda s: min(len(x) for x in s)) if candidates else None
    return best if best and min(len(x) for x in best) >= MIN_NEEDLE else None


def _required(items: list[Item]) -> frozenset[str] | None:
    """Needles (lowercase) of which any match of this sequence contains at least one; None when unknown."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for item in items:
        if isinstance(item, tuple) and item[0] == "lit":
            run.append(str(item[1]))
            continue
        if run:
            candidates.append(frozenset({"".join(run).lower()}))
            run = []
        found: frozenset[str] | None = None
        if isinstance(item, Group):
            found = _required(item.content)
        elif isinstance(item, Branch):
            branches = [_required(b) for b in item.branches]
            found = None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        elif isinstance(item, Repeat) and item.least >= 1:
            found = _required(item.content)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run).lower()}))
    return _best(candidates)


def required(source: str) -> frozenset[str] | None:
    """The literal strings (lowercase) one of which every match of `source` contains; None when there is no such set."""
    try:
        return _required(parse(source))
    except (NeedleSyntaxError, RecursionError):
        return None
