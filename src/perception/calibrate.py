"""Calibration: fit perception to the customer's own stated outcomes.

The customer's word is the ground truth.  Two fits live here:

* The **outcome model** (:func:`collect_observations`, :func:`fit_calibration`,
  ``perception calibrate``): every stated outcome (a CSAT, NPS or CES answer, a renewal
  or a churn) is an observation, predicted from the evidence before it; a regularised
  logistic model over the signals, by scorer, dimension and subject, with the shape of
  each value curve and per scorer the summaries of its signals (the subject and curve
  features' penalties chosen with the regularisation), is cross-validated by whole accounts and
  fitted with scikit-learn (the ``customer-perception[calibrate]`` extra).  The result is a
  :class:`~perception.calibration.CalibrationModel`, written as a versioned file that
  :func:`perception.assess` applies with no extra dependency.
* The **scorer weights** (:func:`calibrate`, :func:`fit_weights`, :func:`write_weights`),
  kept for existing code: the ``[weights]`` table fitted by coordinate descent over a
  small grid, maximising the rank correlation with CSAT and NPS answers, with the
  scorers of stated feedback held out.  One weight per scorer cannot learn when all the
  evidence comes from one scorer (a survey's ratings); prefer the outcome model.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import re
import types
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs

from perception.calibration import (
    DEFAULT_FEATURE,
    CalibrationModel,
    account_features,
    signal_features,
)
from perception.config import Config, default_config, load_config
from perception.engine import Plugins, assess, scorer_weights
from perception.errors import ConfigError, PerceptionError, install_extra
from perception.hookspecs import EvidenceKind
from perception.model import OUTCOME_KINDS, Account, Feedback, FeedbackKind
from perception.plugins import Registry, get_registry

__all__ = [
    "CURVE_PENALTIES",
    "C_GRID",
    "DEFAULT_GRID",
    "MIN_OUTCOMES",
    "MIN_PER_CLASS",
    "SUBJECT_PENALTIES",
    "TARGET",
    "Calibration",
    "CrossValidation",
    "Example",
    "FitReport",
    "Observation",
    "Observations",
    "auc",
    "brier",
    "calibrate",
    "collect_examples",
    "collect_observations",
    "cross_validate",
    "fit_calibration",
    "fit_weights",
    "predict",
    "reliability",
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
    (ties count half); ``None`` unless both kinds are present.  Computed from ranks
    (Mann-Whitney), in ``O(n log n)``.
    """
    if len(scores) != len(unhappy):
        raise ValueError("scores and unhappy must have the same length")
    bad = sum(1 for u in unhappy if u)
    good = len(unhappy) - bad
    if not bad or not good:
        return None
    ranks = _ranks(scores)
    good_rank_sum = sum(r for r, u in zip(ranks, unhappy, strict=True) if not u)
    return (good_rank_sum - good * (good + 1) / 2.0) / (bad * good)


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


# -- the calibrated outcome model ----------------------------------------------------------
#
# The scorer weights above are one knob per scorer: when all the evidence comes from one
# scorer (a survey's ratings), they cannot learn anything.  The model below learns at the
# level of the signals, by scorer, dimension and subject, and the shape of each value
# curve; see perception.calibration for the features and how a fitted file is applied.

#: Fewer stated outcomes than this are refused: cross-validated figures would be noise.
MIN_OUTCOMES = 30
#: Each class (satisfied, not satisfied) needs at least this many outcomes.
MIN_PER_CLASS = 10
#: Inverse regularisation strengths tried, on standardised features.
C_GRID: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
#: Penalties tried on the features about one subject (one expectation, one kind of
#: feedback), relative to the rest: chosen with C by the inner cross-validation, so that
#: they are learned as freely as the scorers' and dimensions' features only where the data
#: supports them, shrunk towards them (4 or 16 times the penalty), or left out (``inf``).
SUBJECT_PENALTIES: tuple[float, ...] = (1.0, 4.0, 16.0, math.inf)
#: Penalties tried on the value-curve features of each scorer (``scorer@knot``),
#: relative to the rest: chosen with C and the subject penalty by the inner
#: cross-validation, so that a curve is learned knot by knot where the data shows a shape
#: (how much each rating level matters) and left out where the scorer's slope and
#: summaries say as much with a few coefficients (``inf``).  The curves of one subject
#: follow the subject penalty.
CURVE_PENALTIES: tuple[float, ...] = (1.0, math.inf)
#: The default-score feature is scaled up by this factor after standardising, so that
#: the penalty on its coefficient is this factor squared smaller: the model keeps the
#: default score unless the data shows better.
_DEFAULT_EMPHASIS = 10.0
#: What counts as "satisfied", in words (for the file's metadata and the reports).
TARGET = (
    "satisfied: CSAT in the top two boxes of five (4-5 of 1-5, 8-10 of 0-10), NPS 7 or "
    "more, CES below the middle of its scale, a renewal; not satisfied: the rest, a churn"
)


