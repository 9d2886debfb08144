"""The facts a rewrite must keep: numbers, names, URLs, email addresses and merge tags.

A rewrite is accepted only when every fact of the original appears in it unchanged and it adds no number,
URL, email address, merge tag or name that the original does not contain. "Names" are capitalised words that
do not merely open a sentence (plus acronyms and multi-word names). The check is deliberately strict
("30" written as "thirty" counts as dropped): a rejected rewrite costs the writer nothing, a rewrite that
quietly changes a price or a name costs them a lot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from critic.ingest.document import MERGE_TAG

URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
NAME = re.compile(r"\b[A-Z][\w'’&-]*\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:]\s+|\n\s*(?:[-*•]\s+)?)$")
# Capitalised words that are never names: greetings, sign-offs and sentence openers models rearrange freely.
_NOT_NAMES = frozenset(
    "i i'm i've i'd i'll hi hello hey dear best thanks thank regards cheers sincerely warmly ps p.s ok okay "
    "yes no re fwd fw warm kind many all wishes".split()
)


@dataclass(frozen=True)
class Facts:
    """The facts found in a text, each as a set of exact strings."""

    numbers: frozenset[str]
    names: frozenset[str]
    urls: frozenset[str]
    emails: frozenset[str]
    merge_tags: frozenset[str]

    def __or__(self, other: Facts) -> Facts:
        return Facts(
            self.numbers | other.numbers,
            self.names | other.names,
            self.urls | other.urls,
            self.emails | other.emails,
            self.merge_tags | other.merge_tags,
        )

    def all(self) -> dict[str, frozenset[str]]:
        return {
            "numbers": self.numbers,
            "names": self.names,
            "URLs": self.urls,
            "emails": self.emails,
            "merge tags": self.merge_tags,
        }


def _strip_url(url: str) -> str:
    return url.rstrip(".,;:!?")


def _name_like(word: str) -> bool:
    word = word.rstrip("'’-")
    return len(word) >= 2 and word.lower() not in _NOT_NAMES


def _names(text: str, masked: str) -> frozenset[str]:
    """Capitalised words not at the start of a sentence, plus sentence-initial ones capitalised elsewhere too."""
    inner: set[str] = set()
    initial: set[str] = set()
    matches = list(NAME.finditer(masked))
    for i, m in enumerate(matches):
        word = m.group().rstrip("'’-")
        if word.lower() in _NOT_NAMES or len(word) < 2:
            continue
        if m.start() and not _SENTENCE_START.search(masked[max(0, m.start() - 4) : m.start()]):
            inner.add(word)
        elif (
            i + 1 < len(matches)
            and masked[m.end() : matches[i + 1].start()] == " "
            and _name_like(matches[i + 1].group())
        ):
            inner.add(word)  # the first word of a multi-word name ("Sarah Lee said")
        else:
            initial.add(word)
    all_caps = {w for w in initial if w.isupper()}  # acronyms (CEO, AI) are names wherever they stand
    return frozenset(inner | all_caps | (initial & inner))


def extract(text: str, *, names: bool = True) -> Facts:
    """The facts in `text` (without names when `names` is false)."""
    tags = frozenset(m.group() for m in MERGE_TAG.finditer(text))
    urls = frozenset(_strip_url(m.group()) for m in URL.finditer(text))
    emails = frozenset(m.group() for m in EMAIL.finditer(text))
    masked = text
    for pattern in (MERGE_TAG, URL, EMAIL):
        # Keep a URL's trailing full stop: it still ends the sentence.
        masked = pattern.sub(
            lambda m: " " * len(_strip_url(m.group())) + m.group()[len(_strip_url(m.group())) :], masked
        )
    numbers = frozenset(m.group() for m in NUMBER.finditer(masked))
    return Facts(numbers, _names(text, masked) if names else frozenset(), urls, emails, tags)


def _mentions(text: str, word: str, flags: int = 0) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, flags) is not None


def title_case(text: str) -> bool:
    """True for a Title Case Line, whose capitals say nothing about names."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’]*", text) if len(w) >= 4]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) * 2 > len(words)


def facts_of(subject: str, body: str, optional: Sequence[tuple[int, int]] = ()) -> tuple[Facts, Facts]:
    """The facts a rewrite must keep, and the ones it may use. Facts inside `optional` body spans (words the
    critic itself says to cut, such as "Happy Friday") may be dropped, except merge tags; names in a Title Case subject do not count."""
    masked = list(body)
    for start, end in optional:
        if end > start:  # blanked, but still ending a sentence, so the next word stays a sentence opener
            masked[start:end] = " " * (end - start - 1) + "."

    required = extract(subject, names=not title_case(subject)) | extract("".join(masked))
    allowed = extract(subject) | extract(body)
    # Merge tags are always required: a rewrite that loses one breaks the mail merge.
    required = Facts(required.numbers, required.names, required.urls, required.emails, allowed.merge_tags)
    return required, allowed


def check_rewrite(
    subject: str, body: str, new_subject: str | None, new_body: str, optional: Sequence[tuple[int, int]] = ()
) -> str | None:
    """None when the rewrite keeps every required fact of the original and invents none; else why it is rejected."""
    required, allowed = facts_of(subject, body, optional)
    new_subject = new_subject or ""
    after = extract(new_subject, names=not title_case(new_subject)) | extract(new_body)
    combined, original = f"{new_subject}\n{new_body}", f"{subject}\n{body}"
    problems: list[str] = []
    lost_parts = []
    for kind, kept in required.all().items():
        present = after.all()[kind]
        lost = sorted(f for f in kept if not (_mentions(combined, f) if kind == "names" else f in present))
        if lost:
            lost_parts.append(f"{kind} {', '.join(lost)}")
    if lost_parts:
        problems.append(f"drops {'; '.join(lost_parts)}")
    invented: list[str] = []
    for kind, found in after.all().items():
        if kind == "names":
            # A name the original never uses, in any capitalisation, is invented.
            new = sorted(n for n in found if not _mentions(original, n, re.IGNORECASE))
        else:
            new = sorted(f for f in found if f not in allowed.all()[kind])
        if new:
            invented.append(f"{kind} {', '.join(new)}")
    if invented:
        problems.append(f"invents {'; '.join(invented)}")
    return "; ".join(problems) if problems else None
