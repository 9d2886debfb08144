"""The CLI's text form: the draft with flagged words marked, then each finding under it."""

from __future__ import annotations

from typing import Any

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "suggestion": "\033[36m"}
_RESET, _BOLD, _DIM, _UNDER = "\033[0m", "\033[1m", "\033[2m", "\033[4m"
ROLE_LETTERS = {
    "greeting": "G",
    "sign_off": "S",
    "pleasantry": "P",
    "ask": "A",
    "value": "V",
    "proof": "p",
    "about_reader": "R",
    "about_sender": "M",
    "other": ".",
}


def _mark(text: str, spans: list[tuple[int, int, str]], colour: bool) -> str:
    """`text` with each span wrapped in colour (terminal) or in ⟦ ⟧ (anywhere else)."""
    out, cursor = [], 0
    for start, end, severity in sorted(spans):
        if start < cursor:
            continue
        out.append(text[cursor:start])
        inner = text[start:end] or " "
        out.append(f"{_UNDER}{_COLOURS[severity]}{inner}{_RESET}" if colour else f"⟦{inner}⟧")
        cursor = max(end, start)
    out.append(text[cursor:])
    return "".join(out)


def render_text(result: dict[str, Any], path: str, colour: bool) -> str:
    """A critique as a terminal report."""
    bold = (lambda s: f"{_BOLD}{s}{_RESET}") if colour else (lambda s: s)
    dim = (lambda s: f"{_DIM}{s}{_RESET}") if colour else (lambda s: s)
    scores = result["scores"]
    flagged = [r for r, v in result["rubrics"].items() if v["flagged"]]
    lines = [
        bold(f"{path}: overall {scores['overall']}/100"),
        "  " + "  ".join(f"{r} {scores[r]}{'!' if r in flagged else ''}" for r in result["rubrics"]),
    ]
    strip = "".join(ROLE_LETTERS.get(s["role"], ".") for s in result["sentences"])
    lines.append(
        dim(
            f"  roles: {strip}   (G greeting, P pleasantry, R about reader, M about you, V value, p proof, A ask, S sign-off)"
        )
    )
    stats = result["stats"]
    lines.append(
        dim(
            f"  {stats['words']} words, {stats['sentences']} sentences, {stats['questions']} questions, "
            f"grade {stats['reading_grade']}, reader focus {stats['reader_focus']}"
        )
    )
    text = result["text"]
    for field in ("subject", "body"):
        spans = [(f["start"], f["end"], f["severity"]) for f in result["findings"] if f["field"] == field]
        if text[field]:
            label = "Subject: " if field == "subject" else ""
            lines.append("")
            lines.append(label + _mark(text[field], spans, colour))
    lines.append("")
    for n, f in enumerate(result["findings"], 1):
        sev = f["severity"]
        tag = f"{_COLOURS[sev]}{sev}{_RESET}" if colour else sev
        where = f["field"] if f["field"] == "subject" else f"line {text['body'].count(chr(10), 0, f['start']) + 1}"
        lines.append(f"{n:>3}. {tag} {bold(f['rule'])} ({where}): {f['message']}")
        if f["quote"]:
            quote = " ".join(f["quote"].split())  # a wrapped quote reads as the one phrase it is
            lines.append(f"     “{quote}”")
        lines.append(dim(f"     why: {f['why']}"))
        for rep in f["replacements"]:
            lines.append(f"     → {rep!r}" if rep else "     → delete it")
    if not result["findings"]:
        lines.append("No findings: this draft reads well.")
    llm = result.get("llm") or {}
    if llm.get("status") not in (None, "off", "unconfigured"):
        lines.append(dim(f"  llm: {llm.get('status')} {llm.get('reason', '')}".rstrip()))
    return "\n".join(lines) + "\n"
