"""A trained reading of a message's mood: word weights learned from labelled text (private).

:func:`perception._mood.customer_mood_of` reads a message with VADER and cues written for
support messages.  Those rules say nothing about a sentence whose words VADER does not
know ("I returned it after a week", "The battery lasts two hours"), and VADER's word
valences come from general English, not from what customers praise and blame.  This module
applies a multinomial logistic regression over the rules' own evidence (the numbers of
:func:`perception._mood.features`) and the words and word pairs of the message, trained
offline by ``benchmarks/train_mood.py`` on the labelled sets of the shared data whose
licences allow shipping what is learned from them (see ``perception/data/PROVENANCE.md``).
The weights ship as ``perception/data/mood_model.json``; applying them needs no library.

Every decision keeps its reasons: :func:`predict` returns the words and word pairs that
pushed the message towards its label most, with their spans.
"""

from __future__ import annotations

import array
import base64
import functools
import itertools
import json
import math
import re
import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

__all__ = ["FORMAT", "MoodModel", "Prediction", "load_model", "ngrams", "predict"]

#: The ``format`` of a mood model file, and the version this code reads.
FORMAT = "perception-mood-model"
VERSION = 1
#: The labels, in the order of every weight vector of the file.
CLASSES = ("negative", "neutral", "positive")

#: A word: letters of any alphabet, with apostrophes (straight or U+2019) inside ("don't",
#: "café").
#: Linear: each apostrophe must be followed by a letter, so no two ways to match a text.
_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
#: Two words with one of these between them are not a pair (a sentence or a line ends).
_BREAKS = frozenset(".!?\n\u2026")


def ngrams(text: str) -> list[tuple[str, int, int]]:
    """The words of *text* in lower case and the pairs of adjacent words, with their spans.

    A typographic apostrophe (U+2019) reads as a straight one; two words are a pair only
    when no sentence end or line break lies between them.  The same function turns text
    into features when the model is trained and when it is applied, so the two can never
    disagree.  Each word and each pair counts once.
    """
    words = [
        (m.group().lower().replace("\u2019", "'"), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]
    seen: dict[str, tuple[int, int]] = {}
    for word, start, end in words:
        seen.setdefault(word, (start, end))
    for (first, start, gap), (second, after, end) in itertools.pairwise(words):
        if _BREAKS.isdisjoint(text[gap:after]):
            seen.setdefault(f"{first} {second}", (start, end))
    return [(gram, start, end) for gram, (start, end) in seen.items()]


#: Words that carry a weight in the model but name nothing the customer feels: they are
#: left out of the words a reading shows (a pair that holds one is shown).
_UNTELLING = frozenset(
    """
    a an the and or of to in on at for with by from as is are was were be been being it
    its this that these those i me my we us our you your he she him her they them their
    there here so do does did have has had will would can could should shall may might
    just than then also
    """.split()  # noqa: SIM905  # a word list reads better as text
)


@attrs.frozen(kw_only=True)
class MoodModel:
    """Fitted weights of the mood model.

    Attributes:
        intercept: one per class (:data:`CLASSES`).
        features: the names of the rules' evidence, in the order of
            :func:`perception._mood.features`.
        feature_weights: one weight vector (per class) per name of :attr:`features`.
        grams: the weight vector of each word or word pair.
        about: what was fitted, on what, how and how well (the file's metadata).
    """

    intercept: tuple[float, float, float]
    features: tuple[str, ...]
    feature_weights: tuple[tuple[float, float, float], ...]
    grams: Mapping[str, tuple[float, float, float]]
    about: Mapping[str, Any] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The model as the JSON document of its file.

        The words and pairs are one string, one per line, in order; their weights one
        base64 string of little-endian 32-bit floats, three per word (negative, neutral,
        positive): a document of some 40,000 words reads in milliseconds.
        """
        names = sorted(self.grams)
        weights = array.array("f", (w for name in names for w in self.grams[name]))
        if sys.byteorder != "little":  # pragma: no cover - every supported platform is
            weights.byteswap()
        return {
            "format": FORMAT,
            "version": VERSION,
            "classes": list(CLASSES),
            "about": dict(self.about),
            "intercept": list(self.intercept),
            "features": {
                name: list(w) for name, w in zip(self.features, self.feature_weights, strict=True)
            },
            "grams": "\n".join(names),
            "weights": base64.b64encode(weights.tobytes()).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: Any, source: str = "<mood model>") -> MoodModel:
        """Read a model file's document; :class:`ValueError` naming *source* and the field
        when it is not a mood model this version reads."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{source}: format: not a {FORMAT} file")
        if data.get("version") != VERSION:
            raise ValueError(
                f"{source}: version: {data.get('version')!r}, this version reads {VERSION}"
            )
        if tuple(data.get("classes", ())) != CLASSES:
            raise ValueError(f"{source}: classes: must be {list(CLASSES)}")
        features = data.get("features")
        if not isinstance(features, dict):
            raise ValueError(f"{source}: features: must be an object")
        about = data.get("about")
        return cls(
            intercept=_triple(data.get("intercept"), source, "intercept"),
            features=tuple(features),
            feature_weights=tuple(
                _triple(w, source, f"features.{name}") for name, w in features.items()
            ),
            grams=_grams(data.get("grams"), data.get("weights"), source),
            about=about if isinstance(about, dict) else {},
        )