@attrs.frozen(kw_only=True)
class Observation:
    """One stated outcome and the evidence before it.

    Attributes:
        account: the account's id.
        feedback: the id of the feedback item that states the outcome.
        at: when it was stated.
        satisfied: whether the customer called themselves satisfied (see :data:`TARGET`).
        stated: the answer as a value in [-1, 1] (:attr:`Feedback.signed_value`).
        default_score: the default score (0-100) of the account just before.
        features: the account's features then (:func:`perception.calibration.
            account_features`).
    """

    account: str
    feedback: str
    at: datetime
    satisfied: bool
    stated: float
    default_score: float
    features: Mapping[str, float]


@attrs.frozen(kw_only=True)
class Observations:
    """The stated outcomes of a portfolio, ready to fit.

    Attributes:
        items: one per stated outcome.
        weights: the scorer weights of the default-score feature.
        scorers: the scorers whose signals the features come from.
        accounts: how many accounts the outcomes come from.
    """

    items: tuple[Observation, ...]
    weights: Mapping[str, float]
    scorers: frozenset[str]
    accounts: int


def _evidence_before(account: Account, answer: Feedback) -> Account:
    """*account* as known when *answer* was given, without the answer itself and any other
    stated outcome given at the same moment (a survey's NPS beside its CSAT)."""
    view = account.as_of(answer.at)
    kept = tuple(f for f in view.feedback if not (f.kind in OUTCOME_KINDS and f.at >= answer.at))
    if len(kept) == len(view.feedback):
        return view
    return attrs.evolve(view, feedback=kept)


def collect_observations(
    accounts: Iterable[Account],
    *,
    config: Config | None = None,
    plugins: Plugins = None,
) -> Observations:
    """One observation per stated outcome (CSAT, NPS or CES answer, renewal, churn) in
    *accounts*: the account is assessed as of the moment the outcome was stated, from
    the evidence before it.  The customer's earlier word counts; the outcome itself, and
    any other outcome stated with it, does not."""
    config = attrs.evolve(config if config is not None else default_config(), calibration=None)
    registry = _as_registry(plugins)
    weights = scorer_weights(registry, config)
    items: list[Observation] = []
    scorers: set[str] = set()
    seen: set[str] = set()
    for account in accounts:
        for answer in account.feedback:
            satisfied = answer.satisfied
            if satisfied is None:
                continue
            view = _evidence_before(account, answer)
            outcome = assess(view, as_of=answer.at, config=config, plugins=registry)
            rows = signal_features(view, outcome.signals, weights)
            scorers.update(s.scorer for s in outcome.signals)
            seen.add(account.id)
            items.append(
                Observation(
                    account=account.id,
                    feedback=answer.id,
                    at=answer.at,
                    satisfied=satisfied,
                    stated=answer.signed_value,
                    default_score=outcome.score,
                    features=account_features(rows),
                )
            )
    used = {name: weights.get(name, 1.0) for name in sorted(scorers)}
    return Observations(
        items=tuple(items), weights=used, scorers=frozenset(scorers), accounts=len(seen)
    )


