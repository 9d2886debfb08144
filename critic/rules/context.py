"""What a rule sees: the document, its analysis, and a helper to make findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from critic.analysis.lexicon import lexicon
from critic.model import Analysis, Document, Finding, Sentence, Severity
from critic.rules.registry import Rule
from critic.rules.thread import is_warm_intro


def deletion_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The range to delete so that removing text[start:end] leaves no doubled space or empty paragraph."""
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    line_start = text.rfind("\n", 0, start) + 1
    if after < len(text) and text[after] != "\n":
        return start, after  # mid-line: the spaces after it go with it
    if text[line_start:start].strip():
        before = start
        while before > line_start and text[before - 1] in " \t":
            before -= 1
        return before, after  # ends its line: the spaces before it go with it
    while after < len(text) and text[after] in " \t\r\n":
        after += 1  # a whole line: its line break and any blank line after it go too
    if after < len(text):
        return line_start, after
    before = line_start
    while before > 0 and text[before - 1] in " \t\r\n":
        before -= 1  # the last line: the break before it goes instead
    return before, len(text)


# The key a supporting finding carries in `extra`: the id of the finding it bears out (scoring counts it as that one).
EVIDENCE_FOR = "evidence_for"
MAX_EVIDENCE = 4


@dataclass(frozen=True)
class Context:
    """Inputs shared by every rule for one critique."""

    doc: Document
    analysis: Analysis
    first_touch: bool
    present: frozenset[str] = field(init=False)
    # What rules work out once per critique and share (content sentences, asks, which rules reach which sentence).
    memo: dict[object, Any] = field(init=False, default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Which pattern needles occur in the body, found once so each rule skips what cannot match.
        object.__setattr__(self, "present", self.analysis.needles)

    def text(self, field: str) -> str:
        return self.doc.text(field)

    def finding(
        self,
        rule: Rule,
        severity: Severity,
        start: int,
        end: int,
        *,
        field: str = "body",
        replacements: tuple[str, ...] = (),
        message: str | None = None,
        extra: tuple[tuple[str, Any], ...] = (),
    ) -> Finding:
        """A finding of `rule` over [start, end) of `field`, quoting exactly those characters.

        A finding whose fix deletes its words also covers the spaces or line break that would be left behind.
        """
        if replacements[:1] == ("",):
            start, end = deletion_span(self.text(field), start, end)
        return Finding(
            rubric=rule.rubric,
            rule=rule.id,
            severity=severity,
            field=field,
            start=start,
            end=end,
            quote=self.text(field)[start:end],
            message=message or rule.message,
            why=rule.why,
            replacements=replacements,
            extra=extra,
        )

    def evidence(self, main: Finding, rule: Rule, sentences: list[Sentence], message: str) -> list[Finding]:
        """Suggestions on the other sentences that bear out a draft-level finding; they cost no points of their own."""
        return [
            self.at_sentence(rule, Severity.SUGGESTION, s, message=message, extra=((EVIDENCE_FOR, main.id),))
            for s in sentences
            if not (s.start < main.end and main.start < s.end)
        ][:MAX_EVIDENCE]

    def at_sentence(self, rule: Rule, severity: Severity, sentence: Sentence, **kw: object) -> Finding:
        return self.finding(rule, severity, sentence.start, sentence.end, **kw)  # type: ignore[arg-type]

    def judges(self, rule: Rule) -> bool:
        """Whether `rule` applies to a draft in this draft's language."""
        return "*" in rule.languages or self.analysis.language in rule.languages

    @property
    def follow_up(self) -> bool:
        """The draft follows an earlier message of the writer's: a nudge, or a pointer back ("as I mentioned")."""
        known = self.memo.get(_FOLLOW_UP)
        if known is None:  # worked out once per critique: several checks ask
            earlier = lexicon().earlier_message  # role_patterns("earlier_message"), searched where needles allow
            known = self.memo[_FOLLOW_UP] = any(
                "nagging" in s.functions or earlier.search(s.text, s.needles) for s in self.analysis.sentences
            )
        return known

    @property
    def warm_intro(self) -> bool:
        """The draft introduces people to each other (thread.is_warm_intro), worked out once per critique: several
        checks ask."""
        known = self.memo.get(_WARM_INTRO)
        if known is None:
            known = self.memo[_WARM_INTRO] = is_warm_intro(self.analysis, self.doc)
        return known

    def content_sentences(self) -> list[Sentence]:
        """Sentences that carry the message: not greetings or sign-offs (a new list each call)."""
        content = self.memo.get(_CONTENT)
        if content is None:
            content = self.memo[_CONTENT] = [
                s for s in self.analysis.sentences if s.role not in ("greeting", "sign_off")
            ]
        return list(content)


_CONTENT = "content_sentences"  # its key in Context.memo
_FOLLOW_UP = "follow_up"  # its key in Context.memo
_WARM_INTRO = "warm_intro"  # its key in Context.memo
