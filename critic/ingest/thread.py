"""Finds quoted replies and signatures in plain text, so the critic judges only what the writer wrote."""

from __future__ import annotations

import re

# A reply header starts the quoted thread; everything after it is someone else's text.
_THREAD_START = re.compile(
    r"^(?:"
    r"On\b[^\n]{0,250}(?:\n[^\n]{0,250})?\bwrote:[ \t]*"
    r"|Le\b[^\n]{0,250}a écrit\s?:[ \t]*"
    r"|Am\b[^\n]{0,250}schrieb[^\n]{0,100}:[ \t]*"
    r"|-{2,}\s*(?:Original Message|Forwarded message|Reply message)\s*-{2,}[^\n]*"
    r"|_{10,}[ \t]*\n(?:From|De|Von):[^\n]*"
    r"|From:[^\n]+\n(?:Sent|Date):[^\n]+"
    r"|Begin forwarded message:[ \t]*"
    r")$",
    re.MULTILINE,
)
_QUOTED_LINES = re.compile(r"(?:^[ \t]*>[^\n]*(?:\n|$))+", re.MULTILINE)
_SIG_DASHES = re.compile(r"^-- ?$", re.MULTILINE)
_SENT_FROM = re.compile(r"^Sent from my [^\n]{1,40}$", re.MULTILINE | re.IGNORECASE)
SIGN_OFF = re.compile(
    r"^[ \t]*(?:best(?: regards| wishes)?|(?:kind |warm |warmest |many )?regards|thanks(?: again| so much)?|"
    r"thank you|many thanks|cheers|sincerely(?: yours)?|yours(?: truly| sincerely)?|warmly|all the best|"
    r"talk soon|take care|respectfully|thx|with gratitude|gratefully)[ \t]*[,.!]?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_MAX_SIGNATURE_LINES = 8
_MAX_SIGNATURE_LINE = 90


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in ranges)


def find_excluded(body: str, skip: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
    """Ranges of `body` that are quoted thread or signature, as (start, end, kind)."""
    skip = list(skip or [])
    found: list[tuple[int, int, str]] = []
    end = len(body)
    for m in _THREAD_START.finditer(body):
        if not _inside(m.start(), skip):
            found.append((m.start(), end, "quote"))
            end = m.start()
            break
    # Quoted lines, a "-- " line and "Sent from my" each need their own text: most drafts hold none of it.
    for m in _QUOTED_LINES.finditer(body, 0, end) if body.find(">", 0, end) >= 0 else ():
        if not _inside(m.start(), skip):
            found.append((m.start(), m.end(), "quote"))
    sig = _signature(body, end, skip)
    if sig:
        found.append(sig)
    return trim_spans(body, found)


def _signature(body: str, end: int, skip: list[tuple[int, int]]) -> tuple[int, int, str] | None:
    for pattern, needed in (
        (_SIG_DASHES, body.find("--", 0, end) >= 0),
        (_SENT_FROM, "from my " in body[:end].lower()),
    ):
        m = pattern.search(body, 0, end) if needed else None
        if m and not _inside(m.start(), skip):
            return (m.start(), end, "signature")
    last = None
    for m in SIGN_OFF.finditer(body, 0, end):
        if not _inside(m.start(), skip):
            last = m
    if last is None:
        return _bare_signature(body, end, skip)
    rest_start = last.end() + 1 if last.end() < end and body[last.end()] == "\n" else last.end()
    rest = body[rest_start:end]
    lines = [line for line in rest.split("\n") if line.strip()]
    # A short block of short lines after the sign-off is a name/title/contact block, not more message.
    if 0 < len(lines) <= _MAX_SIGNATURE_LINES and all(len(line) <= _MAX_SIGNATURE_LINE for line in lines):
        return (rest_start, end, "signature")
    return None


_NAME_LINE = re.compile(r"^[ \t]*[-–—]?[ \t]*[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}[ \t]*$")
_ENDS_SENTENCE = re.compile(r"[.!?:;,][\"”’)]*\s*$")


def _bare_signature(body: str, end: int, skip: list[tuple[int, int]]) -> tuple[int, int, str] | None:
    """A closing block with no sign-off word: a name line, then at most three short title/contact lines."""
    text = body[:end].rstrip()
    start = text.rfind("\n\n")
    if start < 0:
        return None
    block_start = start + 2
    lines = text[block_start:].split("\n")
    if len(lines) > 4 or _inside(block_start, skip) or not _NAME_LINE.match(lines[0]):
        return None
    if any(len(line) > 70 or (_ENDS_SENTENCE.search(line) and i == 0) for i, line in enumerate(lines)):
        return None
    return (block_start, len(text), "signature")


def trim_spans(body: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop the whitespace at the edges of each range so spans start and end on text."""
    out = []
    for start, end, kind in spans:
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end, kind))
    out.sort()
    return out
