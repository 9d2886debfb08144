"""Replace a span of an HTML body's visible text in the HTML source itself, leaving every other byte as it was.

The critique judges the text a reader sees (critic.htmltext), whose source map gives, for each visible character,
where it starts in the HTML. An add-in that can only write a whole body (Outlook's body.setAsync) needs the fix
made in the HTML: the characters of the span are deleted where they stand (one text run at a time, so tags between
them, a <b> or a link, stay), and the replacement goes where the first of them was. Nothing else is re-serialised.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from critic.ingest.html import html_to_text

_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_WS = frozenset(" \t\r\n\f\u00a0")
# Characters the text model drops (zero-width space, BOM): a run of source between two mapped characters made only
# of these and whitespace belongs to the same run of text.
_SKIPPED = frozenset("\u200b\ufeff") | _WS


class SpanMoved(ValueError):
    """The span no longer holds the expected words in this HTML."""


def _extent(source: str, at: int, char: str) -> tuple[int, int] | None:
    """The source range one visible character came from; None when it stands for a tag (a line break, a block)."""
    if at >= len(source):
        return None
    if source[at] == "&":
        m = _ENTITY.match(source, at)
        if m:
            value = html.unescape(m.group(0))
            if value == char or (char == " " and value in _WS):
                return at, m.end()
    if char in " \n" and source[at] in _WS:
        end = at
        while end < len(source) and source[end] in _WS:
            end += 1
        return at, end
    if source[at] == char:
        return at, at + 1
    return None


def _runs(source: str, extents: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Merge character extents into runs of source that hold no markup between them."""
    start, end = extents[0]
    for a, b in extents[1:]:
        gap = source[end:a]
        if a >= end and all(c in _SKIPPED for c in gap):
            end = max(end, b)
            continue
        yield start, end
        start, end = a, b
    yield start, end


def replace_span(source: str, start: int, end: int, expected: str, replacement: str) -> str:
    """`source` with visible characters [start, end) (code points) replaced by `replacement` (plain text)."""
    converted = html_to_text(source)
    text = converted.text
    if not (0 <= start < end <= len(text)) or text[start:end] != expected:
        raise SpanMoved("the words are no longer at that place in the draft")
    # Only the characters that change are touched: "the leading provider" -> "a provider" rewrites "the leading",
    # so the formatting of the words that stay (a link, a <b>) stays with them.
    p, s = _common_affixes(expected, replacement)
    lo, hi, new = start + p, end - s, replacement[p : len(replacement) - s]
    extents = [e for i in range(lo, hi) if (e := _extent(source, converted.source_map[i], text[i]))]
    if not extents:
        raise SpanMoved("the words are not text in the HTML")
    runs = list(_runs(source, extents))
    escaped = html.escape(new, quote=False)
    out = []
    cursor = 0
    for i, (a, b) in enumerate(runs):
        out.append(source[cursor:a])
        if i == 0:
            out.append(escaped)
        cursor = b
    out.append(source[cursor:])
    result = "".join(out)
    # The edit must read back as exactly the intended text, or it is not made at all.
    want = text[:start] + replacement + text[end:]
    if html_to_text(result).text.split() != want.split():
        raise SpanMoved("the fix cannot be made in this HTML without changing other text")
    return result


def _common_affixes(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common prefix and suffix of `old` and `new`, leaving at least one character of `old`."""
    limit = min(len(old) - 1, len(new))
    p = 0
    while p < limit and old[p] == new[p]:
        p += 1
    s = 0
    while s < limit - p and old[-1 - s] == new[-1 - s]:
        s += 1
    return p, s