def _refuse_too_few(observations: Observations, folds: int) -> None:
    items = observations.items
    yes = sum(1 for o in items if o.satisfied)
    no = len(items) - yes
    least = max(MIN_PER_CLASS, folds)
    enough = len(items) >= MIN_OUTCOMES and min(yes, no) >= least
    if enough and observations.accounts >= 2 * folds:
        return
    msg = (
        f"calibration needs at least {MIN_OUTCOMES} stated outcomes, at least {least} of "
        f"them satisfied and {least} not, from at least {2 * folds} accounts; found "
        f"{len(items)} ({yes} satisfied, {no} not) in {observations.accounts} accounts. "
        "Stated outcomes are CSAT, NPS and CES answers, renewals and churn events in the "
        "accounts' feedback."
    )
    raise PerceptionError(msg)


def _sklearn() -> Any:
    """scikit-learn's modules, or a clear error naming the extra that installs it."""
    try:
        import numpy  # noqa: PLC0415  # optional dependency, only for fitting
        import scipy.sparse  # noqa: PLC0415
        import sklearn  # noqa: PLC0415
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
        from sklearn.model_selection import StratifiedGroupKFold  # noqa: PLC0415
    except ImportError:
        msg = (
            f"fitting a calibration needs scikit-learn: {install_extra('calibrate')}; "
            "applying a fitted calibration needs nothing extra"
        )
        raise PerceptionError(msg) from None
    return types.SimpleNamespace(
        np=numpy,
        sparse=scipy.sparse,
        version=sklearn.__version__,
        LogisticRegression=LogisticRegression,
        StratifiedGroupKFold=StratifiedGroupKFold,
    )


@attrs.frozen
class _Design:
    """A feature matrix: rows of observations, columns of feature names."""

    names: tuple[str, ...]
    matrix: Any
    labels: Any
    groups: Any


def _design(sk: Any, items: Sequence[Observation], names: Sequence[str] | None = None) -> _Design:
    if names is None:
        names = sorted({n for o in items for n, v in o.features.items() if v != 0.0})
    index = {n: i for i, n in enumerate(names)}
    rows, cols, data = [], [], []
    for r, item in enumerate(items):
        for name, value in item.features.items():
            c = index.get(name)
            if c is not None and value != 0.0:
                rows.append(r)
                cols.append(c)
                data.append(value)
    matrix = sk.sparse.csr_matrix((data, (rows, cols)), shape=(len(items), len(names)), dtype=float)
    labels = sk.np.array([1 if o.satisfied else 0 for o in items])
    groups = sk.np.array([o.account for o in items])
    return _Design(tuple(names), matrix, labels, groups)


def _subject_columns(names: Sequence[str]) -> list[int]:
    """The columns of the features about one subject (``scorer/dimension/subject``, with
    or without a knot)."""
    return [i for i, name in enumerate(names) if name.count("/") >= 2]


def _curve_columns(names: Sequence[str]) -> list[int]:
    """The columns of the value-curve features of a scorer (``scorer@knot``; a subject's
    curve is a subject feature)."""
    return [i for i, name in enumerate(names) if "@" in name and name.count("/") < 2]


@attrs.frozen
class _Penalties:
    """The penalties of the features about one subject and of the scorers' value curves,
    relative to the rest (``inf``: left out)."""

    subjects: float = 1.0
    curves: float = 1.0


#: Subject and curve features penalised like the rest.
_SAME = _Penalties()


def _scales(sk: Any, design: _Design, penalties: _Penalties = _SAME) -> Any:
    """Each column's divisor: its standard deviation, for the default-score feature that
    divided by :data:`_DEFAULT_EMPHASIS`, and for the subject and curve features
    multiplied by the square root of their *penalties*.  An infinite divisor scales the column to
    zero and its coefficient with it: so for subject features left out, and for a column
    that is constant in these rows (the same amount of evidence in every account, as in
    a survey), whose coefficient the unpenalised intercept makes zero at the optimum
    anyway, and which would only make the fit ill-conditioned."""
    np = sk.np
    matrix = design.matrix
    mean = np.asarray(matrix.mean(axis=0)).ravel()
    square = np.asarray(matrix.multiply(matrix).mean(axis=0)).ravel()
    sd = np.sqrt(np.maximum(square - mean * mean, 0.0))
    # (Relative to the mean: the cancellation in the variance leaves about 1e-8 of it.)
    sd[sd <= 1e-6 * np.maximum(1.0, np.abs(mean))] = np.inf
    if DEFAULT_FEATURE in design.names:
        sd[design.names.index(DEFAULT_FEATURE)] /= _DEFAULT_EMPHASIS
    if penalties.curves != 1.0:
        sd[_curve_columns(design.names)] *= math.sqrt(penalties.curves)
    if penalties.subjects != 1.0:
        sd[_subject_columns(design.names)] *= math.sqrt(penalties.subjects)
    return sd


