"""Sentences, paragraphs, sentence roles and statistics of a normalised draft."""

from __future__ import annotations

import dataclasses
import re

from critic.analysis.functions import sentence_model
from critic.analysis.invitation import answer_invitation
from critic.analysis.language import MODEL_LANGUAGES, detect
from critic.analysis.lexicon import Lexicon, lexicon, role_patterns
from critic.analysis.matcher import Matcher, NeedleIndex
from critic.analysis.readability import reading_grade
from critic.ingest.thread import SIGN_OFF
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
WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")
# Possessive runs that start only at the run's first character: a 100 KB run of "?" stays linear.
_SENTENCE_END = re.compile(
    r"(?<![.!?…\"”’')\]])(?:[.!?…]++[\"”’')\]]*+|[\"”’')\]]++[.!?…]++[\"”’')\]]*+)(?=\s++\S)|(?<=[!?])(?=[A-Z])"
)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof inc ltd co corp vs e.g i.e jr sr st no approx dept est u.s a.m p.m fig jan feb mar apr aug "
    "sep sept oct nov dec mt ft".split()
)
_BULLET = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,2}[.)])\s")
_LINE_END_BREAK = re.compile(r"[.!?:;,…\"”)]\s*$")
WORDS_PER_MINUTE = 230
MAX_SENTENCE = 600
_QUANTITY = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|hundred|half|a third|"
    r"a quarter|twice|double|triple)\b",
    re.IGNORECASE,
)
_MIN_DATA_WORDS = 7
_REPLY_COST = 1.0
_THANKS = re.compile(r"^(thanks|thank you|many thanks)\b", re.IGNORECASE)
# A sign-off run into the name on one line: "Warm regards, Rajesh Gupta".
_INLINE_SIGN_OFF = re.compile(
    r"^(best|best regards|kind regards|warm regards|regards|thanks|thank you|cheers|sincerely|warmly|all the best)"
    r",\s+(?-i:[A-Z])[\w.'’-]*(\s+(?-i:[A-Z])[\w.'’-]*){0,3}\s*$",
    re.IGNORECASE,
)


_OBSERVED = re.compile(
    r"\b(counted|found|measured|tested|ran|checked|looked|saw|noticed|timed|read|tracked|surveyed|compared|tallied)\b",
    re.I,
)


def _is_data_point(text: str, sender: int) -> bool:
    """A figure the reader can use: about the world, or observed by the writer ("I counted 23 threads")."""
    if not _QUANTITY.search(text) or len(WORD.findall(text)) < _MIN_DATA_WORDS or text.rstrip().endswith("?"):
        return False
    return sender == 0 or (sender <= 1 and bool(_OBSERVED.search(text)))


def _split_units(text: str, base: int) -> list[tuple[int, int]]:
    """Split a paragraph at line breaks that end a thought; a line that goes on in lower case was only wrapped."""
    units, start = [], 0
    lines = text.split("\n")
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line) + 1
        nxt = lines[i + 1]
        stripped = line.strip()
        starts_new = bool(nxt.strip()) and not nxt.lstrip()[0].islower()
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


def _raw_sentences(body: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    segment = body[start:end]
    cursor = 0
    for m in _SENTENCE_END.finditer(segment):
        before = segment[cursor : m.start()]
        last_word = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.split() else ""
        if segment[m.start()] == "." and (last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())):
            continue
        out.append((start + cursor, start + m.end()))
        cursor = m.end()
    out.append((start + cursor, end))
    return out


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _score_refs(text: str, present: frozenset[str], table: tuple[tuple[int, Matcher], ...]) -> int:
    total = 0
    for weight, matcher in table:
        total += weight * matcher.count(text, present)
    return total


def _empty_flattery(text: str, low: frozenset[str], lex: Lexicon) -> bool:
    """Praise with nothing specific behind it: as empty as a pleasantry."""
    if not lex.flattery.search(text, low):
        return False
    return not (lex.flattery_unless.search(text, low) or lex.specific_connection.search(text, low))


