"""Visible text of an HTML body, with a map from each character back to the HTML source."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # bs4 is imported by html_to_text, so plain-text drafts never pay for importing it
    from bs4 import Tag
    from bs4.element import PageElement

_BLOCK = frozenset(
    "address article aside blockquote center dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol section table tbody thead tfoot tr ul".split()
)
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "ul", "ol"})
# Not "head": html.parser leaves an unclosed <head> around the whole body, where a browser would close it at
# the first visible element; its metadata children are invisible on their own.
_INVISIBLE = frozenset({"script", "style", "title", "base", "template", "noscript", "meta", "link", "object", "svg"})
_CELL = frozenset({"td", "th"})

# Where mail clients put the quoted thread and the signature in the HTML they send.
_QUOTE_CLASSES = frozenset({"gmail_quote", "moz-cite-prefix", "yahoo_quoted", "gmail_extra", "ms-outlook-quote"})
_QUOTE_REST_IDS = frozenset(
    {"divRplyFwdMsg", "appendonsend", "x_divRplyFwdMsg", "mail-editor-reference-message-container"}
)
_SIGNATURE_CLASSES = frozenset({"gmail_signature", "moz-signature", "signature"})
_SIGNATURE_IDS = frozenset({"Signature", "signature", "x_Signature"})
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_WS = " \t\r\n\f\u00a0\u200b"
_WS_CHARS = frozenset(_WS)
_RUN = re.compile(f"[{_WS}]+|[^{_WS}]+")
_INVISIBLE_CHARS = frozenset("\u200b\ufeff")


@dataclass(frozen=True, slots=True)
class TextWithMap:
    """Visible text, the source offset of each character, and the ranges to leave unjudged."""

    text: str
    source_map: tuple[int, ...]
    excluded: tuple[tuple[int, int, str], ...]


class _Builder:
    """Accumulates visible characters and their source offsets, collapsing whitespace like a browser."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.cursor = 0
        self.excluded: list[tuple[int, int, str]] = []
        self.pre = 0

    def _last(self) -> str:
        return self.chars[-1] if self.chars else "\n"

    def newline(self, count: int, at: int) -> None:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.offsets.pop()
        trailing = 0
        for ch in reversed(self.chars):
            if ch != "\n":
                break
            trailing += 1
        if not self.chars:
            return
        for _ in range(max(0, count - trailing)):
            self.chars.append("\n")
            self.offsets.append(at)

    def line_break(self, at: int) -> None:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.offsets.pop()
        # More than one blank line in a row reads as one paragraph break.
        if len(self.chars) >= 2 and self.chars[-1] == self.chars[-2] == "\n":
            return
        self.chars.append("\n")
        self.offsets.append(at)

    def text(self, raw_text: str, at_least: int) -> None:
        offsets = self._locate(raw_text, at_least)
        if self.pre:
            for ch, off in zip(raw_text, offsets, strict=False):
                if ch not in _INVISIBLE_CHARS:
                    self.chars.append(ch)
                    self.offsets.append(off)
            return
        # Whole runs at a time: a whitespace run becomes at most one space, other runs are copied as they are.
        for m in _RUN.finditer(raw_text):
            i, run = m.start(), m.group()
            if run[0] in _WS_CHARS:
                if self._last() not in " \n":
                    self.chars.append(" ")
                    self.offsets.append(offsets[i])
            elif "\ufeff" in run:
                for j, ch in enumerate(run, i):
                    if ch != "\ufeff":
                        self.chars.append(ch)
                        self.offsets.append(offsets[j])
            else:
                self.chars.extend(run)
                self.offsets.extend(offsets[i : i + len(run)])

    def _locate(self, text: str, at_least: int) -> Sequence[int]:
        """Source offset of each character of a text node (entities map to their '&')."""
        start = max(self.cursor, at_least)
        pos = self.source.find(text, start)
        if pos >= 0 and (pos - start) < 4096:
            self.cursor = pos + len(text)
            return range(pos, pos + len(text))
        offsets, j, src = [], start, self.source
        for ch in text:
            while j < len(src):
                if src[j] == ch:
                    offsets.append(j)
                    j += 1
                    break
                m = _ENTITY.match(src, j) if src[j] == "&" else None
                if m and unescape(m.group(0)) == ch:
                    offsets.append(j)
                    j = m.end()
                    break
                j += 1
            else:
                offsets.append(len(src))
        self.cursor = j
        return offsets


