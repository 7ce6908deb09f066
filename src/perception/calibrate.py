"""Calibration: fit the scorers' weights to the customer's own stated outcomes.

The customer's word is the ground truth.  Each CSAT or NPS answer in the data is an
*example*: the account is assessed as of the moment the answer was given, with the
scorers of stated feedback (those declaring ``evidence_kind = EvidenceKind.STATED``,
such as ``voice``) held out, so the inferred signals must predict what
the customer then said.  Scorer weights (the ``[weights]`` table of the configuration)
are fitted by coordinate descent over a small grid, maximising the Spearman rank
correlation between predicted scores and stated scores on a training part; the fit is
reported on a held-back part of the accounts (rank correlation and the AUC of telling
unhappy answers, CSAT <= 2 or NPS <= 6, from the others).

Plain Python, no numerical libraries: the data is small (one example per survey answer).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import attrs

from perception.config import Config, default_config, load_config
from perception.engine import Plugins, assess, scorer_weights
from perception.errors import ConfigError, PerceptionError
from perception.hookspecs import EvidenceKind
from perception.model import Account, FeedbackKind
from perception.plugins import Registry, get_registry

__all__ = [
    "DEFAULT_GRID",
    "Calibration",
    "Example",
    "auc",
    "calibrate",
    "collect_examples",
    "fit_weights",
    "predict",
    "spearman",
    "split",
    "stated_scorers",
    "write_weights",
]

#: Candidate weights tried for each scorer.
DEFAULT_GRID: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
#: Neutral pseudo-evidence, as in the engine's aggregation.
_PRIOR_WEIGHT = 1.0
#: Fewer examples than this cannot be split and fitted meaningfully.
MIN_EXAMPLES = 8


@attrs.frozen(kw_only=True)
class Example:
    """One stated outcome and the inferred evidence before it.

    Attributes:
        account: the account's id.
        feedback: the feedback item's id.
        at: when the customer stated it.
        target: the stated outcome in [-1, 1].
        unhappy: CSAT <= 2 or NPS <= 6.
        features: per scorer, ``(sum of weight x confidence x value, sum of weight x
            confidence)`` of its signals, before the scorer's own weight.
    """

    account: str
    feedback: str
    at: datetime
    target: float
    unhappy: bool
    features: Mapping[str, tuple[float, float]]


@attrs.frozen(kw_only=True)
class Calibration:
    """The result of :func:`calibrate`.

    Attributes:
        weights: fitted weights of the inferred scorers (stated ones kept as they were).
        before: ``{"spearman": ..., "auc": ...}`` on the held-back part with the old weights.
        after: the same with the fitted weights.
        train: examples used for fitting.
        test: examples held back.
        accounts: accounts with at least one example.
    """

    weights: Mapping[str, float]
    before: Mapping[str, float | None]
    after: Mapping[str, float | None]
    train: int
    test: int
    accounts: int


def _unhappy(kind: FeedbackKind, value: float) -> bool:
    return value <= 2 if kind is FeedbackKind.CSAT else value <= 6


def stated_scorers(registry: Registry) -> frozenset[str]:
    """The scorers of the customer's own word: never used to predict it."""
    return frozenset(
        name for name, e in registry.scorers.items() if e.evidence_kind is EvidenceKind.STATED
    )


def _as_registry(plugins: Plugins) -> Registry:
    return plugins if isinstance(plugins, Registry) else get_registry(plugins)


