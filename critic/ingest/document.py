"""Turns a draft (plain text, HTML or .eml) into the text a reader sees, with an offset map back to the input."""

from __future__ import annotations

import re

from critic.ingest.html import html_to_text
from critic.ingest.thread import find_excluded, trim_spans
from critic.model import FORMATS, Document, Draft, DraftError, Format, Span

# Merge tags from the common sequencers: {{first_name}}, {first_name}, [Name], %FIRSTNAME%, {!Contact.Name}, <<Name>>.
MERGE_TAG = re.compile(
    r"\{\{[^{}\n]{1,60}\}\}"
    r"|\{![^{}\n]{1,60}\}"
    r"|\{[A-Za-z_][\w.\- ]{0,40}\}"
    r"|\[[A-Z][A-Za-z_ ]{0,30}[a-z_A-Z]\]"
    r"|%[A-Z][A-Z0-9_]{1,40}%"
    r"|<<[A-Za-z_][\w ]{0,40}>>"
)


def _placeholders(text: str, fieldname: str) -> list[Span]:
    if not any(ch in text for ch in "{[%<"):
        return []  # every merge tag opens with one of these
    return [Span(fieldname, m.start(), m.end(), "placeholder") for m in MERGE_TAG.finditer(text)]


def _judged_ranges(length: int, excluded: list[Span]) -> tuple[tuple[int, int], ...]:
    """The parts of the body outside quotes and signatures, in order."""
    ranges, cursor = [], 0
    for span in sorted(excluded, key=lambda s: s.start):
        if span.start > cursor:
            ranges.append((cursor, span.start))
        cursor = max(cursor, span.end)
    if cursor < length:
        ranges.append((cursor, length))
    return tuple(ranges)


def _clean_subject(subject: str) -> str:
    # A subject is one line; folded headers and stray whitespace are not part of what the reader sees.
    return " ".join(subject.split())


def normalise(draft: Draft) -> Document:
    """Parse a draft into a Document, or raise DraftError."""
    if not isinstance(draft.body, str) or not isinstance(draft.subject, str):
        raise DraftError("subject and body must be text")
    if draft.format not in FORMATS:
        raise DraftError(f"unknown format {draft.format!r}; use one of {', '.join(FORMATS)}")
    subject = _clean_subject(draft.subject)
    html_excluded: list[Span] = []
    body_map: tuple[int, ...] | None = None
    fmt: Format = draft.format
    if fmt == "eml":
        parsed = parse_eml(draft.body.encode("utf-8", "surrogateescape"))
        return normalise(Draft(body=parsed.body, subject=parsed.subject or subject, format=parsed.format))
    if fmt == "html":
        converted = html_to_text(draft.body)
        body, body_map = converted.text, converted.source_map
        html_excluded = [Span("body", s, e, kind) for s, e, kind in trim_spans(body, list(converted.excluded))]
    else:
        body = draft.body
    if not body.strip() and not subject:
        raise DraftError("the draft is empty: there is no subject and no body text")
    excluded = html_excluded + [
        Span("body", s, e, kind) for s, e, kind in find_excluded(body, skip=[(x.start, x.end) for x in html_excluded])
    ]
    excluded.sort(key=lambda s: s.start)
    placeholders = _placeholders(subject, "subject") + _placeholders(body, "body")
    return Document(
        subject=subject,
        body=body,
        format=fmt,
        body_map=body_map,
        excluded=tuple(excluded),
        placeholders=tuple(placeholders),
        judged=_judged_ranges(len(body), excluded),
    )


def parse_eml(raw: bytes) -> Draft:
    """A Draft from a whole RFC 5322 message: its subject and its best body part."""
    import email  # the email package (a few dozen modules) only for .eml input
    import email.policy

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    subject = str(msg.get("subject", "") or "")
    part = msg.get_body(preferencelist=("plain", "html")) if hasattr(msg, "get_body") else None
    if part is None:
        if msg.is_multipart():
            raise DraftError("the message has no text or HTML part to read")
        part = msg
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AttributeError) as exc:
        raise DraftError(f"the message body cannot be decoded: {exc}") from None
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    fmt: Format = "html" if part.get_content_subtype() == "html" else "text"
    return Draft(body=content, subject=subject, format=fmt)


_HEADER_LINE = re.compile(r"^(subject|to|from|cc|date)\s*:\s*(.*)$", re.IGNORECASE)


def parse_text_file(text: str) -> Draft:
    """A Draft from a .txt template: optional `Subject:` header lines, a blank line, then the body."""
    lines = text.split("\n")
    subject, i = "", 0
    while i < len(lines) and (m := _HEADER_LINE.match(lines[i].rstrip("\r"))):
        if m.group(1).lower() == "subject":
            subject = m.group(2).strip()
        i += 1
    if i and i < len(lines) and not lines[i].strip():
        i += 1
    elif i and i < len(lines):
        # A header block must end in a blank line; otherwise the "header" was body text all along.
        return Draft(body=text, format="text")
    body = "\n".join(lines[i:])
    stripped = body.lstrip()
    fmt: Format = (
        "html"
        if stripped[:1] == "<" and re.match(r"<(!doctype|html|body|div|p|table|head|span)\b", stripped, re.I)
        else "text"
    )
    return Draft(body=body, subject=subject, format=fmt)
