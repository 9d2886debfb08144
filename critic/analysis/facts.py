"""What each sentence does: its roles from the lexicon, then the sentence model's functions, remembered per sentence.

A sentence's facts depend only on its words, its needles, whether it opens the draft, the reader's names and the
draft's language, so a sentence seen before (a writer re-checks a draft as they type; greetings and sign-offs recur)
costs a lookup, and the model labels only the sentences it has not seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from critic.analysis import casefold
from critic.analysis.functions import sentence_model
from critic.analysis.language import MODEL_LANGUAGES
from critic.analysis.lexicon import Lexicon, lexicon, role_patterns
from critic.analysis.memo import SENTENCES, Memo
from critic.analysis.roles import REPLY_COST, greeted_name, lexicon_roles, names_pattern, word_count

Lexical = tuple[tuple[str, ...], float, str, int, int]  # roles, ask cost, ask kind, reader, sender
Judged = tuple[tuple[str, ...], float, str, int, int, tuple[str, ...]]  # ... and the sentence's functions


class Facts(NamedTuple):
    """What one sentence does (the fields a Sentence takes), and its lexicon roles before the model's."""

    roles: tuple[str, ...]
    ask_cost: float
    ask_kind: str
    reader: int
    sender: int
    words: int
    functions: tuple[str, ...]
    lexicon_roles: tuple[str, ...]


# Bounded: hostile text cannot grow it without limit.
_FACTS: Memo[tuple[object, ...], Facts] = Memo(SENTENCES)


def sentence_facts(
    texts: Sequence[str],
    needles: Sequence[frozenset[str]],
    language: str,
    recipient_names: tuple[str, ...],
    lex: Lexicon,
) -> list[Facts]:
    """The facts of each sentence of a draft, in order; only sentences not seen before are judged."""
    names = names_pattern(recipient_names)
    out: list[Facts | None] = []
    fresh: list[tuple[int, tuple[object, ...], Lexical, int]] = []
    for i, (text, found) in enumerate(zip(texts, needles, strict=True)):
        key = (text, found, i == 0, names.pattern if names else None, language)
        known = _FACTS.get(key)
        if known is None:
            words = word_count(text)
            lexical = lexicon_roles(text, found, lex, i == 0, names, words)
            fresh.append((i, key, lexical, words))
            opening = lexical[0]
        else:
            opening = known.lexicon_roles
        out.append(known)
        if i == 0 and "greeting" in opening:
            # The greeted name ("Hi Margaret,") is the reader's too, for every sentence after the greeting.
            names = names_pattern(recipient_names, greeted_name(text, lex)) or names
    if fresh:
        modelled = language in MODEL_LANGUAGES
        labelled = sentence_model().functions([texts[i] for i, _, _, _ in fresh]) if modelled else []
        for j, (i, key, lexical, words) in enumerate(fresh):
            judged: Judged = (
                _with_functions(texts[i], needles[i], i == 0, lexical, labelled[j], language)
                if modelled
                else (*lexical, ())
            )
            facts = Facts(*judged[:5], words, judged[5], lexical[0])
            _FACTS.put(key, facts)
            out[i] = facts
    return out  # type: ignore[return-value]


# What an ask the sentence model sees costs the reader, and which rung of the ask ladder it stands on.
_MODEL_ASKS: tuple[tuple[str, float, str], ...] = (
    ("presumptive_close", 3.0, "meeting_slot"),
    ("slot_ask", 3.0, "meeting_slot"),
    ("meeting_ask", 2.0, "meeting"),
    ("action_ask", 2.0, "action"),
    ("routing", 2.0, "action"),
    ("reply_ask", REPLY_COST, "reply"),
)
_VALUE_FUNCTIONS = frozenset({"insight", "resource_offer", "intro_offer"})
_OFFERS = frozenset({"resource_offer", "intro_offer"})


def _quoted(text: str) -> bool:
    """The sentence opens or closes a quotation it does not finish: part of quoted words, not the writer's own."""
    return text.count('"') % 2 == 1 or text.count("“") != text.count("”")


_PRESSING = frozenset({"nagging", "guilt"})
_READER_FUNCTIONS = frozenset({"reader_situation", "reader_reference"})
_SENDER_FUNCTIONS = frozenset({"sender_boast", "generic_claim"})
_SHORT_LINE = 60


_ASKS_OF_THE_READER = frozenset({"slot_ask", "meeting_ask", "action_ask", "reply_ask", "routing"})
_STATEMENT_OPENER = re.compile(r"^\W*(?:i|i'm|i've|i'd|i'll|we|we're|we've|our|my|it|it's|this|that|there|the)\b", re.I)
# The reader addressed: "you", "your" and their contractions.
SECOND_PERSON = re.compile(r"\b(?:you|your|yours|you're|you've|you'd|you'll)\b", re.I)
_PERSONAL = re.compile(r"\b(?:i|me|my|we|our|us|you|your)\b", re.I)


# "We can submit your site to 400 engines for only $29.95 a month": what the writer sells, at a price.
_PRICED_OFFER = re.compile(
    r"\b(we|i)(?:'ll| will| can| could)?\s+(?:can\s+)?(offer|provide|submit|deliver|do|get|give|handle|manage|build|"
    r"design|create|make|list|place|promote|advertise|register|host|clean|fix|repair|install)\b[^.!?]*[$€£]\s?\d"
    r"|\bfor (only|just|as little as) [$€£]\s?\d",
    re.IGNORECASE,
)


