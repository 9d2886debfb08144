"""Where the dev set leaks into the rules and tests, and which data patterns only the dev set exercises.

    python bench/overlap.py                  # both reports
    python bench/overlap.py text             # report (a) only
    python bench/overlap.py patterns         # report (b) only
    python bench/overlap.py overfit [FILE]   # the overfit list of report (b), written to FILE (default: stdout)

The dev set (tests/data/devset.yaml) is what the rules were tuned on, so any dev-set sentence that also sits in a
rule example, a data-file comment or a unit test makes dev-set figures measure memory rather than skill.
The held-out set (tests/data/heldout.yaml) is never read here: nobody may tune on it.

(a) Text overlap. Every rule example (the `examples: bad:/good:` lists in critic/rules/data/*.yaml), every comment
    in those files and every string literal and comment in tests/*.py is compared with every dev-set draft (subject and
    visible body). Texts are normalised to lowercase word tokens (letters, digits, apostrophes inside words), and
    a text is reported when any of these holds:
      - it shares a run of SHINGLE (8) consecutive words with a dev-set draft, or
      - one of its sentences of at least MIN_WORDS (6) words has at least SHARE (60%) of its words, in order
        (longest common subsequence), in one dev-set sentence, with a run of at least MIN_RUN (3) words in common
        (the run keeps a sentence of common function words, "for a call this week", from counting as a copy), or
      - one of its sentences of at least EXACT_WORDS (5) words is, word for word, a whole dev-set sentence.
    Each hit names the dev-set draft and the shared text.

(b) Pattern reach. Every data pattern (the `patterns:` of phrase rules, their `unless:` lists, and the entries of
    the role lexicon in roles.yaml) is compiled by the package itself (critic.rules.registry and
    critic.analysis.lexicon, with the flexible-space variant for hard-wrapped text, as the engine uses it) and
    searched in the judged sentences of every dev-set draft and every real email in tests/data/corpus (subject
    rules: in the subject). The report gives, per pattern, on how many dev-set drafts and corpus emails it matches.
    A pattern that matches exactly one dev-set draft and no corpus email is "overfit": it was probably written
    for that draft. The buzzword `terms:` list is a word list, not patterns, and is left out.
"""

from __future__ import annotations

import ast
import re
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from critic.analysis.lexicon import lexicon
from critic.analysis.matcher import Matcher, irregular_spaces
from critic.analysis.sentences import analyse
from critic.ingest.document import normalise
from critic.ingest.files import corpus_draft
from critic.model import Draft, DraftError
from critic.rules.registry import RULE_FILES, all_rules

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "critic/rules/data"
DEVSET = ROOT / "tests/data/devset.yaml"
CORPUS = ROOT / "tests/data/corpus"
TESTS = ROOT / "tests"

SHINGLE = 8
MIN_WORDS = 6
SHARE = 0.6
MIN_RUN = 3
EXACT_WORDS = 5
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z0-9]+)*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# ---------------------------------------------------------------------------------------------------- texts


def words(text: str) -> list[str]:
    """Lowercase word tokens; curly apostrophes count as straight ones."""
    return WORD.findall(text.lower().replace("’", "'"))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


@dataclass(frozen=True)
class DevDraft:
    id: str
    text: str  # subject and the visible body (HTML converted to text)
    shingles: frozenset[tuple[str, ...]]
    sentences: tuple[tuple[str, tuple[str, ...]], ...]


