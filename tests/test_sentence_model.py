"""The sentence model: the bank is well formed, training is reproducible, and the shipped weights load and label."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from critic.analysis.functions import FUNCTIONS, featurize, sentence_model
from critic.cli.train import BANK, load_bank

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "sentence-labels.md"


def test_the_bank_is_large_labelled_and_uses_the_guides_labels() -> None:
    rows = load_bank()
    assert len(rows) >= 6000
    assert {label for r in rows for label in r["labels"]} == set(FUNCTIONS)
    guide = GUIDE.read_text(encoding="utf-8")
    assert all(f"`{label}`" in guide for label in FUNCTIONS)
    assert {r["lang"] for r in rows} >= {"en", "de", "es", "fr"}
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts)), "the bank holds duplicate sentences"


def test_features_describe_form_as_well_as_words() -> None:
    feats = featurize("Could you spare 20 minutes on Thursday at 2pm?")
    assert {"shape:question", "has:duration", "has:weekday", "has:time", "shape:modal_start"} <= set(feats)
    assert "w:minutes" in feats and "c: mi" in feats


def test_shipped_model_labels_what_sentences_do() -> None:
    model = sentence_model()
    labels = model.label(["Hi Priya,", "Are you free for a 30-minute call on Tuesday at 10am?", "Kind regards, Tom"])
    assert "greeting" in labels[0] and "slot_ask" in labels[1] and "sign_off" in labels[2]


def test_training_is_reproducible(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from critic.cli.train import train

    bank = tmp_path / "bank"
    bank.mkdir()
    rows = [json.loads(line) for path in sorted(BANK.glob("*.jsonl")) for line in path.read_text().splitlines()[:60]]
    (bank / "small.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    report = train(bank, first, folds=2)
    train(bank, second, folds=2)
    assert report["sentences"] == len(rows)
    assert first.read_bytes() == second.read_bytes()
    assert sentence_model(str(first)).label(["Hi Dana,"])


def test_inference_sums_the_same_weights_training_fits() -> None:
    """Inference adds cached per-word sums; the result must equal the plain sum over featurize's features."""
    import numpy as np

    model = sentence_model()
    texts = [
        "Hi Priya,",
        "Could you spare 20 minutes on Thursday at 2pm?",
        "We cut costs 38% at Acme — see https://x.io",
    ]
    expected = []
    for text in texts:
        rows = [model.index[f] for f in featurize(text) if f in model.index]
        expected.append(model.weights[rows].astype(np.float64).sum(axis=0) + model.bias)
    got = model.probabilities(texts)
    assert np.allclose(got, 1 / (1 + np.exp(-np.array(expected))), atol=1e-5)
    assert np.array_equal(model.probabilities(texts), got), "a cached sentence must give the same answer"


def test_shape_needles_never_skip_a_match() -> None:
    """A shape pattern is searched only where its needles occur (or a digit, for times and money): never a miss."""
    from critic.analysis import functions as f
    from critic.analysis.needles import required

    for pattern, needles in ((f._WEEKDAY, f._WEEKDAY_NEEDLES), (f._URL, f._URL_NEEDLES)):
        assert all(any(n in need for n in needles) for need in required(pattern.pattern) or ())
    texts = [r["text"] for r in load_bank()]
    texts += [
        "15 MINUTES?", "Half an HOUR", "30mins", "2 hrs", "zwei Stunden", "une heure", "una hora", "ThURSDAY",
        "MAÑANA", "Miércoles", "HTTPS://X.IO", "WWW.X.IO", "Calendly", "x.COM", "30 mınutes", "ſunday", "$5", "9AM",
    ]  # fmt: skip
    for text in texts:
        low = text.lower()
        folded = any(ch in low for ch in f._FOLDED)
        for pattern, needles in (
            (f._DURATION, f._DURATION_NEEDLES),
            (f._WEEKDAY, f._WEEKDAY_NEEDLES),
            (f._URL, f._URL_NEEDLES),
        ):
            assert not pattern.search(text) or folded or any(n in low for n in needles), (pattern.pattern, text)
        for pattern in (f._TIME, f._MONEY):
            assert not pattern.search(text) or f._DIGIT.search(text), (pattern.pattern, text)


def test_functions_are_the_labels_remembered() -> None:
    model = sentence_model()
    texts = ["Hi Priya,", "Are you free for a 30-minute call on Tuesday at 10am?", "Hi Priya,", "Kind regards, Tom"]
    expected = [tuple(labels) for labels in model.label(texts)]
    assert model.functions(texts) == expected
    assert model.functions(texts[1:2]) == expected[1:2] and model.functions(texts) == expected


def test_threads_sharing_the_model_score_as_one_does() -> None:
    """The word table grows while other threads read it: every thread still gets the serial answer."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from critic.analysis.functions import MODEL_PATH, SentenceModel

    texts = [r["text"] for r in load_bank()][:3000]
    expected = sentence_model().probabilities(texts)
    fresh: SentenceModel = sentence_model.__wrapped__(str(MODEL_PATH))  # a new model: empty word table
    chunks = [list(range(i, len(texts), 300)) for i in range(300)]  # many small calls, interleaved
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda idx: (idx, fresh.probabilities([texts[i] for i in idx])), chunks))
    for idx, got in results:
        assert np.array_equal(got, expected[idx])