def _path(
    sk: Any,
    design: _Design,
    rows: Any,
    grid: Sequence[float],
    penalties: _Penalties = _SAME,
) -> list[tuple[float, Any]]:
    """``(intercept, coefficients on the raw features)`` fitted on *rows* for each C of
    *grid* (ascending), each fit starting from the previous one, with the subject and
    curve features' *penalties* relative to the rest's."""
    np = sk.np
    train = design.matrix[rows]
    scale = _scales(sk, _Design(design.names, train, None, None), penalties)
    scaled = train.multiply(1.0 / scale).tocsr()
    labels = design.labels[rows]
    model = sk.LogisticRegression(solver="newton-cg", max_iter=500, tol=1e-6, warm_start=True)
    fitted: list[tuple[float, Any]] = []
    with warnings.catch_warnings():
        # A slow convergence on a tiny fold is not worth failing for: the coefficients
        # are still the best found, and the cross-validated figures say how good.
        warnings.simplefilter("ignore", category=_convergence_warning())
        for c in grid:
            model.set_params(C=c)
            model.fit(scaled, labels)
            fitted.append((float(model.intercept_[0]), np.asarray(model.coef_[0]) / scale))
    return fitted


def _fit(sk: Any, design: _Design, rows: Any, c: float, penalties: _Penalties) -> tuple[float, Any]:
    """``(intercept, coefficients on the raw features)`` fitted on *rows* with *c* and the
    subject and curve *penalties*."""
    return _path(sk, design, rows, [c], penalties)[0]


def _convergence_warning() -> type[Warning]:
    from sklearn.exceptions import ConvergenceWarning  # noqa: PLC0415  # optional dependency

    warning: type[Warning] = ConvergenceWarning
    return warning


def _predict(sk: Any, design: _Design, rows: Any, fitted: tuple[float, Any]) -> Any:
    intercept, coefficients = fitted
    z = design.matrix[rows] @ coefficients + intercept
    return 1.0 / (1.0 + sk.np.exp(-sk.np.clip(z, -500, 500)))


def _log_loss(sk: Any, labels: Any, p: Any) -> float:
    p = sk.np.clip(p, 1e-12, 1 - 1e-12)
    return float(-sk.np.mean(labels * sk.np.log(p) + (1 - labels) * sk.np.log(1 - p)))


def _candidates(names: Sequence[str]) -> list[_Penalties]:
    """The penalty pairs the inner cross-validation tries: every subject penalty with
    every curve penalty, each only when there are such features."""
    subjects = SUBJECT_PENALTIES if _subject_columns(names) else (1.0,)
    curves = CURVE_PENALTIES if _curve_columns(names) else (1.0,)
    return [_Penalties(s, k) for s in subjects for k in curves]


def _choose(
    sk: Any, design: _Design, rows: Any, seed: int, folds: int = 3
) -> tuple[float, _Penalties]:
    """``(C, penalties)`` with the least cross-validated log loss on *rows* (whole
    accounts per fold); among equals the smaller subject penalty, then the smaller curve
    penalty, then the larger C."""
    np = sk.np
    labels, groups = design.labels[rows], design.groups[rows]
    splitter = sk.StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    grid = sorted(C_GRID)
    candidates = _candidates(design.names)
    losses = {(p.subjects, p.curves, c): 0.0 for p in candidates for c in grid}
    for inner_train, inner_test in splitter.split(np.zeros(len(rows)), labels, groups):
        train, test = rows[inner_train], rows[inner_test]
        for penalties in candidates:
            path = _path(sk, design, train, grid, penalties)
            for c, fitted in zip(grid, path, strict=True):
                p = _predict(sk, design, test, fitted)
                key = (penalties.subjects, penalties.curves, c)
                losses[key] += _log_loss(sk, design.labels[test], p) * len(test)
    subjects, curves, c = min(losses, key=lambda key: (losses[key], key[0], key[1], -key[2]))
    return c, _Penalties(subjects, curves)


