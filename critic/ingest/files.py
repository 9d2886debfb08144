"""Reads draft files for the CLI: .txt templates, .html bodies, .eml messages, or standard input."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from critic.ingest.document import parse_eml, parse_text_file
from critic.model import Draft, DraftError

MAX_BYTES = 5 * 1024 * 1024
_MAIL_HEADERS = re.compile(rb"^(?:[A-Za-z-]+: .*\r?\n)+", re.MULTILINE)


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DraftError(f"{name}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def draft_from_bytes(raw: bytes, name: str, suffix: str = "") -> Draft:
    """A Draft from a file's bytes, by its suffix (or by sniffing, for standard input)."""
    if len(raw) > MAX_BYTES:
        raise DraftError(f"{name}: {len(raw)} bytes is over the {MAX_BYTES} byte limit")
    if not raw.strip():
        raise DraftError(f"{name}: the file is empty")
    suffix = suffix.lower()
    if suffix == ".eml" or (not suffix and _looks_like_message(raw)):
        return parse_eml(raw)
    text = _decode(raw, name)
    if suffix in (".html", ".htm"):
        return Draft(body=text, format="html")
    return parse_text_file(text)


def _looks_like_message(raw: bytes) -> bool:
    head = raw[:4096]
    m = _MAIL_HEADERS.match(head)
    return bool(m) and (b"MIME-Version:" in head or b"Content-Type:" in head or b"Received:" in head)


def read_draft(path: str) -> Draft:
    """The draft in `path` ('-' is standard input); raises DraftError with a message for the writer."""
    if path == "-":
        return draft_from_bytes(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    try:
        if p.is_dir():
            raise DraftError(f"{path}: is a directory")
        if p.stat().st_size > MAX_BYTES:
            raise DraftError(f"{path}: {p.stat().st_size} bytes is over the {MAX_BYTES} byte limit")
        raw = p.read_bytes()
    except OSError as exc:
        raise DraftError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return draft_from_bytes(raw, path, p.suffix)


def corpus_draft(path: str | Path) -> Draft:
    """The email in a file of tests/data/corpus/: its source and licence header block, `---`, then the email."""
    raw = Path(path).read_bytes()
    _, sep, email_part = raw.partition(b"\n---\n")
    if not sep:
        raise DraftError(f"{path}: no '---' line after the source header")
    return draft_from_bytes(email_part, str(path), ".txt")