def _roles(
    text: str, low: frozenset[str], lex: Lexicon, is_first_line: bool, names: re.Pattern[str] | None
) -> tuple[tuple[str, ...], float, str, int, int]:
    roles: list[str] = []
    if is_first_line and len(text) <= 60 and lex.greeting.search(text, low):
        roles.append("greeting")
    if SIGN_OFF.fullmatch(text) or _INLINE_SIGN_OFF.match(text):
        roles.append("sign_off")
    if lex.pleasantry.search(text, low) or _empty_flattery(text, low, lex):
        roles.append("pleasantry")
    cost, kind = 0.0, ""
    for ask in lex.asks:  # dearest first
        if ask.matcher.search(text, low):
            cost, kind = ask.cost, ask.kind
            break
    if cost and _THANKS.match(text) and not text.rstrip().endswith("?"):
        cost, kind = 0.0, ""  # "Thanks for the time on Thursday." thanks; it asks for nothing
    elif kind == "meeting" and lex.conditional_meeting.search(text, low):
        cost, kind = _REPLY_COST, "reply"  # the meeting waits for the reader's yes; the ask now is a reply
    if cost and "pleasantry" not in roles:
        roles.append("ask")
    else:
        cost, kind = 0.0, ""
    # An offer to send something ("Want me to send the checklist?") asks almost nothing and gives the thing offered.
    if kind == "resource" or lex.value.search(text, low):
        roles.append("value")
    if lex.proof.search(text, low):
        roles.append("proof")
    reader = 2 * len(names.findall(text)) if names else 0
    if any(matcher.may_match(low) for _, matcher in lex.reader_refs):
        framed = lex.not_about_reader.sub(" ", text, low)
        # Blanking phrases out of a sentence adds no needles, so the sentence's own set still bounds what can match.
        reader += _score_refs(framed, low, lex.reader_refs)
    sender = _score_refs(text, low, lex.sender_refs)
    if lex.reader_focus.search(text, low):
        reader += 2
    boast = lex.sender_markers.search(text, low) is not None
    if boast and not reader:
        sender += 2
    if (
        not boast
        and "value" not in roles
        and "ask" not in roles
        and "pleasantry" not in roles
        and _is_data_point(text, sender)
    ):
        # A fact or figure about the world or the reader's market is an insight the reader can use.
        roles.append("value")
    if reader > sender and reader >= 2 or (reader and not sender and "ask" not in roles):
        roles.append("about_reader")
    elif sender > reader and "value" not in roles and "ask" not in roles:
        # Offering something ("I wrote up the fix") is value even when phrased in the first person.
        roles.append("about_sender")
    if not roles:
        roles.append("other")
    return tuple(roles), cost, kind, reader, sender


_GREETED = re.compile(
    r"^(?:hi|hello|hey|dear|hiya|howdy|greetings|good (?:morning|afternoon|evening))[ ,]+"
    r"(?:(?:mr|mrs|ms|mx|dr|prof)\.?\s+)?((?-i:[A-Z])[\w'’-]+)",
    re.IGNORECASE,
)


_MORE_GREETED = re.compile(r"\s(and|&)\s|[,/]\s*(?-i:[A-Z])", re.IGNORECASE)


def _greeted_name(greeting: str, lex: Lexicon) -> tuple[str, ...]:
    """The reader's name from "Hi Margaret," (nothing from "Hi there," or "Dear Hiring Manager,")."""
    m = _GREETED.match(greeting)
    if not m or m.group(1).lower() in lex.generic_addressees or _MORE_GREETED.search(greeting, m.end()):
        return ()  # "Hi Paul and Derek": with two readers, a name is not "the" reader
    return (m.group(1),)