def _penalty(penalty: float) -> float | None:
    """A subject or curve penalty as JSON can hold it: ``None`` for left out (infinite)."""
    return None if math.isinf(penalty) else penalty


def _spread(values: Sequence[float]) -> dict[str, Any]:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    mean = sum(finite) / len(finite) if finite else None
    sd = (
        math.sqrt(sum((v - mean) ** 2 for v in finite) / (len(finite) - 1))
        if mean is not None and len(finite) > 1
        else None
    )
    return {
        "mean": None if mean is None else round(mean, 4),
        "sd": None if sd is None else round(sd, 4),
        "folds": [round(v, 4) for v in finite],
    }


def brier(probabilities: Sequence[float], satisfied: Sequence[bool]) -> float:
    """The Brier score: the mean squared error of probabilities against what happened."""
    pairs = list(zip(probabilities, satisfied, strict=True))
    return sum((p - (1.0 if y else 0.0)) ** 2 for p, y in pairs) / max(1, len(pairs))


def reliability(
    probabilities: Sequence[float], satisfied: Sequence[bool], *, bins: int = 10
) -> list[dict[str, float | int | None]]:
    """The reliability diagram: per band of predicted probability (tenths), how many
    outcomes, their mean predicted probability and the share that were satisfied."""
    table: list[dict[str, float | int | None]] = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            (p, y)
            for p, y in zip(probabilities, satisfied, strict=True)
            if low <= p < high or (b == bins - 1 and p == 1.0)
        ]
        count = len(inside)
        table.append(
            {
                "low": low,
                "high": high,
                "count": count,
                "predicted": round(sum(p for p, _ in inside) / count, 4) if count else None,
                "observed": round(sum(1 for _, y in inside if y) / count, 4) if count else None,
            }
        )
    return table


def _figures(
    probabilities: Sequence[float], items: Sequence[Observation]
) -> dict[str, float | None]:
    satisfied = [o.satisfied for o in items]
    return {
        "auc": auc(probabilities, [not y for y in satisfied]),
        "brier": brier(probabilities, satisfied),
        "spearman": spearman(list(probabilities), [o.stated for o in items]),
    }


@attrs.frozen(kw_only=True)
class CrossValidation:
    """Out-of-fold predictions and the figures they give.

    Attributes:
        probabilities: per observation (in order), the probability predicted by a model
            fitted without its account.
        folds: the figures of each fold (``auc``, ``brier``, ``spearman``; ``c``,
            ``subjects`` and ``curves``, the regularisation and the subject and curve
            penalties chosen inside it, ``None`` for features left out).
        auc: mean, sd and per-fold AUC of telling satisfied from not.
        brier: the same for the Brier score.
        spearman: the same for the rank correlation with the stated answer.
        reliability: the reliability diagram of the out-of-fold predictions.
    """

    probabilities: tuple[float, ...]
    folds: tuple[Mapping[str, float | None], ...]
    auc: Mapping[str, Any]
    brier: Mapping[str, Any]
    spearman: Mapping[str, Any]
    reliability: tuple[Mapping[str, float | int | None], ...]


def cross_validate(observations: Observations, *, folds: int = 5, seed: int = 0) -> CrossValidation:
    """Fit on all but one fold of the accounts, predict that fold, for each fold.

    Folds keep each account whole and the share of satisfied outcomes even (stratified
    group k-fold); the regularisation is chosen inside each training part (nested, with
    as many inner folds as outer ones), so the figures are honest estimates for accounts
    the model has not seen.

    :raises PerceptionError: with too few outcomes, or without scikit-learn.
    """
    _refuse_too_few(observations, folds)
    sk = _sklearn()
    np = sk.np
    items = observations.items
    design = _design(sk, items)
    predicted = np.zeros(len(items))
    per_fold: list[dict[str, float | None]] = []
    splitter = sk.StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(items)), design.labels, design.groups):
        c, penalties = _choose(sk, design, train, seed, folds=folds)
        predicted[test] = _predict(sk, design, test, _fit(sk, design, train, c, penalties))
        figures = _figures([float(p) for p in predicted[test]], [items[i] for i in test])
        per_fold.append(
            {
                **figures,
                "c": c,
                "subjects": _penalty(penalties.subjects),
                "curves": _penalty(penalties.curves),
            }
        )
    probabilities = tuple(float(p) for p in predicted)
    return CrossValidation(
        probabilities=probabilities,
        folds=tuple(per_fold),
        auc=_spread([f["auc"] for f in per_fold if f["auc"] is not None]),
        brier=_spread([f["brier"] for f in per_fold if f["brier"] is not None]),
        spearman=_spread([f["spearman"] for f in per_fold if f["spearman"] is not None]),
        reliability=tuple(reliability(probabilities, [o.satisfied for o in items])),
    )


