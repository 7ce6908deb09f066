"""Train the mood model (``perception/data/mood_model.json``) and cross-validate it.

The model is a multinomial logistic regression (scikit-learn) over the evidence the rules
of :mod:`perception._mood` compute (:data:`perception._mood.FEATURES`) and the words and
word pairs of the message (:func:`perception._mood_model.ngrams`), with balanced class
weights and each set weighted equally, whatever its size.  It is trained on the labelled
sets of ``../shared/data`` whose licences allow shipping what is learned from them:
Sentiment Labelled Sentences (CC BY 4.0), the hotel reviews (Apache-2.0) and VADER's gold
sets (MIT).  ESConv and the acronym set are
non-commercial and never used here.

    python benchmarks/train_mood.py            # cross-validate, then write the model
    python benchmarks/train_mood.py --check    # cross-validate only

Cross-validation: 5 folds over all the sets pooled (seed 13); inside each training part the
regularisation is chosen by a 3-fold inner cross-validation (the mean over sets of the
macro-F1), the model is fitted, pruned and rounded exactly as the shipped one, and the
held-out texts are read by :func:`perception._mood.customer_mood_of` with that model, so the
figures are those of the shipped reading (rules where a support cue is found, the model
elsewhere), on texts the model did not see.  Needs ``pip install
'customer-perception[calibrate]'``.
"""

from __future__ import annotations

import argparse
import array
import json
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
from _sets import macro_f1, sentiment_sets

from perception._mood import FEATURES, customer_mood_of, features
from perception._mood_model import CLASSES, MoodModel, ngrams
from perception.mail import author_text
from perception.text import Message

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "src" / "perception" / "data" / "mood_model.json"
#: Inverse regularisation strengths tried by the inner cross-validation.
C_GRID = (0.1, 0.3, 1.0)
#: A word or pair must occur in at least this many training texts to get a weight.
MIN_TEXTS = 3
#: Weights smaller than this (after centring across classes) are dropped, the rest rounded.
PRUNE = 0.01
DIGITS = 4
LICENCES = {
    "sentiment_sentences": "CC BY 4.0 (Kotzias et al. 2015)",
    "hotel_reviews": "Apache-2.0 (jniimi/tripadvisor_dataset, from Li et al. 2013)",
    "vader tweets": "MIT (Hutto & Gilbert 2014)",
    "vader amazon": "MIT (Hutto & Gilbert 2014)",
    "vader movies": "MIT (Hutto & Gilbert 2014)",
    "vader nyt": "MIT (Hutto & Gilbert 2014)",
}


class Corpus:
    """The texts, their labels and sets, and each text's evidence and words."""

    def __init__(self, sets: dict[str, list[tuple[str, str]]]) -> None:
        self.sets = list(sets)
        self.texts: list[str] = []
        self.labels: list[str] = []
        self.origin: list[str] = []
        for name, rows in sets.items():
            for text, label in rows:
                self.texts.append(text)
                self.labels.append(label)
                self.origin.append(name)
        self.messages = [Message(author_text(t).masked()) for t in self.texts]
        self.evidence = [features(m) for m in self.messages]
        self.grams = [[g for g, _, _ in ngrams(m.text)] for m in self.messages]


def _matrix(corpus: Corpus, rows: Sequence[int], vocabulary: dict[str, int]) -> Any:
    from scipy import sparse  # noqa: PLC0415  # optional: only training needs it

    width = len(FEATURES)
    data, indices, pointers = [], [], [0]
    for i in rows:
        for j, value in enumerate(corpus.evidence[i]):
            if value:
                data.append(value)
                indices.append(j)
        for gram in corpus.grams[i]:
            column = vocabulary.get(gram)
            if column is not None:
                data.append(1.0)
                indices.append(width + column)
        pointers.append(len(data))
    shape = (len(rows), width + len(vocabulary))
    return sparse.csr_matrix((data, indices, pointers), shape=shape)


