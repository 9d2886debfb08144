"""The sentence model: what each sentence does to the reader, from one closed set of functions (docs/sentence-labels.md).

A linear model over features that generalise beyond listed phrases: words and word pairs, character n-grams
within words, and the sentence's shape (question, imperative start, grammatical person, modal verbs, times,
durations, weekdays, numbers, money, links). `critic train` fits it with scikit-learn on the sentence bank in
training/sentences/ and writes the weights to critic/analysis/data/functions.npz; inference here needs only numpy.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from critic.analysis import casefold

MODEL_PATH = Path(__file__).with_name("data") / "functions.npz"
FUNCTIONS: tuple[str, ...] = (
    "greeting", "sign_off", "pleasantry", "small_talk", "flattery", "fake_familiarity", "sender_boast",
    "generic_claim", "sender_intro", "reader_situation", "reader_reference", "insight", "resource_offer",
    "intro_offer", "reply_ask", "action_ask", "meeting_ask", "slot_ask", "presumptive_close", "urgency", "guilt",
    "nagging", "routing", "opt_out", "other",
)  # fmt: skip
CHAR_SIZES = (3, 4, 5)
# A function is assigned only above this probability as well as its own threshold: a finding the model raises
# alone must be one a writer would agree with, so precision comes before recall here.
# 0.9 was chosen on the dev set (warnings per good draft 0.67 at 0.5, 0.38 at 0.9, F1 rising throughout).
CONFIDENT = 0.9
# Bound on each per-process cache of summed weights (per word, per sentence): a few MB at most.
CACHE_ENTRIES = 20000
PAD = 0  # the word table's row of -0.0

_TOKEN = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|[$€£¥]\s?\d[\d,.]*[kKmM]?|\d[\d,.:]*\w*|[^\W\d_]+(?:['’][^\W\d_]+)?|[?!]"
)
# _TOKEN less its link and email branches, for text without "http", "www." or "@", where they cannot match: the
# same tokens, without trying those branches at every word.
_PLAIN_TOKEN = re.compile(r"[$€£¥]\s?\d[\d,.]*[kKmM]?|\d[\d,.:]*\w*|[^\W\d_]+(?:['’][^\W\d_]+)?|[?!]")
# The same for ASCII text, with ASCII classes, which the engine tests by table rather than by Unicode category.
_ASCII_TOKEN = casefold.ascii_variant(_PLAIN_TOKEN)
_DIGIT = re.compile(r"\d")
_TIME = re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.|h\b|uhr)|\b\d{1,2}:\d{2}\b", re.I)
_DURATION = re.compile(
    r"\b(?:\d+|a few|few|two|five|ten|fifteen|twenty|thirty|half an?|an?|one)[\s-]*(?:min(?:ute)?s?|hours?|hrs?|"
    r"minuten|stunde|minutos|hora|heures?)\b|\bhalf an hour\b|\bquarter of an hour\b",
    re.I,
)
_WEEKDAY = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b|\b(?:tomorrow|next week|this week|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|lunes|martes|miércoles|jueves|viernes|lundi|mardi|mercredi|"
    r"jeudi|vendredi|morgen|mañana|demain)\b",
    re.I,
)
_MONEY = re.compile(r"[$€£¥]\s?\d|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars?|euros?|k)\b", re.I)
_URL = re.compile(r"https?://|www\.|\.com\b|calendly|hubspot\.com/meetings", re.I)
# Literal text (lowercase) that every match of a pattern holds: a sentence holding none is not searched. Every unit
# of _DURATION starts with one of its needles ("half an hour" holds "hour"); _WEEKDAY's and _URL's are what
# needles.required reads from them (a test holds them equal). _TIME and _MONEY need a digit.
_DURATION_NEEDLES = ("min", "hour", "hr", "stunde", "hora", "heure")
_WEEKDAY_NEEDLES = (
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "tomorrow", "next week", "this week", "montag", "dienstag",
    "mittwoch", "donnerstag", "freitag", "lunes", "martes", "miércoles", "jueves", "viernes", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "morgen", "mañana", "demain",
)  # fmt: skip
_URL_NEEDLES = ("http", "www.", ".com", "calendly")
# Under re.IGNORECASE "i" also matches "ı" and "s" matches "ſ", which lowercase to themselves: a text holding
# either is always searched, so the needles (read from lowercased text) never skip a match.
_FOLDED = ("ı", "ſ")


def _any_of(needles: tuple[str, ...]) -> re.Pattern[str]:
    """Whether lowercased text holds one of `needles`, in one search rather than a substring test per needle."""
    return re.compile("|".join(map(re.escape, needles)))


# The forms `_shape` looks for: (name, pattern, its lowered form for lowercased ASCII text as casefold.found uses,
# the needles one of which a match holds; None: a match needs a digit).
_FORMS = tuple(
    (name, pattern, casefold.lowered(pattern.pattern), needles)
    for name, pattern, needles in (
        ("time", _TIME, None),
        ("duration", _DURATION, _any_of(_DURATION_NEEDLES)),
        ("weekday", _WEEKDAY, _any_of(_WEEKDAY_NEEDLES)),
        ("money", _MONEY, None),
        ("url", _URL, _any_of(_URL_NEEDLES)),
    )
)
_FIRST_PERSON = frozenset("i me my mine we us our ours i'm i've i'd i'll we're we've we'd we'll".split())
_SECOND_PERSON = frozenset(
    "you your yours you're you've you'd you'll yourself sie ihr ihnen dich dir du usted tu tú vous votre vos te".split()
)
_MODALS = frozenset("could would can will may might should shall".split())


def _shape(text: str, tokens: list[str]) -> list[str]:
    """Features of the sentence's form, independent of its exact words."""
    out = [f"len:{min(len(tokens) // 4, 8)}"]
    stripped = text.rstrip("\"”’') ")
    if stripped.endswith("?"):
        out.append("shape:question")
    if stripped.endswith("!"):
        out.append("shape:exclaim")
    if stripped.endswith(","):
        out.append("shape:comma_end")
    if tokens:
        out.append(f"first:{tokens[0]}")
        if len(tokens) > 1:
            out.append(f"first2:{tokens[0]}_{tokens[1]}")
        out.append(f"last:{tokens[-1]}")
    # No feature of letter case: what a sentence does is the same in capitals (shouting is clarity.shouting's),
    # so fixing the case changes nothing else.
    first = sum(map(_FIRST_PERSON.__contains__, tokens))
    second = sum(map(_SECOND_PERSON.__contains__, tokens))
    out.append(f"person:{min(first, 3)}_{min(second, 3)}")
    if any(t in _MODALS for t in tokens[:3]):
        out.append("shape:modal_start")
    digit = _DIGIT.search(text) is not None
    low = text.lower()
    plain = text.isascii()  # then the lowered patterns search `low`, as casefold.found would
    folded = not plain and any(ch in low for ch in _FOLDED)  # both are non-ASCII
    for name, pattern, fast, needles in _FORMS:
        possible = digit if needles is None else folded or needles.search(low) is not None
        if possible and (fast.search(low) if plain and fast is not None else pattern.search(text)) is not None:
            out.append(f"has:{name}")
    if digit:
        out.append("has:number")
    return out