def _line_starts(source: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", source):
        starts.append(m.end())
    return starts


def _classes(tag: Tag) -> set[str]:
    value = tag.get("class") or []
    return set(value if isinstance(value, list) else str(value).split())


def _exclusion(tag: Tag) -> str | None:
    classes, ident = _classes(tag), str(tag.get("id") or "")
    if tag.name == "blockquote" or classes & _QUOTE_CLASSES:
        return "quote"
    if ident in _QUOTE_REST_IDS:
        return "quote_rest"
    if classes & _SIGNATURE_CLASSES or ident in _SIGNATURE_IDS or tag.get("data-smartmail") == "gmail_signature":
        return "signature"
    return None


def html_to_text(source: str) -> TextWithMap:
    """The text a reader sees in an HTML body, with quotes and signatures marked as excluded."""
    from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
    from bs4.element import CData, Declaration, ProcessingInstruction

    soup = BeautifulSoup(source, "html.parser")
    builder = _Builder(source)
    line_starts = _line_starts(source)

    def tag_offset(tag: Tag) -> int:
        line, col = getattr(tag, "sourceline", None), getattr(tag, "sourcepos", None)
        if line is None or col is None:
            return builder.cursor
        return line_starts[min(line - 1, len(line_starts) - 1)] + col

    def enter(tag: Tag) -> tuple[Tag, int, str | None, bool] | None:
        at = tag_offset(tag)
        builder.cursor = max(builder.cursor, at)
        if tag.name == "br":
            builder.line_break(at)
            return None
        block = tag.name in _BLOCK or tag.name in _PARAGRAPH
        if block:
            builder.newline(2 if tag.name in _PARAGRAPH else 1, at)
        if tag.name == "pre":
            builder.pre += 1
        return (tag, len(builder.chars), _exclusion(tag), block)

    def leave(tag: Tag, begin: int, kind: str | None, block: bool) -> None:
        if tag.name == "pre":
            builder.pre -= 1
        if tag.name in _CELL and builder.chars and builder.chars[-1] not in " \n":
            builder.chars.append(" ")
            builder.offsets.append(builder.cursor)
        if block:
            builder.newline(2 if tag.name in _PARAGRAPH else 1, builder.cursor)
        if kind:
            builder.excluded.append((begin, len(builder.chars), kind))

    # An explicit stack, not recursion: hostile HTML can nest thousands of tags deep.
    stack: list[tuple[Iterator[PageElement], tuple[Tag, int, str | None, bool] | None]] = [(iter(soup.children), None)]
    while stack:
        children, opened = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if opened:
                leave(*opened)
            continue
        if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction, CData)):
            continue
        if isinstance(child, NavigableString):
            builder.text(str(child), builder.cursor)
        elif isinstance(child, Tag) and child.name not in _INVISIBLE:
            state = enter(child)
            if state:
                stack.append((iter(child.children), state))

    builder.newline(0, len(source))
    text = "".join(builder.chars)
    # Trailing whitespace is not text; leading newlines were never emitted.
    end = len(text.rstrip())
    excluded = _finish_exclusions(builder.excluded, end)
    return TextWithMap(text[:end], tuple(builder.offsets[:end]), excluded)


def _finish_exclusions(raw: list[tuple[int, int, str]], length: int) -> tuple[tuple[int, int, str], ...]:
    """Clip to the text, extend 'rest of message' markers to the end, drop nested ranges."""
    spans = []
    for start, end, kind in raw:
        if kind == "quote_rest":
            end, kind = length, "quote"
        start, end = min(start, length), min(end, length)
        if end > start:
            spans.append((start, end, kind))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            merged.append((start, end, kind))
    return tuple(merged)