def _vocabulary(corpus: Corpus, rows: Sequence[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in rows:
        for gram in corpus.grams[i]:
            counts[gram] = counts.get(gram, 0) + 1
    kept = sorted(g for g, n in counts.items() if n >= MIN_TEXTS)
    return {g: n for n, g in enumerate(kept)}


def fit(corpus: Corpus, rows: Sequence[int], c: float) -> MoodModel:
    """The model fitted on *rows* with inverse regularisation *c*, pruned and rounded."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    vocabulary = _vocabulary(corpus, rows)
    per_set: dict[str, int] = {}
    for i in rows:
        per_set[corpus.origin[i]] = per_set.get(corpus.origin[i], 0) + 1
    # Each set counts as much as any other, whatever its size: no one kind of text (a third
    # of the texts are movie snippets) decides what the words mean.
    weights = [len(rows) / (len(per_set) * per_set[corpus.origin[i]]) for i in rows]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(
        _matrix(corpus, rows, vocabulary), [corpus.labels[i] for i in rows], sample_weight=weights
    )
    order = [list(model.classes_).index(k) for k in CLASSES]
    coef = model.coef_[order]
    intercept = model.intercept_[order]

    def centred(column: int) -> tuple[float, float, float]:
        w = [float(coef[k][column]) for k in range(3)]
        mean = sum(w) / 3
        # Rounded, then as the file stores them (32-bit floats): the model validated is
        # exactly the model shipped.
        a, b, d = array.array("f", (round(v - mean, DIGITS) for v in w))
        return a, b, d

    width = len(FEATURES)
    grams = {}
    for gram, column in vocabulary.items():
        w = centred(width + column)
        if max(abs(v) for v in w) >= PRUNE:
            grams[gram] = w
    mean = sum(float(v) for v in intercept) / 3
    a, b, d = (round(float(v) - mean, DIGITS) for v in intercept)
    return MoodModel(
        intercept=(a, b, d),
        features=FEATURES,
        feature_weights=tuple(centred(j) for j in range(width)),
        grams=grams,
    )


def read(corpus: Corpus, model: MoodModel, rows: Sequence[int]) -> dict[int, str]:
    """The shipped reading's label of each of *rows* with *model*."""
    found = {}
    for i in rows:
        label = customer_mood_of(corpus.messages[i], model).label
        found[i] = "neutral" if label == "unsupported" else label
    return found


def per_set(corpus: Corpus, found: dict[int, str]) -> dict[str, float]:
    result = {}
    for name in corpus.sets:
        rows = [i for i in found if corpus.origin[i] == name]
        if rows:
            gold = [corpus.labels[i] for i in rows]
            result[name] = macro_f1(gold, [found[i] for i in rows])[0]
    return result


def folds(rows: Sequence[int], k: int, seed: int) -> list[list[int]]:
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    return [sorted(shuffled[i::k]) for i in range(k)]


def choose_c(corpus: Corpus, rows: Sequence[int], seed: int) -> tuple[float, dict[float, float]]:
    """The C of :data:`C_GRID` with the best mean per-set macro-F1 over 3 inner folds."""
    inner = folds(rows, 3, seed)
    found: dict[float, dict[int, str]] = {c: {} for c in C_GRID}
    for part in inner:
        held = set(part)
        train = [i for i in rows if i not in held]
        for c in C_GRID:
            found[c].update(read(corpus, fit(corpus, train, c), part))
    means = {c: statistics.mean(per_set(corpus, found[c]).values()) for c in C_GRID}
    return max(C_GRID, key=lambda c: (means[c], -c)), means


def out_of_fold(corpus: Corpus, seed: int = 13) -> tuple[dict[int, str], list[float]]:
    """The shipped reading's label of every text by a model fitted without its fold (5
    folds; C chosen inside each training part), and the C of each fold."""
    rows = list(range(len(corpus.texts)))
    found: dict[int, str] = {}
    chosen = []
    for n, part in enumerate(folds(rows, 5, seed)):
        held = set(part)
        train = [i for i in rows if i not in held]
        c, _ = choose_c(corpus, train, seed + n + 1)
        chosen.append(c)
        found.update(read(corpus, fit(corpus, train, c), part))
        print(f"  fold {n + 1}/5: C = {c}", file=sys.stderr)
    return found, chosen


def cross_validate(corpus: Corpus, seed: int = 13) -> dict[str, Any]:
    """Out-of-fold macro-F1 per set of the shipped reading (see :func:`out_of_fold`)."""
    found, chosen = out_of_fold(corpus, seed)
    return {
        "folds": 5,
        "seed": seed,
        "chosen_c": chosen,
        "macro_f1": {k: round(v, 4) for k, v in per_set(corpus, found).items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Cross-validate only.")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: PLC0415
    except ImportError:
        print("needs scikit-learn: pip install 'customer-perception[calibrate]'", file=sys.stderr)
        return 2
    started = time.perf_counter()
    sets = sentiment_sets()
    corpus = Corpus(sets)
    print(f"{len(corpus.texts)} texts from {len(sets)} sets", file=sys.stderr)
    validated = cross_validate(corpus)
    for name, value in validated["macro_f1"].items():
        print(f"  {name:22s} cross-validated macro-F1 {value:.3f}")
    if args.check:
        return 0
    rows = list(range(len(corpus.texts)))
    c, means = choose_c(corpus, rows, 13)
    model = fit(corpus, rows, c)
    about = {
        "what": "multinomial logistic regression over the rules' evidence and word n-grams",
        "weighting": "classes balanced; each set weighted equally",
        "classes": list(CLASSES),
        "trained_on": {
            name: {"texts": len(r), "licence": LICENCES[name]} for name, r in sets.items()
        },
        "texts": len(corpus.texts),
        "C": c,
        "inner_cv_mean_macro_f1": {str(k): round(v, 4) for k, v in means.items()},
        "min_texts_per_gram": MIN_TEXTS,
        "pruned_below": PRUNE,
        "cross_validated": validated,
        "fitted": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "library": f"scikit-learn {sklearn.__version__}",
        "script": "benchmarks/train_mood.py",
    }
    document = attrs.evolve(model, about=about).to_json()
    args.out.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(
        f"wrote {args.out} ({len(model.grams)} words and pairs, C = {c}) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