@functools.lru_cache(maxsize=65536)
def _word_features(token: str) -> tuple[str, ...]:
    padded = f" {token} "
    grams = [f"c:{padded[i : i + n]}" for n in CHAR_SIZES for i in range(len(padded) - n + 1)]
    return (f"w:{token}", *grams)


def _normal(token: str) -> str:
    low = token.lower().replace("’", "'")
    if low.startswith(("http", "www.")):
        return "<url>"
    if "@" in low:
        return "<email>"
    if low[:1] in "$€£¥":
        return "<money>"
    return _DIGIT.sub("0", low)


# token -> its normal form: a plain dict (cleared when full) answers faster than an LRU cache, which reorders on hits.
_NORMALS: dict[str, str] = {}


def _tokens(text: str) -> list[str]:
    normals = _NORMALS
    if len(normals) >= CACHE_ENTRIES:
        normals.clear()
    if "@" in text or "http" in text or "www." in text:
        found = _TOKEN.findall(text)
    else:
        found = (_ASCII_TOKEN if text.isascii() else _PLAIN_TOKEN).findall(text)
    return [n if (n := normals.get(t)) is not None else normals.setdefault(t, _normal(t)) for t in found]


def _sentence_features(text: str, tokens: list[str]) -> list[str]:
    """The features that depend on more than one word: word pairs and the sentence's shape."""
    return [*(f"b:{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)), *_shape(text, tokens)]


def featurize(text: str) -> tuple[str, ...]:
    """The features of one sentence, as training sees them (inference sums the same weights per word)."""
    tokens = _tokens(text)
    feats: list[str] = []
    for t in tokens:
        feats.extend(_word_features(t))
    feats.extend(_sentence_features(text, tokens))
    return tuple(feats)


class _WordRows:
    """Each known word's summed weights as one row of a growing array, so a sentence's words are summed in one gather.

    Rows are only added, under a lock, each written before its word's id is published and the array grown before
    that, so a reader that has every id it needs finds their rows in whatever array it reads next. A full table is
    replaced by a new one (by SentenceModel), which a call that began on the old one never sees.
    """

    def __init__(self, width: int, capacity: int = 1024) -> None:
        self.rows = np.empty((capacity, width), np.float32)
        self.rows[PAD] = -0.0  # no word's: pads a short sentence's row of ids (x + -0.0 is x, exactly)
        self.ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, token: str, vector: np.ndarray) -> int:
        """The row of `token`, added with `vector` when new."""
        with self._lock:
            at = self.ids.get(token)
            if at is not None:
                return at
            at = len(self.ids) + 1
            if at == len(self.rows):
                grown = np.empty((2 * at, self.rows.shape[1]), np.float32)
                grown[:at] = self.rows
                self.rows = grown
            self.rows[at] = vector
            self.ids[token] = at
            return at


@dataclass(frozen=True)
class SentenceModel:
    """Weights of one linear scorer per function, and the probability above which each function is assigned."""

    index: dict[str, int]
    weights: np.ndarray  # (features, functions)
    bias: np.ndarray  # (functions,)
    thresholds: np.ndarray  # (functions,)
    labels: tuple[str, ...]
    # The weights with one more row, of -0.0, last: gathered in place of a missing feature, it adds nothing.
    padded: np.ndarray | None = field(default=None, repr=False, compare=False)
    # The word rows in use: a one-item list, so a full table can be swapped for a new one (see _WordRows).
    _words: list[_WordRows] = field(default_factory=list, repr=False, compare=False)
    _sentences: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _named: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    # The probability past which each function is assigned: its own threshold, and never under CONFIDENT.
    bar: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bar", np.maximum(self.thresholds, CONFIDENT))  # frozen: set once, here

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(sentences, functions) probabilities that each sentence does each function."""
        if not texts:
            return np.zeros((0, len(self.labels)), np.float32)
        # A writer re-checks a draft as they type: most sentences come back unchanged.
        known = [self._sentences.get(text) for text in texts]
        fresh = list(dict.fromkeys(text for text, logits in zip(texts, known, strict=True) if logits is None))
        if fresh:
            scored = dict(zip(fresh, self._logits(fresh), strict=True))
            for text, logits in scored.items():
                self._remember(self._sentences, text, logits)
            known = [logits if logits is not None else scored[text] for text, logits in zip(texts, known, strict=True)]
        # np.clip(x, -30, 30), without its Python-level dispatch: the same values, NaN and -0.0 included.
        return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(np.stack(known), -30), 30)))

    def _logits(self, texts: list[str]) -> np.ndarray:
        """(texts, functions) logits, all texts scored together.

        Each text's words' weights are summed (one row per word, from the word table), then its pair and shape
        features' weights, then the two and the bias: the same float32 sums, added row after row, as the weights of
        every feature added one by one. Short texts are padded with rows of -0.0, which change no sum.
        """
        if not self._words or len(self._words[0].ids) >= CACHE_ENTRIES:
            self._words[:] = [_WordRows(len(self.bias))]
        table = self._words[0]
        tokens = [_tokens(text) for text in texts]
        ids = table.ids
        rows: list[list[int]] = []
        for toks in tokens:
            found = [ids.get(t) for t in toks]
            if None in found:
                found = [
                    i if i is not None else table.add(t, self._word_weights(t))
                    for t, i in zip(toks, found, strict=True)
                ]
            rows.append(found)
        words = _grid(rows, PAD)
        index = self.index
        features = [
            [i for f in _sentence_features(text, toks) if (i := index.get(f)) is not None]
            for text, toks in zip(texts, tokens, strict=True)
        ]
        padded = self.padded if self.padded is not None else _padded(self.weights)
        pairs = _grid(features, len(padded) - 1)
        # The table is read after every id is known: the rows they name are in it. (np.add.reduce is what .sum calls.)
        return (np.add.reduce(table.rows[words], axis=1) + np.add.reduce(padded[pairs], axis=1)) + self.bias

    def _word_weights(self, token: str) -> np.ndarray:
        """The summed weights of one word's features (the word and its character n-grams)."""
        rows = [i for f in _word_features(token) if (i := self.index.get(f)) is not None]
        return self.weights[np.asarray(rows, np.intp)].sum(axis=0) if rows else np.zeros_like(self.bias)

    def functions(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """For each sentence, the functions `label` gives it, most likely first (remembered per sentence)."""
        out = [self._named.get(text) for text in texts]
        missing = list(dict.fromkeys(text for text, found in zip(texts, out, strict=True) if found is None))
        if not missing:
            return out  # type: ignore[return-value]
        # Each sentence's probabilities are its own (element-wise from its own logits), whatever it is labelled with.
        other = (self.labels.index("other"),)
        fresh = {
            text: tuple(self.labels[i] for i in (order if len(order) else other))
            for text, order in zip(missing, self._ranked(self.probabilities(missing)), strict=True)
        }
        for text, names in fresh.items():
            self._remember(self._named, text, names)
        return [found if found is not None else fresh[text] for text, found in zip(texts, out, strict=True)]

    @staticmethod
    def _remember(cache: dict[str, Any], key: str, value: Any) -> None:
        if len(cache) >= CACHE_ENTRIES:
            # Oldest first (dicts keep insertion order); another thread may be evicting at the same moment.
            with contextlib.suppress(StopIteration, RuntimeError):
                cache.pop(next(iter(cache)), None)
        cache[key] = value

    def label(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """For each sentence, the functions it is judged to do, with their probabilities (most likely first)."""
        probs = self.probabilities(texts)
        other = self.labels.index("other")
        out = []
        for row, order in zip(probs, self._ranked(probs), strict=True):
            if not len(order):
                out.append({"other": round(float(row[other]), 3)})
                continue
            out.append({self.labels[i]: round(float(row[i]), 3) for i in order})
        return out

    def _ranked(self, probs: np.ndarray) -> list[list[int]]:
        """For each row, the functions assigned (those past their threshold), most likely first."""
        rows, cols = np.nonzero(probs >= self.bar)
        hits: list[list[int]] = [[] for _ in range(len(probs))]
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            hits[r].append(c)  # in column order, as np.flatnonzero gives them
        for r, picked in enumerate(hits):
            if len(picked) > 1:
                # np.argsort's order among equal probabilities is its own: it alone orders two or more.
                order = np.asarray(picked, np.intp)
                hits[r] = order[np.argsort(-probs[r][order])].tolist()
        return hits


def _grid(rows: list[list[int]], pad: int) -> np.ndarray:
    """The rows as one (rows, longest) array of ids, each padded with `pad`: one conversion, not one per row."""
    width = max(map(len, rows))
    flat: list[int] = []
    for row in rows:
        flat += row
        flat += [pad] * (width - len(row))
    return np.array(flat, np.intp).reshape(len(rows), width)


def _padded(weights: np.ndarray) -> np.ndarray:
    """The weights with a last row of -0.0."""
    out = np.empty((weights.shape[0] + 1, weights.shape[1]), np.float32)
    out[:-1] = weights
    out[-1] = -0.0
    return out


def unblob(array: np.ndarray) -> list[str]:
    """Strings stored as one UTF-8 blob of newline-separated items: far faster to load than a string array."""
    return array.tobytes().decode("utf-8").split("\n")


@functools.cache
def sentence_model(path: str | None = None) -> SentenceModel:
    """The shipped model (loaded once per process)."""
    with np.load(path or MODEL_PATH, allow_pickle=False) as data:
        vocab, labels = unblob(data["vocab"]), tuple(unblob(data["labels"]))
        padded = _padded(data["weights"].astype(np.float32, copy=False))
        return SentenceModel(
            index={f: i for i, f in enumerate(vocab)},
            weights=padded[:-1],
            padded=padded,
            bias=data["bias"].astype(np.float32),
            thresholds=data["thresholds"].astype(np.float32),
            labels=labels,
        )
