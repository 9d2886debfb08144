"""Offsets are sacred: code points and UTF-16 units both point at the exact words, whatever precedes them."""

from __future__ import annotations

import pytest

from critic.model import Draft
from critic.pipeline import critique
from critic.wire import to_wire

PREFIXES = [
    "",
    "👋🏽 ",
    "Привет! こんにちは 🎉🎉 ",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math 👩‍👩‍👧 family ",
    "שלום עולם ",
]


def _utf16_slice(text: str, start: int, end: int) -> str:
    encoded = text.encode("utf-16-le")
    return encoded[start * 2 : end * 2].decode("utf-16-le")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_both_offset_units_point_at_the_quote(prefix: str) -> None:
    body = f"Hi Sam,\n\n{prefix}I trust this letter reaches you well! We are the premier supplier of marine paint. Do you have 20 minutes on Friday?"
    result = to_wire(critique(Draft(body=body, subject=f"{prefix}Quick question"), llm="off"))
    assert result["findings"]
    for f in result["findings"]:
        text = result["text"][f["field"]]
        assert text[f["start"] : f["end"]] == f["quote"]
        assert _utf16_slice(text, f["start_utf16"], f["end_utf16"]) == f["quote"]
    pleasantry = next(f for f in result["findings"] if f["rule"] == "rapport.pleasantry")
    assert "I trust this letter reaches you well!" in pleasantry["quote"]
    me_too = next(f for f in result["findings"] if f["rule"] == "value_first.me_too")
    assert me_too["quote"] == "the premier supplier"
    astral = sum(1 for ch in prefix if ord(ch) > 0xFFFF)
    assert me_too["start_utf16"] - me_too["start"] == astral


def test_sentences_and_excluded_ranges_carry_both_units() -> None:
    body = "🎉 Your checkout hides the button.\n\nBest,\nJo\nCEO 🚀 Acme"
    result = to_wire(critique(Draft(body=body), llm="off"))
    for s in result["sentences"]:
        assert (
            _utf16_slice(result["text"]["body"], s["start_utf16"], s["end_utf16"])
            == result["text"]["body"][s["start"] : s["end"]]
        )
    (sig,) = result["excluded"]
    assert result["text"]["body"][sig["start"] : sig["end"]] == "Jo\nCEO 🚀 Acme"
    assert _utf16_slice(result["text"]["body"], sig["start_utf16"], sig["end_utf16"]) == "Jo\nCEO 🚀 Acme"