def collect_examples(
    accounts: Iterable[Account],
    *,
    config: Config | None = None,
    plugins: Plugins = None,
    stated: frozenset[str] | None = None,
) -> list[Example]:
    """One example per CSAT or NPS answer, assessed as of the answer, with the scorers of
    stated feedback (default: :func:`stated_scorers`) held out."""
    config = config if config is not None else default_config()
    registry = _as_registry(plugins)
    if stated is None:
        stated = stated_scorers(registry)
    disabled: frozenset[str] = frozenset((*config.disable, *stated))
    held_out = Config(
        disable=disabled,
        weights=config.weights,
        bands=config.bands,
        options=config.options,
        source=config.source,
    )
    examples: list[Example] = []
    for account in accounts:
        for item in account.feedback:
            if item.kind not in (FeedbackKind.CSAT, FeedbackKind.NPS) or item.value is None:
                continue
            outcome = assess(account, as_of=item.at, config=held_out, plugins=registry)
            features: dict[str, list[float]] = {}
            for signal in outcome.signals:
                pair = features.setdefault(signal.scorer, [0.0, 0.0])
                effective = signal.weight * signal.confidence
                pair[0] += effective * signal.value
                pair[1] += effective
            examples.append(
                Example(
                    account=account.id,
                    feedback=item.id,
                    at=item.at,
                    target=item.signed_value,
                    unhappy=_unhappy(item.kind, item.value),
                    features={k: (v[0], v[1]) for k, v in features.items()},
                )
            )
    return examples


