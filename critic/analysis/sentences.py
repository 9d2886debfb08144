"""Sentences and paragraphs of a normalised draft, what each sentence does (critic/analysis/facts.py), and statistics."""

from __future__ import annotations

import re

from critic.analysis import memo
from critic.analysis.facts import sentence_facts
from critic.analysis.invitation import answer_invitation
from critic.analysis.language import detect
from critic.analysis.lexicon import lexicon
from critic.analysis.matcher import NeedleIndex
from critic.analysis.memo import Memo
from critic.analysis.readability import joined_grade
from critic.analysis.roles import WORD
from critic.model import Analysis, Document, Sentence

ROLES: tuple[str, ...] = (
    "greeting",
    "sign_off",
    "pleasantry",
    "ask",
    "value",
    "proof",
    "about_reader",
    "about_sender",
    "other",
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")
# A sentence ends at a run of end marks, closing quotes or brackets before a space (possessive runs that start only at
# the run's first character: a 100 KB run of "?" stays linear), or between "!" or "?" and a capital ("Hi!Thanks").
# Each pattern opens on a character the engine can skip to: the run's first character, checked after it to have no
# mark before it, and the "!" or "?" itself (the sentence ends after it).
_MARKS, _CLOSERS = ".!?…", "\"”’')\\]"
_SENTENCE_END = re.compile(
    rf"(?:[{_MARKS}](?<![{_MARKS}{_CLOSERS}].)[{_MARKS}]*+[{_CLOSERS}]*+"
    rf"|[{_CLOSERS}](?<![{_MARKS}{_CLOSERS}].)[{_CLOSERS}]*+[{_MARKS}]++[{_CLOSERS}]*+)(?=\s++\S)"
)
_RUN_ON = re.compile(r"[!?](?=[A-Z])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof inc ltd co corp vs e.g i.e jr sr st no approx dept est u.s a.m p.m fig jan feb mar apr aug "
    "sep sept oct nov dec mt ft".split()
)
_BULLET = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,2}[.)])\s")
_LINE_END_BREAK = re.compile(r"[.!?:;,…\"”)]\s*$")
WORDS_PER_MINUTE = 230
MAX_SENTENCE = 600


def _split_units(text: str, base: int) -> list[tuple[int, int]]:
    """Split a paragraph at line breaks that end a thought; a line that goes on in lower case was only wrapped."""
    units, start = [], 0
    lines = text.split("\n")
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line) + 1
        nxt = lines[i + 1]
        stripped = line.strip()
        first = nxt.lstrip()[:1]
        # A wrapped line goes on in lower case, or with a figure or a price ("to over\n350 engines for $39.95").
        starts_new = bool(first) and not (first.islower() or first.isdigit() or first in "$€£(%")
        if not stripped or _LINE_END_BREAK.search(stripped) or starts_new or _BULLET.match(nxt):
            units.append((base + start, base + pos - 1))
            start = pos
    units.append((base + start, base + len(text)))
    return units


