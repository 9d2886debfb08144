"""A sentence's roles from the role lexicon (roles.yaml): greeting, ask and its cost, value, proof, who it is about."""

from __future__ import annotations

import re

from critic.analysis import casefold
from critic.analysis.lexicon import Lexicon
from critic.analysis.matcher import Matcher
from critic.ingest.thread import SIGN_OFF

WORD = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?")
# WORD for ASCII text, where ASCII classes match the same characters and are tested by table, not Unicode category.
_ASCII_WORD = casefold.ascii_variant(WORD)


def word_count(text: str) -> int:
    """len(WORD.findall(text))."""
    return len((_ASCII_WORD if text.isascii() else WORD).findall(text))


_QUANTITY = re.compile(
    # Not "one": mostly a pronoun ("an understandable one", "one of the best"), not a figure.
    # "The two of us" and "between the two" count people and things already named, not a figure.
    r"\d|(?<!\bthe )(?<!\bthese )(?<!\bthose )\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|hundred|half|a third|"
    r"a quarter|twice|double|triple)\b",
    re.IGNORECASE,
)
_MIN_DATA_WORDS = 7
# "He mentioned you're at 60 staff": the reader's own figures, reported back to them.
_TOLD = re.compile(
    r"\b(you|he|she)( (have|had|'ve|'d))? (mentioned|said|told me|wrote|noted|explained)\b", re.IGNORECASE
)
REPLY_COST = 1.0
# What makes a time or a meeting an ask rather than a description: a proposal, an offer to come or call, a booking.
_PROPOSES = re.compile(
    r"\b(would|could|can|shall|will) (you|we|i)\b|\blet'?s\b|\b(how|what) about\b|\b(i|we)('d| would) (love|like|"
    r"welcome|appreciate|be (glad|happy))\b|\b(i|we) (propose|suggest|can do)\b|\b(are|is) (you|there)\b|\bdo you have\b|"
    r"\b(works?|suits?) (for )?(you|me)\b|\b(free|available) (to|for|on|at|this|next)\b|\b(call|ring|phone|come|stop|"
    r"drop|swing|pop) (you|by|over|in)\b|\b(book|grab|pick|choose|schedule|set up|arrange|join|hop on|jump on|meet (me|us))\b|"
    r"\bcalendar\b|\binvite\b|\bpencil|\b(i|we)('ve| have) (already |just )?(booked|scheduled|reserved|blocked|sent)\b|"
    r"\b(i'll|i will|we'll|we will) (be|come|call|ring|stop|drop|swing)\b|\bgive (me|us|him|her|them)\b|\bplease\b|"
    r"\blet me know\b|\b(i'm|i am|we're|we are) (free|available|around)\b|\bit would be (great|good|nice|lovely) to\b|"
    r"\bget together\b|\b(i|we)('d| would) (really )?(value|enjoy)\b|\b(requested|invited|expected) to (attend|join|come)\b|"
    r"^\W*(need|want|got)\b",
    re.IGNORECASE,
)
_MEETING_KINDS = ("meeting", "meeting_slot")
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


def _is_data_point(text: str, sender: int, words: int) -> bool:
    """A figure the reader can use: about the world, or observed by the writer ("I counted 23 threads")."""
    if not casefold.found(_QUANTITY, text) or words < _MIN_DATA_WORDS or text.rstrip().endswith("?"):
        return False
    if casefold.found(_TOLD, text):
        return False  # what the reader (or someone for them) said of their own business is theirs, not news to them
    return sender == 0 or (sender <= 1 and casefold.found(_OBSERVED, text))


def _score_refs(text: str, present: frozenset[str], table: tuple[tuple[int, Matcher], ...]) -> int:
    total = 0
    for weight, matcher in table:
        total += weight * matcher.count(text, present)
    return total


def _empty_flattery(text: str, low: frozenset[str], lex: Lexicon) -> bool:
    """Praise with nothing specific behind it: as empty as a pleasantry."""
    if not lex.flattery.found(text, low):
        return False
    return not (lex.flattery_unless.found(text, low) or lex.specific_connection.found(text, low))


def lexicon_roles(
    text: str, low: frozenset[str], lex: Lexicon, is_first_line: bool, names: re.Pattern[str] | None, words: int
) -> tuple[tuple[str, ...], float, str, int, int]:
    """(roles, ask cost, ask kind, reader score, sender score) of a sentence from the role lexicon's phrases.

    `words`: how many words it holds (WORD's matches).
    """
    roles: list[str] = []
    if is_first_line and len(text) <= 60 and lex.greeting.found(text, low):
        roles.append("greeting")
    if SIGN_OFF.fullmatch(text) or _INLINE_SIGN_OFF.match(text):
        roles.append("sign_off")
    if lex.pleasantry.found(text, low) or _empty_flattery(text, low, lex):
        roles.append("pleasantry")
    cost, kind = 0.0, ""
    proposes = None
    for ask in lex.asks:  # dearest first
        if ask.matcher.found(text, low):
            if ask.kind in _MEETING_KINDS and not text.rstrip().endswith("?"):
                proposes = proposes if proposes is not None else casefold.found(_PROPOSES, text)
                if not proposes:
                    continue  # a time or a meeting described ("classes at 9:30 am", "hours: Monday to Friday")
            cost, kind = ask.cost, ask.kind
            break
    if cost and _THANKS.match(text) and not text.rstrip().endswith("?"):
        cost, kind = 0.0, ""  # "Thanks for the time on Thursday." thanks; it asks for nothing
    elif kind == "meeting" and lex.conditional_meeting.found(text, low):
        cost, kind = REPLY_COST, "reply"  # the meeting waits for the reader's yes; the ask now is a reply
    if cost and "pleasantry" not in roles:
        roles.append("ask")
    else:
        cost, kind = 0.0, ""
    # An offer to send something ("Want me to send the checklist?") asks almost nothing and gives the thing offered.
    if kind == "resource" or lex.value.found(text, low):
        roles.append("value")
    if lex.proof.found(text, low):
        roles.append("proof")
    reader = 2 * len(names.findall(text)) if names else 0
    if any(matcher.may_match(low) for _, matcher in lex.reader_refs):
        framed = lex.not_about_reader.sub(" ", text, low)
        # Blanking phrases out of a sentence adds no needles, so the sentence's own set still bounds what can match.
        reader += _score_refs(framed, low, lex.reader_refs)
    sender = _score_refs(text, low, lex.sender_refs)
    if lex.reader_focus.found(text, low):
        reader += 2
    boast = lex.sender_markers.found(text, low)
    if boast and not reader:
        sender += 2
    if (
        not boast
        and "value" not in roles
        and "ask" not in roles
        and "pleasantry" not in roles
        and _is_data_point(text, sender, words)
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


def greeted_name(greeting: str, lex: Lexicon) -> tuple[str, ...]:
    """The reader's name from "Hi Margaret," (nothing from "Hi there," or "Dear Hiring Manager,")."""
    m = _GREETED.match(greeting)
    if not m or m.group(1).lower() in lex.generic_addressees or _MORE_GREETED.search(greeting, m.end()):
        return ()  # "Hi Paul and Derek": with two readers, a name is not "the" reader
    return (m.group(1),)


def names_pattern(names: tuple[str, ...], greeted: tuple[str, ...] = ()) -> re.Pattern[str] | None:
    """Mentions of the reader by name: names the writer gave match in any case, a greeted name only as written."""
    parts = [rf"\b{re.escape(n)}\b" for n in names if n.strip()]
    parts += [rf"\b(?-i:{re.escape(n)})\b" for n in greeted if n not in names]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None
