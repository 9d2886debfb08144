"""Rules whose logic is more than a phrase list: structure, balance and counts."""

from __future__ import annotations

import re

from critic.analysis import casefold
from critic.analysis.facts import SECOND_PERSON
from critic.analysis.lexicon import lexicon, load_yaml
from critic.analysis.matcher import WRAPPED
from critic.model import Finding, Sentence, Severity
from critic.rules.check_kind import bumped, check
from critic.rules.context import Context
from critic.rules.registry import Rule, rule_by_id
from critic.rules.thread import reader_refusal

_DURATION = re.compile(
    r"\b(\d+|fifteen|thirty|ten|twenty|forty[- ]five|one)[- ]?(min|mins|minute|minutes|hour|hours|hr|hrs)\b|\b(half an hour|an hour)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|tomorrow|this week|next week|this afternoon)\b|\b\d{1,2}(:\d\d)? ?(am|pm)\b",
    re.IGNORECASE,
)
_SLOT = re.compile(f"{_DURATION.pattern}|{_WHEN.pattern}", re.IGNORECASE)
_MEETING_KINDS = ("meeting", "meeting_slot")


def ladder(ask: Sentence, kind: str = "") -> tuple[str, ...]:
    """The cheaper asks to offer instead of this ask (of its own kind unless `kind` is given), in its mood."""
    return tuple(_LADDER["question" if ask.is_question else "statement"].get(kind or ask.ask_kind, ()))


_LADDER: dict[str, dict[str, list[str]]] = load_yaml("roles.yaml")["ladder"]


def _asks(ctx: Context, min_cost: float = 1.0) -> list[Sentence]:
    asks = ctx.memo.get(_ASKS)
    if asks is None:  # listed once per critique: a dozen checks ask
        asks = ctx.memo[_ASKS] = [s for s in ctx.analysis.sentences if "ask" in s.roles]
    return [s for s in asks if s.ask_cost >= min_cost]


_ASKS = "asks"  # its key in Context.memo