def _names_pattern(names: tuple[str, ...], greeted: tuple[str, ...] = ()) -> re.Pattern[str] | None:
    """Mentions of the reader by name: names the writer gave match in any case, a greeted name only as written."""
    parts = [rf"\b{re.escape(n)}\b" for n in names if n.strip()]
    parts += [rf"\b(?-i:{re.escape(n)})\b" for n in greeted if n not in names]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def analyse(doc: Document, recipient_names: tuple[str, ...] = ()) -> Analysis:
    """Split the judged body into sentences and paragraphs, give each sentence its roles, and count."""
    body = doc.body
    lex = lexicon()  # load (and so register the needles of) every role pattern before scanning
    index = NeedleIndex(body)
    doc_needles = index.all()
    names = _names_pattern(recipient_names)
    sentences: list[Sentence] = []
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
            for ustart, uend in _split_units(body[pstart:pstop], pstart):
                for sstart, send in _split_sentences(body, ustart, uend):
                    sstart, send = _trim(body, sstart, send)
                    if sstart >= send:
                        continue
                    text = body[sstart:send]
                    found = index.between(sstart, send)
                    roles, cost, kind, reader, sender = _roles(text, found, lex, not sentences, names)
                    if not sentences and "greeting" in roles:
                        names = _names_pattern(recipient_names, _greeted_name(text, lex)) or names
                    sentences.append(
                        Sentence(
                            len(sentences),
                            sstart,
                            send,
                            text,
                            para_index,
                            roles,
                            cost,
                            kind,
                            reader,
                            sender,
                            len(WORD.findall(text)),
                            found,
                        )
                    )
    language, reliable = detect(" ".join(s.text for s in sentences))
    if language in MODEL_LANGUAGES and sentences:
        labelled = sentence_model().functions([s.text for s in sentences])
        sentences = [_with_functions(s, f, language) for s, f in zip(sentences, labelled, strict=True)]
    sentences = answer_invitation(doc, sentences)
    return Analysis(
        tuple(sentences), tuple(paragraphs), _stats(doc, sentences, paragraphs), doc_needles, language, reliable
    )


# What an ask the sentence model sees costs the reader, and which rung of the ask ladder it stands on.
_MODEL_ASKS: tuple[tuple[str, float, str], ...] = (
    ("presumptive_close", 3.0, "meeting_slot"),
    ("slot_ask", 3.0, "meeting_slot"),
    ("meeting_ask", 2.0, "meeting"),
    ("action_ask", 2.0, "action"),
    ("routing", 2.0, "action"),
    ("reply_ask", _REPLY_COST, "reply"),
)
_VALUE_FUNCTIONS = frozenset({"insight", "resource_offer", "intro_offer"})
_READER_FUNCTIONS = frozenset({"reader_situation", "reader_reference"})
_SENDER_FUNCTIONS = frozenset({"sender_boast", "generic_claim"})
_SHORT_LINE = 60


_ASKS_OF_THE_READER = frozenset({"slot_ask", "meeting_ask", "action_ask", "reply_ask", "routing"})
_STATEMENT_OPENER = re.compile(r"^\W*(?:i|i'm|i've|i'd|i'll|we|we're|we've|our|my|it|it's|this|that|there|the)\b", re.I)
_SECOND = re.compile(r"\b(?:you|your|yours|you're|you've|you'd|you'll)\b", re.I)
_PERSONAL = re.compile(r"\b(?:i|me|my|we|our|us|you|your)\b", re.I)


# "We can submit your site to 400 engines for only $29.95 a month": what the writer sells, at a price.
_PRICED_OFFER = re.compile(
    r"\b(we|i)(?:'ll| will| can| could)?\s+(?:can\s+)?(offer|provide|submit|deliver|do|get|give|handle|manage|build|"
    r"design|create|make|list|place|promote|advertise|register|host|clean|fix|repair|install)\b[^.!?]*[$€£]\s?\d"
    r"|\bfor (only|just|as little as) [$€£]\s?\d",
    re.IGNORECASE,
)


def _plausible(text: str, functions: tuple[str, ...], language: str) -> tuple[str, ...]:
    """The functions that fit the sentence's form: an ask is put to the reader; guilt is between people.

    A statement that opens on the writer or the world and never addresses the reader asks for nothing, whatever
    its words suggest ("38% of Tuesday arrivals come from two carriers"); guilt without a person in it is a fact.
    """
    if language != "en":
        return functions
    statement = not text.rstrip().endswith("?") and _STATEMENT_OPENER.match(text) and not _SECOND.search(text)
    out = tuple(
        f
        for f in functions
        if not (f in _ASKS_OF_THE_READER and statement) and not (f == "guilt" and not _PERSONAL.search(text))
    )
    return out or ("other",)


