"""The labelled sets of ``../shared/data`` as the text benchmarks and training read them.

Shared by ``validity_text.py`` and ``train_mood.py``.  The folder is ``../shared/data``
beside the project, or ``$PERCEPTION_SHARED_DATA``.  Each loader returns rows of
``(text, label)``; the labels of the sentiment sets are ``negative``, ``neutral`` and
``positive``.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("negative", "neutral", "positive")
#: The VADER gold sets (built with VADER: fidelity, not independent accuracy).
GOLD = {
    "vader tweets": "tweets_GroundTruth.txt",
    "vader amazon": "amazonReviewSnippets_GroundTruth.txt",
    "vader movies": "movieReviewSnippets_GroundTruth.txt",
    "vader nyt": "nytEditorialSnippets_GroundTruth.txt",
}
#: A VADER gold text is neutral when its mean rating (-4 to 4) is within this of zero.
GOLD_NEUTRAL = 0.5


def data_dir() -> Path:
    override = os.environ.get("PERCEPTION_SHARED_DATA")
    folder = Path(override) if override else ROOT.parent / "shared" / "data"
    if not folder.is_dir():
        raise SystemExit(f"shared data not found at {folder} (set PERCEPTION_SHARED_DATA)")
    return folder


def sentiment_sentences() -> list[tuple[str, str]]:
    """UCI Sentiment Labelled Sentences (Kotzias et al. 2015): 3,000, positive or negative."""
    rows = []
    for name in ("amazon_cells_labelled.txt", "yelp_labelled.txt", "imdb_labelled.txt"):
        path = data_dir() / "sentiment_sentences" / name
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                text, label = line.rsplit("\t", 1)
                rows.append((text.strip(), "positive" if label.strip() == "1" else "negative"))
    return rows


def hotel_reviews() -> list[tuple[str, str]]:
    """TripAdvisor reviews (title, a line break, text): 1-2 negative, 3 neutral, 4-5 positive."""
    path = data_dir() / "hotel_reviews" / "reviews.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = []
        for row in csv.DictReader(f):
            overall = float(row["overall"])
            label = "negative" if overall <= 2 else "neutral" if overall == 3 else "positive"
            rows.append((f"{row['title']}\n{row['text']}", label))
    return rows


def vader_gold(name: str) -> list[tuple[str, str]]:
    """One VADER gold set, its mean human rating cut at +-GOLD_NEUTRAL into three classes."""
    path = data_dir() / "vader_gold" / GOLD[name]
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
        parts = line.split("\t")
        if len(parts) >= 3:
            mean = float(parts[1])
            label = (
                "negative"
                if mean <= -GOLD_NEUTRAL
                else "positive"
                if mean >= GOLD_NEUTRAL
                else "neutral"
            )
            rows.append((parts[2], label))
    return rows


def sentiment_sets() -> dict[str, list[tuple[str, str]]]:
    """Every sentiment set by name."""
    sets = {"sentiment_sentences": sentiment_sentences(), "hotel_reviews": hotel_reviews()}
    sets.update({name: vader_gold(name) for name in GOLD})
    return sets


def supporter_turns(splits: tuple[str, ...] = ("train", "valid", "test")) -> list[dict[str, str]]:
    """ESConv supporter turns with the seeker's turn before each (CC BY-NC 4.0: evaluation
    only)."""
    path = data_dir() / "emotional_support" / "esconv_supporter_turns.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row["split"] in splits]


def failed_turns() -> list[dict[str, str]]:
    """The supporter turns of FailedESConv, with the seeker's turns before each."""
    path = data_dir() / "emotional_support" / "FailedESConv.json"
    rows = []
    ack = {"Reflection of feelings", "Restatement or Paraphrasing", "Affirmation and Reassurance"}
    renamed = {
        "Restatement": "Restatement or Paraphrasing",
        "Approval and Reassurance": "Affirmation and Reassurance",
        "Questions": "Question",
        "Other": "Others",
    }
    for dialog in json.loads(path.read_text(encoding="utf-8")):
        seeker: list[str] = []
        last = ""
        for turn in dialog["dialog"]:
            if turn["speaker"] != "listener":
                if last == "listener":
                    seeker = []
                seeker.append(turn["content"])
            else:
                strategy = (turn.get("annotation") or {}).get("strategy")
                if strategy:
                    strategy = renamed.get(strategy, strategy)
                    rows.append(
                        {
                            "supporter_text": turn["content"],
                            "seeker_before": " ".join(seeker),
                            "acknowledges": "1" if strategy in ack else "0",
                            "strategy": strategy,
                        }
                    )
            last = turn["speaker"]
    return rows


def acronym_sentences(name: str) -> list[dict[str, object]]:
    """The SDU@AAAI-21 acronym sentences of *name* (``dev`` or ``train``; CC BY-NC-SA 4.0:
    evaluation only)."""
    path = data_dir() / "acronyms" / f"{name}.json"
    result: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return result


def macro_f1(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    """Macro-F1 over the classes present in *gold* (a prediction of another class is an
    error), and accuracy."""
    f1s = []
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    return sum(f1s) / len(f1s), accuracy