@check("imposition.meeting_request")
def meeting_request(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    if not ctx.first_touch:
        return []
    values = [s.index for s in ctx.analysis.sentences if "value" in s.roles]
    return [
        ctx.at_sentence(rule, _earned(sev, sum(v < s.index for v in values)), s, replacements=ladder(s, "meeting"))
        for s in _asks(ctx, 2)
        if s.ask_kind == "meeting" and not casefold.found(_SLOT, s.text)
    ]


def _earned(sev: Severity, given_before: int) -> Severity:
    """A meeting asked after real value (a role's pay and scope, traction, a finding) is the next step: a suggestion."""
    return min(sev, Severity.SUGGESTION) if given_before >= EARNED_AFTER else sev


EARNED_AFTER = 2  # value-giving sentences before the ask


@check("imposition.time_slot")
def time_slot(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    if not ctx.first_touch:
        return []
    out = []
    for s in _asks(ctx, 2):
        if s.ask_kind in _MEETING_KINDS:
            # _SLOT is the alternation of the two: it matches where either does.
            duration, when = casefold.found(_DURATION, s.text), casefold.found(_WHEN, s.text)
            if duration or when:
                # Naming both how long and when is the costliest first-touch ask there is.
                out.append(
                    ctx.at_sentence(rule, bumped(sev, duration and when), s, replacements=ladder(s, "meeting_slot"))
                )
    return out


@check("imposition.multiple_asks")
def multiple_asks(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    asks = _asks(ctx, 1)
    costly = [s for s in asks if s.ask_cost >= 2]
    if len(asks) >= 4 or len(costly) >= 2:
        msg = f"{len(asks)} asks in one email: keep the one that matters and drop the rest."
        # Every ask after the first is flagged, so dropping one never just moves the finding to the next.
        return [ctx.at_sentence(rule, sev, extra, replacements=("",), message=msg) for extra in asks[1:]]
    return []


def _value_given(ctx: Context) -> tuple[int, int]:
    given = ctx.memo.get(_GIVEN)
    if given is None:  # counted once per critique: several checks ask
        sentences = ctx.analysis.sentences
        given = ctx.memo[_GIVEN] = (
            sum(1 for s in sentences if "value" in s.roles),
            sum(1 for s in sentences if "proof" in s.roles),
        )
    return given


_GIVEN = "value_given"  # its key in Context.memo


def _ask_cost(asks: list[Sentence]) -> float:
    if not asks:
        return 0.0
    return max(s.ask_cost for s in asks) + 0.5 * (len(asks) - 1)


def budget(ctx: Context) -> dict[str, float]:
    """The imposition budget: what the asks cost the reader against what the email gives."""
    values, proofs = _value_given(ctx)
    given = min(values, 3) + 0.5 * min(proofs, 1)
    cost = _ask_cost(_asks(ctx, 0.5))
    return {"ask_cost": cost, "value_given": given, "balance": round(given - cost, 2)}


@check("value_first.ask_before_value")
def ask_before_value(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    asks = _asks(ctx, 1)
    values = [s for s in ctx.analysis.sentences if "value" in s.roles]
    if asks and values and asks[0].index < values[0].index and "value" not in asks[0].roles:
        return [ctx.at_sentence(rule, sev, asks[0])]
    return []


def _no_value_applies(ctx: Context) -> bool:
    values, proofs = _value_given(ctx)
    content = ctx.content_sentences()
    senders = sum(1 for s in content if "about_sender" in s.roles)
    if values or proofs or not content:
        return False
    if ctx.warm_intro:
        return False  # the introduction is what the email gives
    # An ask with nothing given loses points however short the draft; so does a first touch that gives nothing
    # (a note that closes out the writer's own earlier emails is not a first touch, and owes nothing new).
    # In another language only the sentence model reads the draft: that it found no value is no proof there is none,
    # so nothing given counts only beside an ask or a pitch it did find.
    bare = ctx.first_touch and not ctx.follow_up and ctx.analysis.language == "en"
    return bool(_asks(ctx, 1)) or senders >= 2 or bare


@check("value_first.no_value")
def no_value(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    if not _no_value_applies(ctx):
        return []
    asks = _asks(ctx, 1)
    topical = _topic_sentences(ctx)
    target = asks[0] if asks else (topical or ctx.content_sentences())[0]
    main = ctx.at_sentence(rule, sev, target)
    nudges = [s for s in ctx.content_sentences() if "nagging" in s.functions]
    return [
        main,
        *ctx.evidence(main, rule, nudges, NUDGE_EVIDENCE),
        *ctx.evidence(main, rule, [s for s in asks if s not in nudges], ASK_EVIDENCE),
        *ctx.evidence(main, rule, _claims(ctx), CLAIM_EVIDENCE),
    ]


@check("value_first.proof_not_value")
def proof_not_value(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    values, proofs = _value_given(ctx)
    if values or not proofs:
        return []
    proof = next(s for s in ctx.analysis.sentences if "proof" in s.roles)
    return [ctx.at_sentence(rule, sev, proof)]


@check("value_first.imposition_budget")
def imposition_budget(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    if _no_value_applies(ctx):
        return []
    b = budget(ctx)
    if b["balance"] > -1.5:
        return []
    asks = _asks(ctx, 1)
    costliest = max(asks, key=lambda s: s.ask_cost)
    msg = _budget_message(costliest.ask_kind, len(asks), _value_given(ctx))
    main = ctx.at_sentence(rule, sev, costliest, replacements=ladder(costliest), message=msg)
    return [
        main,
        *ctx.evidence(main, rule, asks, ASK_EVIDENCE),
        *ctx.evidence(main, rule, _claims(ctx), CLAIM_EVIDENCE),
    ]


_ASK_WORDS = {
    "meeting_slot": "a meeting at a time you chose",
    "meeting": "a meeting",
    "action": "work from the reader",
    "reply": "a reply",
    "resource": "their time",
}
_COUNTS = ("nothing useful", "one useful thing", "two useful things")


def _budget_message(kind: str, asks: int, given: tuple[int, int]) -> str:
    """What the draft asks against what it gives, in the writer's words rather than the budget's units."""
    values, proofs = given
    ask = _ASK_WORDS.get(kind, "the reader's time")
    more = f", plus {asks - 1} more ask{'s' if asks > 2 else ''}," if asks > 1 else ""
    gives = _COUNTS[values] if values < len(_COUNTS) else f"{values} useful things"
    besides = " (besides proof about you)" if proofs else ""
    return f"This asks for {ask}{more} while it gives the reader {gives}{besides}: give more first, or ask for less."


CLAIM_EVIDENCE = "A claim about you, not something the reader can use."
ASK_EVIDENCE = "Another ask with nothing given for it yet."
NUDGE_EVIDENCE = "A nudge that brings nothing new: add what changed, or something the reader can use."


def _claims(ctx: Context) -> list[Sentence]:
    """What the draft offers in place of value: boasts, stock claims and credentials about the sender."""
    return [s for s in _topic_sentences(ctx) if _pitches(s) or "proof" in s.roles]


def _topic_sentences(ctx: Context) -> list[Sentence]:
    return [s for s in ctx.content_sentences() if "pleasantry" not in s.roles]


@check("empathy.sender_centred")
def sender_centred(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    content = _topic_sentences(ctx)
    # A sentence that hands the reader something (a finding, a file, a link) is for them, however it is worded.
    sender = [s for s in content if "about_sender" in s.roles and "value" not in s.roles]
    # An ask says what the writer wants from the reader, and guilt or nagging what the writer feels they are owed:
    # neither is about the reader's situation, whatever pronouns they use.
    reader = [
        s for s in content if "about_reader" in s.roles and "ask" not in s.roles and not _PRESSURE & set(s.functions)
    ]
    share = len(reader) / (len(reader) + len(sender)) if sender else 1.0
    dominated = (len(sender) >= 3 and share < 0.4) or (len(sender) >= 2 and share <= 0.34)
    # Sentences can mix both; the draft's own references (we, our, I; you, your, their name) tell who it is about.
    mentions_self, mentions_reader = sum(s.sender for s in content), sum(s.reader for s in content)
    dominated = dominated or (
        len(sender) >= 2 and mentions_self >= 6 and mentions_self >= 2.5 * max(mentions_reader, 1)
    )
    if len(content) < 3 or not (dominated or (len(sender) >= 2 and not reader)):
        return []
    worst = max(sender, key=lambda s: (s.sender - s.reader, -s.index))
    msg = f"{len(sender)} of {len(content)} sentences are about you or your company, {len(reader)} about the reader."
    level = bumped(sev, len(sender) >= 5 and not reader)
    overwhelming = len(sender) >= OVERWHELMING * max(len(reader), 1)
    if not any(_pitches(s) for s in sender) and not overwhelming:
        # First-person narration ("I've written twice", "we run the club with four parents") is not a pitch
        # about you: worth tightening, not a warning.
        level = min(level, Severity.SUGGESTION)
    elif (
        _grounded_in_reader(reader)
        and not overwhelming
        and not any(lexicon().sender_markers.holds(s.text, s.needles) for s in sender)
    ):
        # Explaining who you are around the reader's own situation, with no brochure claims, is context, not a
        # self-centred pitch: worth tightening, not a warning.
        level = min(level, Severity.SUGGESTION)
    main = ctx.at_sentence(rule, level, worst, message=msg)
    if level < Severity.WARNING:
        return [main]
    return [main, *ctx.evidence(main, rule, sender, "Also about you and your company, not the reader.")]


_PITCH_FUNCTIONS = frozenset({"sender_boast", "generic_claim", "sender_intro"})
# Sentences about the sender per sentence about the reader past which the draft is about the sender, pitch or story.
OVERWHELMING = 5
_PRESSURE = frozenset({"guilt", "nagging", "urgency"})


def _pitches(s: Sentence) -> bool:
    """The sentence presents the sender: a boast, a generic claim or an introduction of who they are."""
    return bool(_PITCH_FUNCTIONS & set(s.functions)) or lexicon().sender_markers.holds(s.text, s.needles)


def _grounded_in_reader(reader: list[Sentence]) -> bool:
    """A sentence about the reader's own situation: what they said, wrote or did, as the writer saw it."""
    lex = lexicon()
    return any(
        (lex.specific_connection.holds(s.text, s.needles) or lex.reader_focus.holds(s.text, s.needles))
        and not stock_opener(s)
        for s in reader
    )


def stock_opener(s: Sentence) -> bool:
    """A mail-merge opener ("I came across your profile"): it names the reader's things but says nothing of them."""
    rule = rule_by_id(TEMPLATE_OPENER)
    wrapped = WRAPPED in s.needles
    return any(p.found(s.text, wrapped) for p in rule.live_patterns(s.needles)) and not (
        rule.unless and rule.unless.found(s.text, s.needles)
    )


TEMPLATE_OPENER = "rapport.template_opener"


@check("empathy.reader_absent")
def reader_absent(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    content = _topic_sentences(ctx)
    # Three sentences without the reader is a pattern; so is a first touch that gives nothing and never names them.
    bare = ctx.first_touch and not any("value" in s.roles for s in content)
    # "Did you see my email?" says "you" but is about the writer's email: pressure is no sign of the reader, and
    # neither is an ask ("Can you give me 30 minutes?" wants something of them and says nothing about them).
    if (
        (len(content) < 3 and not bare)
        or not content
        or any(s.reader for s in content if not _PRESSURE & set(s.functions) and not _bare_ask(s))
    ):
        return []
    if ctx.warm_intro:
        return []  # an introduction is about the people it introduces, named to each other rather than "you"
    if any("value" in s.roles for s in content) and not _asks(ctx, min_cost=0.0):
        return []  # a fix or insight handed over with nothing asked back is for the reader, pronouns or not
    return [ctx.at_sentence(rule, sev, content[0])]


def _bare_ask(s: Sentence) -> bool:
    """An ask that names the reader only as the one asked ("Can you give me 30 minutes?"), nothing of theirs."""
    return "ask" in s.roles and s.reader < 2 and not _READER_FUNCTIONS & set(s.functions)


@check("imposition.ignores_reader")
def ignores_reader(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    asks = _asks(ctx, 1)
    if not asks or reader_refusal(ctx.doc) is None:
        return []
    return [ctx.at_sentence(rule, sev, asks[0], replacements=("",))]


_READER_FUNCTIONS = frozenset({"reader_situation", "reader_reference"})


@check("empathy.dismisses_reader")
def dismisses_reader(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    """The draft overrides the reader's side: it presses on after they said no, or makes them feel guilty."""
    asks = _asks(ctx, 1)
    if asks and reader_refusal(ctx.doc) is not None:
        return [ctx.at_sentence(rule, sev, next((s for s in ctx.content_sentences()), asks[0]))]
    guilt = [s for s in ctx.content_sentences() if "guilt" in s.functions]
    return [ctx.at_sentence(rule, sev, guilt[0])] if guilt else []


# A detail only someone who looked would know: a figure, a date, a named place or thing, the reader's own words.
_CONCRETE = re.compile(
    r"\d|\b(yesterday|last (week|month|year|quarter|weekend|spring|summer|autumn|fall|winter|night)|"
    r"since (monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december))\b|[\"“][^\"”]{4,}[\"”]",
    re.IGNORECASE,
)
# ...or a name: a capitalised word after a lower-case word or a clause mark ("the drain on Elm Street"). Kept apart
# from _CONCRETE, which casefold can then search lowercased; this one opens on the capital, which the engine skips to
# (the look-behind, after it, checks the same two characters before it).
_NAMED = re.compile(r"(?-i:[A-Z])(?<=[a-z,;:] .)[a-z]{2,}", re.IGNORECASE)


# Seen, not promised: the writer looked at something of the reader's, or says what theirs is, was or shows.
_SEEN = re.compile(
    r"\b(i|we)\b[^.!?]{0,40}\b(saw|seen|noticed|read|heard|tried|visited|watched|spotted|found|ate|attended|drove|"
    r"walked|passed|met|listened|judged|used|counted|checked|looked)\b|\byour\b[^.!?]{0,60}\b(is|are|was|were|has|"
    r"have|had|still|lists|shows|says|said|mentioned|wrote|posted|published|opened|launched|reported)\b|"
    # A state seen at the reader's place: "water's been pooling by your back lot drain since Monday".
    r"\b(been|is|are|was|were)\b[^.!?]{0,40}\b(by|on|in|at|outside|behind|near|under|over|above|from) your\b",
    re.IGNORECASE,
)
# What a pitch promises the reader ("you can earn $500 a week", "cut your bill by 50%") is not their situation.
_PROMISE = re.compile(r"\b(can|could|will|would|may|might|should)\b|[$€£%]|\bfree\b", re.IGNORECASE)


def _observes_reader(s: Sentence) -> bool:
    """A sentence about the reader that holds a concrete detail of theirs ("your back lot drain since Monday")."""
    pitch = "about_sender" in s.roles or "ask" in s.roles or _PITCH_FUNCTIONS & set(s.functions)
    return (
        not pitch
        and bool(s.reader or casefold.found(SECOND_PERSON, s.text))
        and (casefold.found(_CONCRETE, s.text) or _NAMED.search(s.text) is not None)
        and casefold.found(_SEEN, s.text)
        and not casefold.found(_PROMISE, s.text)
    )


@check("empathy.no_reader_situation")
def no_reader_situation(rule: Rule, ctx: Context, sev: Severity) -> list[Finding]:
    content = _topic_sentences(ctx)
    if not ctx.first_touch or ctx.follow_up or len(content) < 2:
        return []  # a follow-up leans on the first email, which carried the reader's situation
    if any(_READER_FUNCTIONS & set(s.functions) or _observes_reader(s) for s in content):
        return []
    if _grounded_in_reader([s for s in content if s.reader >= 2]):  # about them, even beside a word about you
        return []
    if any("value" in s.roles and s.reader for s in content):
        return []  # an insight or fix about the reader's own site, store or work is their situation, in their terms
    if not any(s.reader for s in content):
        return []  # the reader never appears at all: empathy.reader_absent says that
    if any("value" in s.roles for s in content) and not _asks(ctx, min_cost=1.0):
        return []  # something handed over with nothing asked back (a goodbye with a resource) is for the reader
    return [ctx.at_sentence(rule, sev, content[0])]