# "Rampwise helps companies cut onboarding time by up to 50%": what the writer's product does for anyone, a pitch
# however many figures it holds.
_PITCH_FORM = re.compile(
    r"\b(helps?|helping|enables?|allows?|lets)\s+(companies|teams|businesses|brands|clients|customers|organi[sz]ations|"
    r"people|firms|practices|clinics|schools|stores|shops|restaurants|owners|leaders|founders|agencies|retailers|"
    r"manufacturers|hospitals|startups|operators|landlords|charities|sellers)\b",
    re.IGNORECASE,
)


def _plausible(text: str, functions: tuple[str, ...], language: str) -> tuple[str, ...]:
    """The functions that fit the sentence's form: an ask is put to the reader; guilt is between people.

    A statement that opens on the writer or the world and never addresses the reader asks for nothing, whatever
    its words suggest ("38% of Tuesday arrivals come from two carriers"); guilt without a person in it is a fact.
    """
    if language != "en":
        return functions
    statement = (
        not text.rstrip().endswith("?") and _STATEMENT_OPENER.match(text) and not casefold.found(SECOND_PERSON, text)
    )
    out = tuple(
        f
        for f in functions
        if not (f in _ASKS_OF_THE_READER and statement) and not (f == "guilt" and not casefold.found(_PERSONAL, text))
    )
    return out or ("other",)


def _with_functions(
    text: str, needles: frozenset[str], first: bool, lexical: Lexical, functions: tuple[str, ...], language: str
) -> Judged:
    """The sentence's roles, ask and references once the model says what it does, and its plausible functions.

    English roles come from the lexicon first; the model adds what no listed phrase caught (a paraphrased ask,
    an insight without a figure). Other languages have no lexicon, so the model's functions are their roles.
    """
    s_roles, s_cost, s_kind, s_reader, s_sender = lexical
    functions = _plausible(text, functions, language)
    if language == "en" and _PRESSING & set(functions) and role_patterns("opt_out_lines").search(text):
        # "To be removed from this list, do not reply": a way out, however much it sounds like a nudge.
        functions = tuple(dict.fromkeys("opt_out" if x in _PRESSING else x for x in functions))
    # Every priced offer names a price: a sentence without a currency sign is not searched for one.
    pitched = language == "en" and (
        (any(c in text for c in "$€£") and casefold.found(_PRICED_OFFER, text)) or casefold.found(_PITCH_FORM, text)
    )
    if pitched:
        # The writer's own service at a price, or what it "helps companies" do, is a pitch, however many figures.
        functions = tuple(dict.fromkeys("generic_claim" if x == "insight" else x for x in functions))
    f = set(functions)
    roles = [r for r in s_roles if r != "other" and not (pitched and r == "value")] if language == "en" else []
    cost, kind = (s_cost, s_kind) if language == "en" else (0.0, "")
    reader, sender = (s_reader, s_sender) if language == "en" else (0, 0)
    short = len(text) <= _SHORT_LINE
    if "greeting" in f and first and short and "greeting" not in roles:
        roles.insert(0, "greeting")
    if "sign_off" in f and short and "sign_off" not in roles:
        roles.append("sign_off")
    if f & {"pleasantry", "small_talk", "flattery"} and "pleasantry" not in roles:
        roles.append("pleasantry")
    # An offer the model is surest of ("If you like, I can send a 2-minute video") costs no meeting, whatever
    # length or day it names: only a reply can be asked beside it.
    offered = functions[0] in _OFFERS
    model_cost, model_kind = next(
        ((c, k) for name, c, k in _MODEL_ASKS if name in f and not (offered and c > REPLY_COST)), (0.0, "")
    )
    # A question form ("Could you...?") says only that something is asked; the model says what it costs to grant.
    if model_cost > cost and (not cost or kind == "reply"):
        cost, kind = model_cost, model_kind
        if kind == "meeting" and language == "en" and lexicon().conditional_meeting.found(text, needles):
            cost, kind = REPLY_COST, "reply"  # the meeting waits for the reader's yes; the ask now is a reply
    if (
        "value" in roles
        and language == "en"
        and (functions[0] in _SENDER_FUNCTIONS or (cost and "ask" not in roles))
        and s_kind != "resource"
        and not lexicon().value.found(text, needles)
    ):
        # A figure alone made it value; the model reads a boast ("the #1 service, trusted by hundreds") or an ask
        # ("15 minutes this week?"), which gives the reader nothing.
        roles.remove("value")
    if cost and _quoted(text):
        # Words in quotation marks are someone else's ("see you on [day]; need to move it?" in a template handed
        # over): they ask the reader nothing.
        cost, kind = 0.0, ""
        roles = [r for r in roles if r != "ask"]
    if cost and "ask" not in roles:
        roles.append("ask")
    # A nudge the model is surest of ("following up on my email") gives nothing, whatever else it half-hears in it.
    if f & _VALUE_FUNCTIONS and "value" not in roles and functions[0] not in _PRESSING:
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
    if "value" in roles and language == "en" and role_patterns("collateral").search(text):
        roles.remove("value")  # the writer's catalogue or product video sells; it does not help the reader yet
    if language == "en" and lexicon().machine_talk.search(text, needles):
        # Text aimed at an automated reviewer earns no credit, whatever figures it holds.
        roles = [r for r in roles if r not in ("value", "proof")]
        functions = tuple(x for x in functions if x not in _VALUE_FUNCTIONS) or ("other",)
    return tuple(roles or ["other"]), cost, kind, reader, sender, functions
