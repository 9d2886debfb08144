"""Which language the judged text is in (CLD2, offline), and which languages the critic can judge."""

from __future__ import annotations

import pycld2

DEFAULT = "en"
# The sentence model was trained on these; phrase rules and English lexicons cover only English.
MODEL_LANGUAGES = frozenset({"en", "de", "es", "fr"})
MIN_CHARS = 20  # shorter texts are too little evidence: they are taken as the default


def detect(text: str) -> tuple[str, bool]:
    """(ISO 639-1 code, reliable) of `text`; the default language when CLD2 cannot tell."""
    sample = text.strip()
    if len(sample) < MIN_CHARS:
        return DEFAULT, False
    try:
        reliable, _, details = pycld2.detect(sample, isPlainText=True)
    except pycld2.error:
        return DEFAULT, False  # CLD2 refuses some invalid UTF-8 edge cases; judge as the default language
    code = details[0][1]
    if code in ("un", "xx") or not reliable:
        return DEFAULT, False
    return code.split("-")[0], True