def _cap(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a run-on "sentence" longer than MAX_SENTENCE at spaces: no real sentence is that long, and it keeps matching linear."""
    pieces = []
    while end - start > MAX_SENTENCE:
        cut = body.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _split_sentences(body: str, start: int, end: int) -> list[tuple[int, int]]:
    return [piece for s, e in _raw_sentences(body, start, end) for piece in _cap(body, s, e)]


def _ends(segment: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence end in order: the two kinds never overlap (a run holds no capital)."""
    ends = [m.span() for m in _SENTENCE_END.finditer(segment)]
    run_on = [(m.end(), m.end()) for m in _RUN_ON.finditer(segment)]
    return sorted(ends + run_on) if run_on else ends


def _raw_sentences(body: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    segment = body[start:end]
    cursor = 0
    for at, stop in _ends(segment):
        words = segment[cursor:at].rsplit(None, 1)  # [] when only spaces come before
        last_word = words[-1].lower().rstrip(".") if words else ""
        if segment[at] == "." and (last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())):
            continue
        out.append((start + cursor, start + stop))
        cursor = stop
    out.append((start + cursor, end))
    return out


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _spans(doc: Document) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """(start, end, paragraph) of each sentence of the judged body, and (start, end) of each paragraph."""
    body = doc.body
    spans: list[tuple[int, int, int]] = []
    paragraphs: list[tuple[int, int]] = []
    for rstart, rend in doc.judged:
        cursor = rstart
        for m in [*_PARAGRAPH_BREAK.finditer(body, rstart, rend), None]:
            pend = m.start() if m else rend
            pstart, pstop = _trim(body, cursor, pend)
            cursor = m.end() if m else rend
            if pstart >= pstop:
                continue
            para_index = len(paragraphs)
            paragraphs.append((pstart, pstop))
            spans.extend((pstart + s, pstart + e, para_index) for s, e in _paragraph_sentences(body[pstart:pstop]))
    return spans, paragraphs


# paragraph -> its sentences' (start, end) within it: splitting reads nothing outside the paragraph.
_SPLIT: Memo[str, tuple[tuple[int, int], ...]] = Memo(memo.PARAGRAPHS)


def _paragraph_sentences(paragraph: str) -> tuple[tuple[int, int], ...]:
    found = _SPLIT.get(paragraph)
    if found is None:
        out = []
        for ustart, uend in _split_units(paragraph, 0):
            for sstart, send in _split_sentences(paragraph, ustart, uend):
                sstart, send = _trim(paragraph, sstart, send)
                if sstart < send:
                    out.append((sstart, send))
        found = tuple(out)
        _SPLIT.put(paragraph, found)
    return found


def analyse(doc: Document, recipient_names: tuple[str, ...] = ()) -> Analysis:
    """Split the judged body into sentences and paragraphs, give each sentence its roles, and count."""
    body = doc.body
    lex = lexicon()  # load (and so register the needles of) every role pattern before scanning
    index = NeedleIndex(body)
    doc_needles = index.all()
    spans, paragraphs = _spans(doc)
    texts = [body[start:end] for start, end, _ in spans]
    needles = [index.between(start, end) for start, end, _ in spans]
    language, reliable = detect(" ".join(texts))
    facts = sentence_facts(texts, needles, language, recipient_names, lex)
    sentences = [
        Sentence(
            i, start, end, text, para, f.roles, f.ask_cost, f.ask_kind, f.reader, f.sender, f.words, found, f.functions
        )
        for i, ((start, end, para), text, found, f) in enumerate(zip(spans, texts, needles, facts, strict=True))
    ]
    sentences = answer_invitation(doc, sentences)
    return Analysis(
        tuple(sentences), tuple(paragraphs), _stats(doc, sentences, paragraphs), doc_needles, language, reliable
    )


def _stats(doc: Document, sentences: list[Sentence], paragraphs: list[tuple[int, int]]) -> dict[str, object]:
    prose = [s.text for s in sentences if s.role not in ("greeting", "sign_off")]
    words = sum(s.words for s in sentences)
    reader = sum(1 for s in sentences if "about_reader" in s.roles)
    sender = sum(1 for s in sentences if "about_sender" in s.roles)
    asks = [s for s in sentences if "ask" in s.roles]
    values = [s for s in sentences if "value" in s.roles]
    role_counts = dict.fromkeys(ROLES, 0)
    for s in sentences:  # one pass: each role a sentence holds counts it once
        for role in set(s.roles):
            if role in role_counts:
                role_counts[role] += 1
    return {
        "words": words,
        "sentences": len(sentences),
        "paragraphs": len(paragraphs),
        "questions": sum(1 for s in sentences if s.is_question),
        "reading_grade": round(joined_grade(prose), 1) if prose else 0.0,
        "reading_time_seconds": round(words / WORDS_PER_MINUTE * 60),
        "reader_focus": round(reader / (reader + sender), 2) if reader + sender else None,
        "reader_sentences": reader,
        "sender_sentences": sender,
        "asks": len(asks),
        "ask_cost": max((s.ask_cost for s in asks), default=0.0),
        "first_ask_sentence": asks[0].index if asks else None,
        "first_value_sentence": values[0].index if values else None,
        "roles": role_counts,
        "subject_words": len(WORD.findall(doc.subject)),
        "subject_chars": len(doc.subject),
        "excluded_chars": sum(s.end - s.start for s in doc.excluded),
        "placeholders": len(doc.placeholders),
    }