def predict(example: Example, weights: Mapping[str, float]) -> float:
    """The 0-100 score the engine gives *example* with these scorer *weights*."""
    num = den = 0.0
    for scorer, (weighted, total) in example.features.items():
        multiplier = weights.get(scorer, 1.0)
        num += multiplier * weighted
        den += multiplier * total
    return 50.0 + 50.0 * num / (den + _PRIOR_WEIGHT)


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2.0 + 1.0
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation of *xs* and *ys*, or ``None`` when undefined."""
    if len(xs) != len(ys) or len(xs) < 2:
        return None
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx <= 0 or vy <= 0:
        return None
    rho: float = cov / math.sqrt(vx * vy)
    return max(-1.0, min(1.0, rho))


def auc(scores: Sequence[float], unhappy: Sequence[bool]) -> float | None:
    """How well a low score picks out unhappy answers (area under the ROC curve).

    The probability that a random unhappy example scores lower than a random happy one
    (ties count half); ``None`` unless both kinds are present.
    """
    bad = [s for s, u in zip(scores, unhappy, strict=True) if u]
    good = [s for s, u in zip(scores, unhappy, strict=True) if not u]
    if not bad or not good:
        return None
    wins = 0.0
    for b in bad:
        for g in good:
            wins += 1.0 if b < g else 0.5 if b == g else 0.0
    return wins / (len(bad) * len(good))


def split(
    examples: Sequence[Example], *, holdout: float = 0.3, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """``(train, test)``: whole accounts go to one side, chosen by a seeded hash of the id."""
    if not 0 < holdout < 1:
        raise ValueError(f"holdout must be between 0 and 1, not {holdout}")
    train: list[Example] = []
    test: list[Example] = []
    for example in examples:
        digest = hashlib.sha256(f"{seed}:{example.account}".encode()).digest()
        fraction = int.from_bytes(digest[:8], "big") / 2**64
        (test if fraction < holdout else train).append(example)
    return train, test


def _objective(examples: Sequence[Example], weights: Mapping[str, float]) -> float:
    rho = spearman([predict(e, weights) for e in examples], [e.target for e in examples])
    return -2.0 if rho is None else rho


def fit_weights(
    examples: Sequence[Example],
    *,
    start: Mapping[str, float] | None = None,
    grid: Sequence[float] = DEFAULT_GRID,
    rounds: int = 3,
) -> dict[str, float]:
    """Scorer weights maximising the rank correlation of predictions with stated outcomes.

    Coordinate descent: each scorer's weight in turn takes the grid value that helps
    most, holding the others; repeated for *rounds* or until nothing changes.  A change
    must improve the correlation by more than 0.001, so the start values are kept when
    the data cannot tell the difference.
    """
    scorers = sorted({s for e in examples for s in e.features})
    weights = {s: (start or {}).get(s, 1.0) for s in scorers}
    best = _objective(examples, weights)
    for _ in range(rounds):
        changed = False
        for scorer in scorers:
            for candidate in grid:
                if candidate == weights[scorer]:
                    continue
                trial = {**weights, scorer: candidate}
                value = _objective(examples, trial)
                if value > best + 1e-3:
                    best, weights, changed = value, trial, True
        if not changed:
            break
    if all(w == 0 for w in weights.values()) and weights:
        weights = dict.fromkeys(weights, 1.0)
    return weights


def _metrics(examples: Sequence[Example], weights: Mapping[str, float]) -> dict[str, float | None]:
    scores = [predict(e, weights) for e in examples]
    return {
        "spearman": spearman(scores, [e.target for e in examples]),
        "auc": auc(scores, [e.unhappy for e in examples]),
    }


def calibrate(
    accounts: Iterable[Account],
    *,
    config: Config | None = None,
    plugins: Plugins = None,
    holdout: float = 0.3,
    seed: int = 0,
    grid: Sequence[float] = DEFAULT_GRID,
) -> Calibration:
    """Fit scorer weights to the stated CSAT and NPS answers in *accounts*.

    :param holdout: share of accounts held back to measure the fit.
    :param seed: changes which accounts are held back.
    :raises PerceptionError: with too few answers to fit and test.
    """
    config = config if config is not None else default_config()
    registry = _as_registry(plugins)
    examples = collect_examples(accounts, config=config, plugins=registry)
    if len(examples) < MIN_EXAMPLES:
        msg = (
            f"calibration needs at least {MIN_EXAMPLES} stated CSAT or NPS answers; "
            f"found {len(examples)}"
        )
        raise PerceptionError(msg)
    train, test = split(examples, holdout=holdout, seed=seed)
    if len(train) < 2 or len(test) < 2:
        msg = (
            f"the split left {len(train)} answers to fit and {len(test)} to test; "
            "use more accounts or another --holdout"
        )
        raise PerceptionError(msg)
    declared = scorer_weights(registry, config)
    current = {s: declared.get(s, 1.0) for e in examples for s in e.features}
    fitted = fit_weights(train, start=current, grid=grid)
    weights = {**config.weights, **fitted}
    return Calibration(
        weights={k: round(v, 3) for k, v in sorted(weights.items())},
        before=_metrics(test, current),
        after=_metrics(test, fitted),
        train=len(train),
        test=len(test),
        accounts=len({e.account for e in examples}),
    )


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _weights_table(header: str, weights: Mapping[str, float]) -> str:
    lines = [header]
    for name, value in sorted(weights.items()):
        key = name if _BARE_KEY.match(name) else json.dumps(name)
        lines.append(f"{key} = {value:g}")
    return "\n".join(lines) + "\n"


def write_weights(path: str | Path, weights: Mapping[str, float]) -> Path:
    """Write *weights* into the ``[weights]`` table of a settings file, keeping the rest.

    In a ``pyproject.toml`` the table is ``[tool.perception.weights]``.  An existing table
    is replaced; otherwise one is appended.  The file is read back and validated; on any
    problem it is left as it was and :class:`~perception.errors.ConfigError` is raised.
    """
    path = Path(path)
    header = "[tool.perception.weights]" if path.name == "pyproject.toml" else "[weights]"
    original = path.read_text(encoding="utf-8") if path.is_file() else ""
    table = _weights_table(header, weights)
    lines = original.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        separator = "" if not original or original.endswith("\n\n") else "\n"
        if original and not original.endswith("\n"):
            separator = "\n\n"
        updated = original + separator + table
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        tail = "".join(lines[end:])
        updated = "".join(lines[:start]) + table + ("\n" + tail if tail else "")
    path.write_text(updated, encoding="utf-8")
    try:
        load_config(path)
    except ConfigError:
        path.write_text(original, encoding="utf-8")
        raise
    return path