def _grams(names: Any, encoded: Any, source: str) -> dict[str, tuple[float, float, float]]:
    if not isinstance(names, str) or not isinstance(encoded, str):
        raise ValueError(f"{source}: grams, weights: must be strings")
    grams = names.split("\n") if names else []
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ValueError(f"{source}: weights: not base64") from None
    weights = array.array("f")
    if len(raw) != weights.itemsize * 3 * len(grams):
        raise ValueError(f"{source}: weights: must be 3 numbers for each of the {len(grams)} grams")
    weights.frombytes(raw)
    if sys.byteorder != "little":  # pragma: no cover - every supported platform is
        weights.byteswap()
    if not all(map(math.isfinite, weights)):
        raise ValueError(f"{source}: weights: must be finite numbers")
    if len(set(grams)) != len(grams) or not all(grams):
        raise ValueError(f"{source}: grams: must be distinct and not empty")
    it = iter(weights)
    return dict(zip(grams, zip(it, it, it, strict=True), strict=True))


def _triple(value: Any, source: str, field: str) -> tuple[float, float, float]:
    if (
        not isinstance(value, list)
        or len(value) != len(CLASSES)
        or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in value)
    ):
        raise ValueError(f"{source}: {field}: must be {len(CLASSES)} finite numbers")
    return float(value[0]), float(value[1]), float(value[2])


@functools.cache
def load_model() -> MoodModel:
    """The model shipped with the package (read once)."""
    path = resources.files("perception") / "data" / "mood_model.json"
    with path.open(encoding="utf-8") as f:
        return MoodModel.from_json(json.load(f), source="perception/data/mood_model.json")


@attrs.frozen
class Prediction:
    """What the model reads in a message.

    Attributes:
        label: the most probable class.
        probabilities: of each class of :data:`CLASSES`.
        words: the words and word pairs that pushed most towards the label, as
            ``(text, start, end, weight)``, strongest first (weight: the difference their
            presence makes to the label's score against the mean of the others).
    """

    label: str
    probabilities: tuple[float, float, float]
    words: tuple[tuple[str, int, int, float], ...]


def predict(model: MoodModel, evidence: Sequence[float], text: str, *, top: int = 3) -> Prediction:
    """The model's reading of *text*, given the rules' *evidence* (its features)."""
    neg, neu, pos = model.intercept
    for value, (w0, w1, w2) in zip(evidence, model.feature_weights, strict=True):
        if value:
            neg += value * w0
            neu += value * w1
            pos += value * w2
    present: list[tuple[int, int, tuple[float, float, float]]] = []
    grams = model.grams
    for gram, start, end in ngrams(text):
        weights = grams.get(gram)
        if weights is not None:
            present.append((start, end, weights))
            neg += weights[0]
            neu += weights[1]
            pos += weights[2]
    z = (neg, neu, pos)
    high = max(z)
    exps = [math.exp(v - high) for v in z]
    total = sum(exps)
    probabilities = (exps[0] / total, exps[1] / total, exps[2] / total)
    best = max(range(3), key=lambda k: (z[k], k == 1))
    pushed = sorted(
        (
            (text[start:end], start, end, w[best] - (sum(w) - w[best]) / 2)
            for start, end, w in present
        ),
        key=lambda item: -item[3],
    )
    words = tuple(item for item in pushed if item[3] > 0 and item[0].lower() not in _UNTELLING)[
        :top
    ]
    return Prediction(CLASSES[best], probabilities, words)