@attrs.frozen(kw_only=True)
class FitReport:
    """What :func:`fit_calibration` produced and measured.

    Attributes:
        model: the fitted calibration, fitted on every observation (write it with
            :meth:`~perception.calibration.CalibrationModel.write`).
        cross_validation: the honest figures, from models fitted without each fold.
        default: the default score's figures on the same outcomes (its score / 100 read
            as a probability, for the Brier score).
        outcomes: how many stated outcomes, and how many of them satisfied.
        satisfied: how many were satisfied.
        accounts: how many accounts they come from.
    """

    model: CalibrationModel
    cross_validation: CrossValidation
    default: Mapping[str, float | None]
    outcomes: int
    satisfied: int
    accounts: int


def fit_calibration(
    observations: Observations, *, folds: int = 5, seed: int = 0, source: str = ""
) -> FitReport:
    """Cross-validate, then fit the calibration on every observation.

    A regularised (L2) logistic regression of "satisfied" on the observations' features
    (:mod:`perception.calibration`), with the regularisation chosen by cross-validation;
    the default-score feature is penalised far less than the others, so the model
    stays close to the default score unless the data says otherwise.

    :param folds: k of the k-fold cross-validation (whole accounts per fold).
    :param seed: which accounts fall in which fold.
    :param source: where the model will be written, for its label.
    :raises PerceptionError: with too few outcomes, or without scikit-learn.
    """
    if folds < 2:
        raise PerceptionError(f"folds must be at least 2, not {folds}")
    validation = cross_validate(observations, folds=folds, seed=seed)
    sk = _sklearn()
    np = sk.np
    items = observations.items
    design = _design(sk, items)
    everything = np.arange(len(items))
    c, penalties = _choose(sk, design, everything, seed, folds=folds)
    intercept, coefficients = _fit(sk, design, everything, c, penalties)
    kept = {n: float(v) for n, v in zip(design.names, coefficients, strict=True) if v != 0.0}
    default_scores = [o.default_score / 100.0 for o in items]
    yes = sum(1 for o in items if o.satisfied)
    metadata = {
        "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "perception": _version(),
        "library": {
            "scikit-learn": sk.version,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "target": TARGET,
        "accounts": observations.accounts,
        "outcomes": len(items),
        "satisfied": yes,
        "features": len(kept),
        "regularisation": {
            "C": c,
            "grid": list(C_GRID),
            "penalty": "l2",
            "subjects": _penalty(penalties.subjects),
            "subjects_grid": [_penalty(p) for p in SUBJECT_PENALTIES],
            "curves": _penalty(penalties.curves),
            "curves_grid": [_penalty(p) for p in CURVE_PENALTIES],
        },
        "cv": {
            "folds": folds,
            "seed": seed,
            "auc": dict(validation.auc),
            "brier": dict(validation.brier),
            "spearman": dict(validation.spearman),
        },
        "default_score": _figures(default_scores, items),
        "reliability": [dict(b) for b in validation.reliability],
    }
    model = CalibrationModel(
        intercept=intercept,
        coefficients=kept,
        scorers=observations.scorers,
        weights=observations.weights,
        metadata=metadata,
        source=source,
    )
    return FitReport(
        model=model,
        cross_validation=validation,
        default=_figures(default_scores, items),
        outcomes=len(items),
        satisfied=yes,
        accounts=observations.accounts,
    )


def _version() -> str:
    from perception import __version__  # noqa: PLC0415  # the package imports this module

    return __version__