def _with_functions(s: Sentence, functions: tuple[str, ...], language: str) -> Sentence:
    """The sentence with what the model says it does, and the roles that follow from it.

    English roles come from the lexicon first; the model adds what no listed phrase caught (a paraphrased ask,
    an insight without a figure). Other languages have no lexicon, so the model's functions are their roles.
    """
    functions = _plausible(s.text, functions, language)
    priced = language == "en" and _PRICED_OFFER.search(s.text) is not None
    if priced:
        # The writer's own service at a price is a pitch, however many figures it holds.
        functions = tuple(dict.fromkeys("generic_claim" if x == "insight" else x for x in functions))
    f = set(functions)
    roles = [r for r in s.roles if r != "other" and not (priced and r == "value")] if language == "en" else []
    cost, kind = (s.ask_cost, s.ask_kind) if language == "en" else (0.0, "")
    reader, sender = (s.reader, s.sender) if language == "en" else (0, 0)
    short = len(s.text) <= _SHORT_LINE
    if "greeting" in f and s.index == 0 and short and "greeting" not in roles:
        roles.insert(0, "greeting")
    if "sign_off" in f and short and "sign_off" not in roles:
        roles.append("sign_off")
    if f & {"pleasantry", "small_talk", "flattery"} and "pleasantry" not in roles:
        roles.append("pleasantry")
    if not cost:
        cost, kind = next(((c, k) for name, c, k in _MODEL_ASKS if name in f), (0.0, ""))
        if kind == "meeting" and language == "en" and lexicon().conditional_meeting.search(s.text, s.needles):
            cost, kind = _REPLY_COST, "reply"  # the meeting waits for the reader's yes; the ask now is a reply
    if cost and "ask" not in roles:
        roles.append("ask")
    if f & _VALUE_FUNCTIONS and "value" not in roles:
        roles.append("value")
    if f & _READER_FUNCTIONS:
        reader += 2
    if f & _SENDER_FUNCTIONS and "value" not in roles:
        sender += 2
    if "about_reader" not in roles and "about_sender" not in roles:
        if reader > sender:
            roles.append("about_reader")
        elif sender > reader and "value" not in roles and "ask" not in roles:
            roles.append("about_sender")
    if language == "en" and role_patterns("machine_talk").search(s.text):
        # Text aimed at an automated reviewer earns no credit, whatever figures it holds.
        roles = [r for r in roles if r not in ("value", "proof")]
        functions = tuple(x for x in functions if x not in _VALUE_FUNCTIONS) or ("other",)
    roles = roles or ["other"]
    return dataclasses.replace(
        s, roles=tuple(roles), ask_cost=cost, ask_kind=kind, reader=reader, sender=sender, functions=functions
    )


def _judged_text(doc: Document, sentences: list[Sentence]) -> str:
    return " ".join(s.text for s in sentences if s.role not in ("greeting", "sign_off"))


def _stats(doc: Document, sentences: list[Sentence], paragraphs: list[tuple[int, int]]) -> dict[str, object]:
    prose = _judged_text(doc, sentences)
    words = sum(s.words for s in sentences)
    reader = sum(1 for s in sentences if "about_reader" in s.roles)
    sender = sum(1 for s in sentences if "about_sender" in s.roles)
    asks = [s for s in sentences if "ask" in s.roles]
    values = [s for s in sentences if "value" in s.roles]
    role_counts = {role: sum(1 for s in sentences if role in s.roles) for role in ROLES}
    return {
        "words": words,
        "sentences": len(sentences),
        "paragraphs": len(paragraphs),
        "questions": sum(1 for s in sentences if s.is_question),
        "reading_grade": round(reading_grade(prose), 1) if prose else 0.0,
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
