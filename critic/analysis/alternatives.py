"""A roles.yaml list searched as its alternation would be, pattern by pattern where a sentence's needles allow."""

from __future__ import annotations

from critic.analysis.casefold import lowered
from critic.analysis.matcher import LIVE_MEMO_SIZE, Live, compiled, needles

# Under re.IGNORECASE "i" also matches "ı" and "s" matches "ſ", which lowercase to themselves, so a needle read from
# lowercased text can miss them: text holding either is searched whole.
_FOLDED = ("ı", "ſ")


class Alternatives:
    """A list of patterns that answers exactly as their alternation `(?:p1)|(?:p2)|...` (ignoring case) does, yet
    searches only the patterns whose needles the text holds.

    Unlike Matcher, spaces are not loosened and the needles are not trusted on text holding "ı" or "ſ". Create it
    before any text whose needles it is given is scanned: a needle registered later is not among them.
    """

    __slots__ = ("_items", "_joined", "_memo")

    def __init__(self, sources: list[str] | tuple[str, ...]) -> None:
        self._items = tuple((needles(src), src) for src in sources)  # each compiled here once, so a bad one fails
        self._joined = "|".join(f"(?:{src})" for src in sources)
        self._memo: dict[frozenset[str], Live] = {}

    def search(self, text: str, present: frozenset[str] | None = None) -> bool:
        """Whether any pattern matches `text` (`present`: the needles in `text`, if known)."""
        if present is None or any(ch in text for ch in _FOLDED):
            return compiled(self._joined).search(text) is not None
        live = self._memo.get(present)
        if live is None:
            if len(self._memo) >= LIVE_MEMO_SIZE:
                self._memo.clear()
            live = self._memo[present] = tuple(
                (src, lowered(src)) for need, src in self._items if need is None or not need.isdisjoint(present)
            )
        if not live:
            return False
        if text.isascii():
            low = text.lower()
            for src, fast in live:  # a loop, not any(<generator>): few patterns are live in one sentence
                if (fast.search(low) if fast is not None else compiled(src).search(text)) is not None:
                    return True
            return False
        return any(compiled(src).search(text) is not None for src, _ in live)