def line_shingles(text: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    """Every run of n consecutive words inside one line (a run never spans the subject and the body)."""
    out: set[tuple[str, ...]] = set()
    for line in text.splitlines():
        tokens = words(line)
        out.update(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _lcs(a: list[str], b: list[str]) -> tuple[int, int]:
    """(longest common subsequence, longest common contiguous run) of two token lists, in words."""
    prev_sub, prev_run = [0] * (len(b) + 1), [0] * (len(b) + 1)
    best_run = 0
    for x in a:
        sub, run = [0] * (len(b) + 1), [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                sub[j], run[j] = prev_sub[j - 1] + 1, prev_run[j - 1] + 1
                best_run = max(best_run, run[j])
            else:
                sub[j] = max(prev_sub[j], sub[j - 1])
        prev_sub, prev_run = sub, run
    return prev_sub[-1], best_run


def devset() -> list[dict[str, Any]]:
    return yaml.safe_load(DEVSET.read_text(encoding="utf-8"))


def dev_drafts() -> list[DevDraft]:
    out = []
    for item in devset():
        body = item["body"]
        if item.get("format") == "html":
            body = normalise(Draft(body=body, subject=item.get("subject") or "", format="html")).body
        text = f"{item.get('subject') or ''}\n{body}"
        sents = tuple((s, tuple(words(s))) for s in sentences(text) if words(s))
        out.append(DevDraft(item["id"], text, frozenset(line_shingles(text)), sents))
    return out


@dataclass(frozen=True)
class Candidate:
    where: str  # file:line or file:rule
    kind: str  # example, comment, literal
    text: str


def _example_text(example: Any) -> str:
    if isinstance(example, dict):
        return "\n".join(str(example.get(k) or "") for k in ("subject", "body"))
    return str(example)


def _comments(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, comment text) for every YAML comment: a '#' outside quotes, at a line start or after a space."""
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        quote = ""
        i = 0
        while i < len(line):
            ch = line[i]
            if quote == '"' and ch == "\\":
                i += 2
                continue
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "'\"" and (i == 0 or line[i - 1] in " \t[{:,-"):
                quote = ch
            elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
                yield lineno, line[i + 1 :].strip()
                break
            i += 1


def candidates() -> Iterator[Candidate]:
    """Rule examples, data-file comments, and the string literals and comments of tests/*.py."""
    for name in RULE_FILES:
        path = DATA / name
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for rule in data:
            for kind in ("bad", "good"):
                for i, ex in enumerate((rule.get("examples") or {}).get(kind) or []):
                    yield Candidate(f"{name}:{rule['id']}:{kind}[{i}]", "example", _example_text(ex))
    for path in sorted(DATA.glob("*.yaml")):
        for lineno, text in _comments(path):
            yield Candidate(f"{path.name}:{lineno}", "comment", text)
    for path in sorted(TESTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield Candidate(f"tests/{path.name}:{node.lineno}", "literal", node.value)
        with path.open("rb") as fh:
            for tok in tokenize.tokenize(fh.readline):
                if tok.type == tokenize.COMMENT:
                    yield Candidate(f"tests/{path.name}:{tok.start[0]}", "comment", tok.string.lstrip("# "))


@dataclass(frozen=True)
class Hit:
    candidate: Candidate
    dev_id: str
    how: str  # "shingle", "sentence" or "share 0.83"
    shared: str  # the shared run, or the dev-set sentence


def _share_hit(sentence: list[str], dev: DevDraft) -> tuple[float, str] | None:
    best: tuple[float, str] | None = None
    for text, dev_words in dev.sentences:
        common, run = _lcs(sentence, list(dev_words))
        share = common / len(sentence)
        if share >= SHARE and run >= MIN_RUN and (best is None or share > best[0]):
            best = (share, text)
    return best


def overlaps(devs: list[DevDraft] | None = None) -> list[Hit]:
    """Every candidate that shares a long verbatim run (or most of a sentence) with a dev-set draft."""
    devs = devs if devs is not None else dev_drafts()
    hits: list[Hit] = []
    for cand in candidates():
        if len(words(cand.text)) < EXACT_WORDS:
            continue
        mine = line_shingles(cand.text)
        all_sents = [words(s) for s in sentences(cand.text)]
        sents = [w for w in all_sents if len(w) >= MIN_WORDS]
        exact = {tuple(w) for w in all_sents if len(w) >= EXACT_WORDS}
        for dev in devs:
            common = mine & dev.shingles
            if common:
                hits.append(Hit(cand, dev.id, "shingle", " ".join(sorted(common)[0])))
                continue
            same = [text for text, dev_words in dev.sentences if dev_words in exact]
            if same:
                hits.append(Hit(cand, dev.id, "sentence", same[0]))
                continue
            for sent in sents:
                found = _share_hit(sent, dev)
                if found:
                    hits.append(Hit(cand, dev.id, f"share {found[0]:.2f}", found[1]))
                    break
    return hits


def report_text() -> list[Hit]:
    hits = overlaps()
    print(f"== (a) text shared with the dev set: {len(hits)} hits in {len({h.candidate for h in hits})} texts")
    for h in hits:
        snippet = " ".join(h.candidate.text.split())[:110]
        print(f"{h.candidate.kind:8} {h.candidate.where:55} {h.dev_id:18} {h.how:10} {snippet!r}")
        print(f"{'':85} dev: {' '.join(h.shared.split())[:110]!r}")
    return hits


# ---------------------------------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class DataPattern:
    owner: str  # rule id (or "rule_id unless"), or lexicon concept ("roles.value", "roles.asks.meeting")
    source: str
    strict: re.Pattern[str]
    flexible: re.Pattern[str]
    field: str = "body"

    def search(self, text: str) -> bool:
        return (self.flexible if irregular_spaces(text) else self.strict).search(text) is not None


def _from_matcher(owner: str, matcher: Matcher) -> list[DataPattern]:
    return [
        DataPattern(owner, strict.pattern, strict, flexible)
        for (_, strict), (_, flexible) in zip(matcher.items, matcher.wrapped_items, strict=True)
    ]


def data_patterns() -> list[DataPattern]:
    """Every data pattern, compiled by the package (rule patterns, unless lists, role lexicon)."""
    out: list[DataPattern] = []
    for rule in all_rules():
        for p in rule.patterns:
            strict = p.variant(False)[1]
            out.append(DataPattern(rule.id, strict.pattern, strict, p.variant(True)[1], rule.field))
        if rule.unless:
            out.extend(_from_matcher(f"{rule.id} unless", rule.unless))
    lex = lexicon()
    # pleasantry, flattery and flattery_unless are the rapport rules' own lists, already counted above.
    for name in (
        "greeting",
        "value",
        "proof",
        "not_about_reader",
        "reader_focus",
        "sender_markers",
        "needs_question",
        "specific_connection",
        "conditional_meeting",
    ):
        out.extend(_from_matcher(f"roles.{name}", getattr(lex, name)))
    for ask in lex.asks:
        out.extend(_from_matcher(f"roles.asks.{ask.kind}", ask.matcher))
    for weight, m in lex.reader_refs:
        out.extend(_from_matcher(f"roles.reader_refs.{weight}", m))
    for weight, m in lex.sender_refs:
        out.extend(_from_matcher(f"roles.sender_refs.{weight}", m))
    return out


def _texts(draft: Draft) -> tuple[str, list[str]]:
    """(subject, judged sentences) of a draft, as the engine sees them."""
    doc = normalise(draft)
    return doc.subject, [s.text for s in analyse(doc).sentences]


def _dev_texts() -> dict[str, tuple[str, list[str]]]:
    return {
        item["id"]: _texts(
            Draft(body=item["body"], subject=item.get("subject") or "", format=item.get("format", "text"))
        )
        for item in devset()
    }


def _corpus_texts() -> dict[str, tuple[str, list[str]]]:
    out = {}
    for path in sorted(CORPUS.glob("*.txt")):
        try:
            out[path.name] = _texts(corpus_draft(path))
        except DraftError:
            continue
    return out


def _where(p: DataPattern, texts: dict[str, tuple[str, list[str]]]) -> list[str]:
    if p.field == "subject":
        return [k for k, (subject, _) in texts.items() if p.search(subject)]
    return [k for k, (_, sents) in texts.items() if any(p.search(s) for s in sents)]


@dataclass(frozen=True)
class Reach:
    pattern: DataPattern
    dev: tuple[str, ...]
    corpus: tuple[str, ...]

    @property
    def overfit(self) -> bool:
        return len(self.dev) == 1 and not self.corpus


def reach() -> list[Reach]:
    dev, corpus = _dev_texts(), _corpus_texts()
    return [Reach(p, tuple(_where(p, dev)), tuple(_where(p, corpus))) for p in data_patterns()]


def overfit_lines(rows: list[Reach]) -> list[str]:
    return [f"{r.pattern.owner}\t{r.pattern.source}\t{r.dev[0]}" for r in rows if r.overfit]


def report_patterns() -> list[Reach]:
    rows = reach()
    print(f"== (b) data patterns: {len(rows)}; dev = dev-set drafts matched (of 72), corpus = real emails matched")
    print(f"{'dev':>4} {'corpus':>6}  owner  pattern")
    for r in rows:
        flag = "  <- overfit: " + r.dev[0] if r.overfit else ""
        print(f"{len(r.dev):4} {len(r.corpus):6}  {r.pattern.owner}  {r.pattern.source}{flag}")
    never = sum(1 for r in rows if not r.dev and not r.corpus)
    print(
        f"-- {sum(r.overfit for r in rows)} overfit (exactly one dev-set draft, no corpus email); "
        f"{never} match neither; {sum(1 for r in rows if r.corpus)} match some corpus email"
    )
    return rows


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "all"
    if what in ("all", "text"):
        report_text()
    if what == "all":
        print()
    if what in ("all", "patterns"):
        report_patterns()
    if what == "overfit":
        lines = overfit_lines(reach())
        header = [
            "# Data patterns that match exactly one dev-set draft and no real email (tests/data/corpus).",
            "# Written by bench/overlap.py overfit; columns: rule id or lexicon concept, pattern, dev-set id.",
            f"# {len(lines)} patterns. Listed for review, not removed.",
        ]
        text = "\n".join(header + lines) + "\n"
        if len(argv) > 1:
            Path(argv[1]).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if what not in ("all", "text", "patterns", "overfit"):
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
