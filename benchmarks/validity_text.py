"""How well the message checks read real messages, against the baselines, in one run.

Prints, on the labelled sets of ``../shared/data`` (or ``$PERCEPTION_SHARED_DATA``):

1. customer-message sentiment (``perception.text.customer_mood``) against nltk's VADER
   (compound >= 0.05 positive, <= -0.05 negative, else neutral): 3-class macro-F1 (over
   the classes each set has; a neutral answer on a two-class set is an error) and
   accuracy, with a paired bootstrap interval of the macro-F1 difference.  Every set was
   used to train the mood model (``benchmarks/train_mood.py``), so the mood's figures are
   out of fold: each text read by a model fitted without it (5 folds over all the sets
   pooled, the regularisation chosen inside each training part; needs scikit-learn,
   ``customer-perception[calibrate]``).  The reading of the rules alone is printed beside
   it.  The VADER gold sets were used to build VADER, so VADER's figures on them measure
   fidelity, not independent accuracy;
2. the acknowledgement evidence (``acknowledgement(...)``, over the reply's first three
   sentences after a greeting, as the check reads it) on ESConv supporter turns
   (acknowledging strategies against the others, each with the seeker's turn before it)
   against the keyword rule of ``emotional_support/baseline.py``; macro-F1 per split and
   on FailedESConv;
3. ``undefined-term`` at acronym level on the held-back acronym sentences (``dev.json``;
   ``train.json`` was used to develop the rules): precision, recall and F1 against the
   naive rule "a token of at least 60% capitals not beside a bracket";
4. the throughput of ``perception.check`` (every built-in check, one process) against
   nltk's VADER ``polarity_scores`` alone, alternating rounds on the same messages: on
   templated messages, on ESConv replies (test split), and on other ESConv replies
   (valid split) after checking the sentiment sets' texts (as a long-running process
   meets new messages after reading many others); and the time of ``check`` on texts of
   growing length.  The objects the earlier sections leave are first moved out of the
   garbage collector's view (``gc.freeze``; ``--no-freeze`` leaves them): a process that
   checks messages does not hold them, and check's caches set off full collections that
   would walk them all.

Run: ``python benchmarks/validity_text.py [--rounds 5] [--quick] [--only throughput] [--no-freeze]``
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import itertools
import random
import statistics
import time
from collections.abc import Callable, Sequence

from _sets import (
    LABELS,
    acronym_sentences,
    data_dir,
    failed_turns,
    macro_f1,
    sentiment_sets,
    supporter_turns,
)

from perception._language import language
from perception._mood import _label, _read
from perception.builtin._match import GREETING
from perception.builtin.checks.acknowledgement import acknowledgement
from perception.config import Config
from perception.engine import check
from perception.mail import author_text
from perception.text import Message, customer_mood, nltk_analyzer

#: A two-class set: the target is VADER's macro-F1 + 0.10; on VADER's own: not below it.
NOT_VADERS = ("sentiment_sentences", "hotel_reviews")


def vader_label(compound: float) -> str:
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def mood_label(text: str) -> str:
    label = customer_mood(text).label
    return "neutral" if label == "unsupported" else label


def bootstrap(
    gold: Sequence[str], a: Sequence[str], b: Sequence[str], reps: int = 200
) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of macro-F1(b) - macro-F1(a) over resamples."""
    rng = random.Random(7)
    n = len(gold)
    diffs = []
    for _ in range(reps):
        idx = [rng.randrange(n) for _ in range(n)]
        g = [gold[i] for i in idx]
        diffs.append(macro_f1(g, [b[i] for i in idx])[0] - macro_f1(g, [a[i] for i in idx])[0])
    diffs.sort()
    return diffs[int(0.025 * reps)], diffs[int(0.975 * reps) - 1]


def rules_label(text: str) -> str:
    """The reading of the rules alone (VADER adjusted by the cues), without the model."""
    read = Message(author_text(text).masked())
    if not language(read.text).supported:
        return "neutral"
    return _label(_read(read)[1])[0]


def sentiment(quick: bool) -> None:
    print("== 1. Customer-message sentiment (3 classes) against nltk VADER")
    sets = sentiment_sets()
    if quick:
        sets = {k: v[:600] for k, v in sets.items()}
    nltk = nltk_analyzer()
    try:
        import train_mood  # noqa: PLC0415  # needs scikit-learn

        corpus = train_mood.Corpus(sets)
        print("cross-validating the mood model (5 folds, C chosen inside each) ...")
        found, chosen = train_mood.out_of_fold(corpus)
        print(f"C chosen in the folds: {chosen}")
    except ImportError:
        corpus, found = None, {}
        print("(cross-validation skipped: pip install 'customer-perception[calibrate]';")
        print(" the 'mood' column is then in sample: the model was trained on these texts)")
    print(
        "The mood model was trained on all of these sets (benchmarks/train_mood.py): 'mood'"
        " is out of fold,\nread by a model fitted without the text; 'rules' is the reading"
        " without the model."
    )
    print(
        f"{'set':22s} {'texts':>6s} {'VADER F1':>8s} {'acc':>6s} {'rules F1':>8s}"
        f" {'mood F1':>8s} {'acc':>6s} {'diff [95% CI]':>22s}  target"
    )
    at = 0
    for name, rows in sets.items():
        gold = [label for _, label in rows]
        vader = [vader_label(nltk.polarity_scores(text)["compound"]) for text, _ in rows]
        rules = [rules_label(text) for text, _ in rows]
        if corpus is not None:
            mood = [found[at + i] for i in range(len(rows))]
        else:
            mood = [mood_label(text) for text, _ in rows]
        at += len(rows)
        v_f1, v_acc = macro_f1(gold, vader)
        r_f1, _ = macro_f1(gold, rules)
        m_f1, m_acc = macro_f1(gold, mood)
        low, high = bootstrap(gold, vader, mood)
        goal = v_f1 + 0.10 if name in NOT_VADERS else v_f1
        verdict = "met" if m_f1 >= goal else "NOT met"
        print(
            f"{name:22s} {len(rows):6d} {v_f1:8.3f} {v_acc:6.3f} {r_f1:8.3f} {m_f1:8.3f}"
            f" {m_acc:6.3f} {m_f1 - v_f1:+7.3f} [{low:+.3f}, {high:+.3f}]  >= {goal:.3f} {verdict}"
        )


def _keyword_rule() -> Callable[[str], bool]:
    path = data_dir() / "emotional_support" / "baseline.py"
    spec = importlib.util.spec_from_file_location("esconv_baseline", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pattern = module.ACK_PATTERN
    return lambda text: pattern.search(text) is not None


def acknowledges(reply: str, seeker: str, within: int = 3) -> bool:
    """The check's reading: evidence in the first *within* sentences after a greeting."""
    message = Message(reply)
    sentences = message.sentences
    first = sentences[0] if sentences else None
    skip = (
        1
        if first is not None
        and first.end - first.start <= 60
        and GREETING.match(message.slice(first)) is not None
        else 0
    )
    window = sentences[: skip + within]
    end = window[-1].end if window else len(reply)
    return acknowledgement(message, seeker, end=end).acknowledges


def acknowledgement_figures(quick: bool) -> None:
    print("\n== 2. Acknowledgement on ESConv (acknowledging strategies against the others)")
    keyword = _keyword_rule()
    sets = {s: supporter_turns((s,)) for s in ("train", "valid", "test")}
    sets["FailedESConv"] = failed_turns()
    print(f"{'set':14s} {'turns':>6s} {'keyword F1':>10s} {'ours F1':>8s} {'diff':>7s}  target")
    read: dict[str, list[tuple[str, bool, bool, str]]] = {}
    for name, every in sets.items():
        rows = every[:1500] if quick else every
        gold = ["ack" if r["acknowledges"] == "1" else "other" for r in rows]
        base = ["ack" if keyword(r["supporter_text"]) else "other" for r in rows]
        ours = [
            "ack" if acknowledges(r["supporter_text"], r["seeker_before"]) else "other"
            for r in rows
        ]
        read[name] = [
            (r.get("strategy", "") or "", o == "ack", b == "ack", g)
            for r, o, b, g in zip(rows, ours, base, gold, strict=True)
        ]
        k_f1 = macro_f1(gold, base)[0]
        o_f1 = macro_f1(gold, ours)[0]
        verdict = "met" if o_f1 >= k_f1 + 0.10 else "NOT met"
        print(
            f"{name:14s} {len(rows):6d} {k_f1:10.3f} {o_f1:8.3f} {o_f1 - k_f1:+7.3f}"
            f"  >= {k_f1 + 0.10:.3f} {verdict}"
        )
    by_strategy(read)


def by_strategy(read: dict[str, list[tuple[str, bool, bool, str]]]) -> None:
    """The share of each strategy's replies read as acknowledging, ours and the keyword
    rule's (where the two differ from the labels, and why), and the macro-F1 without the
    self-disclosure turns, which the check counts by its definition ("I have been there")
    and the labels do not: a diagnostic, not the target."""
    print("share read as acknowledging, by the reply's labelled strategy (ours / keyword):")
    names = list(read)
    print(f"  {'strategy':30s} " + " ".join(f"{n:>18s}" for n in names))
    strategies = sorted({row[0] for rows in read.values() for row in rows if row[0]})
    for strategy in strategies:
        cells = []
        for name in names:
            rows = [(o, b) for s, o, b, _ in read[name] if s == strategy]
            if not rows:
                cells.append(f"{'-':>18s}")
                continue
            ours = sum(o for o, _ in rows) / len(rows)
            base = sum(b for _, b in rows) / len(rows)
            cells.append(f"{ours:.2f} / {base:.2f} ({len(rows):4d})")
        print(f"  {strategy:30s} " + " ".join(f"{c:>18s}" for c in cells))
    print("without the Self-disclosure turns (diagnostic, not the target): keyword F1 / ours F1")
    for name in names:
        kept = [row for row in read[name] if row[0] != "Self-disclosure"]
        gold = [g for _, _, _, g in kept]
        k_f1 = macro_f1(gold, ["ack" if b else "other" for _, _, b, _ in kept])[0]
        o_f1 = macro_f1(gold, ["ack" if o else "other" for _, o, _, _ in kept])[0]
        print(f"  {name:14s} {len(kept):6d} {k_f1:10.3f} {o_f1:8.3f} {o_f1 - k_f1:+7.3f}")


_GAP = {"(", ",", ":", "-", "or", "is", "=", "/", "\u2013", "["}


def _core(term: str) -> str:
    return term[:-1] if len(term) > 2 and term.endswith("s") and term[-2].isupper() else term


def undefined_gold(tokens: list[str], labels: list[str]) -> set[str]:
    """The short forms of a sentence with no long form beside them (in brackets, or after
    a comma, colon, dash or 'or'), whose first letters agree."""
    shorts: list[tuple[str, int, int]] = []
    longs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        kind = labels[i]
        if kind in {"B-short", "B-long"}:
            j = i + 1
            while j < len(tokens) and labels[j] == "I-" + kind[2:]:
                j += 1
            if kind == "B-short":
                shorts.append((" ".join(tokens[i:j]), i, j))
            else:
                longs.append((i, j))
            i = j
            continue
        i += 1
    defined = set()
    for term, a, b in shorts:
        first = next((c.lower() for c in term if c.isalnum()), "")
        for la, lb in longs:
            if next((c.lower() for c in tokens[la] if c.isalnum()), "") != first:
                continue
            before, after = tokens[lb:a], tokens[b:la]
            if (lb <= a and len(before) <= 1 and all(t in _GAP for t in before)) or (
                b <= la and len(after) <= 1 and all(t in _GAP for t in after)
            ):
                defined.add(term)
    return {_core(t) for t, _, _ in shorts if t not in defined}


def naive(tokens: list[str]) -> set[str]:
    found = set()
    for i, token in enumerate(tokens):
        letters = [c for c in token if c.isalpha()]
        upper = sum(c.isupper() for c in letters)
        if upper >= 2 and upper / len(letters) >= 0.6:
            before = tokens[i - 1] if i else ""
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if before != "(" and after != ")":
                found.add(_core(token))
    return found


def flagged(text: str, config: Config | None) -> set[str]:
    report = check(text, config=config, author_only=False)
    return {
        _core(f.terms[0])
        for f in report.findings
        if f.check == "undefined-term" and f.severity.value != "info" and f.terms
    }


def prf(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float, float]:
    tp = sum(len(p & g) for p, g in pairs)
    fp = sum(len(p - g) for p, g in pairs)
    fn = sum(len(g - p) for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if tp else 0.0)


def acronym_figures(quick: bool) -> None:
    print("\n== 3. undefined-term at acronym level, held-back acronym sentences (dev.json)")
    records = acronym_sentences("dev")[: 400 if quick else None]
    items = []
    for record in records:
        tokens = [str(t) for t in record["tokens"]]  # type: ignore[attr-defined]
        labels = [str(t) for t in record["labels"]]  # type: ignore[attr-defined]
        items.append((" ".join(tokens), tokens, undefined_gold(tokens, labels)))
    known = Config(options={"undefined-term": {"flag_widely_known": True}})
    rows = [
        ("naive rule", [(naive(t), g) for _, t, g in items]),
        ("undefined-term (defaults)", [(flagged(s, None), g) for s, _, g in items]),
        ("undefined-term (flag_widely_known)", [(flagged(s, known), g) for s, _, g in items]),
    ]
    gold_count = sum(len(g) for _, _, g in items)
    print(f"{len(items)} sentences, {gold_count} undefined acronyms (gold); target F1 >= 0.75")
    for name, pairs in rows:
        p, r, f = prf(pairs)
        print(f"  {name:36s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")


def _forget() -> None:
    """Forget what was kept of the sentences read so far (their sentiment, their words
    and syllables), so that each round reads its texts afresh.  Each cache is absent from
    the versions before it."""
    from perception import text as text_module  # noqa: PLC0415
    from perception.builtin.checks import readability  # noqa: PLC0415

    getattr(text_module, "_SENTENCES", {}).clear()
    counts = getattr(readability, "_cached_counts", None)
    if counts is not None:
        counts.cache_clear()


def _rounds(label: str, messages: Sequence[str], rounds: int) -> None:
    """nltk VADER and ``check`` on *messages*, in alternating rounds, on CPU time."""
    nltk = nltk_analyzer()
    for text in messages[:200]:
        check(text)
        nltk.polarity_scores(text)
    best = {"nltk": float("inf"), "check": float("inf")}
    ratios = []
    for _ in range(rounds):
        start = time.process_time()
        for text in messages:
            nltk.polarity_scores(text)
        nltk_time = time.process_time() - start
        _forget()
        start = time.process_time()
        for text in messages:
            check(text)
        check_time = time.process_time() - start
        best["nltk"] = min(best["nltk"], nltk_time)
        best["check"] = min(best["check"], check_time)
        ratios.append(nltk_time / check_time)
    count = len(messages)
    print(f"{label}: {count} messages, {sum(map(len, messages)) / count:.0f} characters on average")
    print(f"  nltk VADER polarity_scores   {count / best['nltk']:8,.0f} msgs/s (best round)")
    print(f"  perception.check, all checks {count / best['check']:8,.0f} msgs/s (best round)")
    print(
        f"  check / nltk VADER: best {best['nltk'] / best['check']:.2f}x; per round "
        f"{', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f}x, "
        f"spread {min(ratios):.2f}-{max(ratios):.2f}  (target >= 1.5x)"
    )


def throughput(rounds: int, quick: bool, freeze: bool = True) -> None:
    print("\n== 4. Throughput on one core: check against nltk VADER alone (CPU time)")
    gc.collect()
    if freeze:
        # The sections before leave the benchmark's own objects (the sets, the models,
        # scikit-learn's modules): a process that checks messages does not hold them, and
        # every full collection that check's caches set off would walk them all.
        gc.freeze()
        print(
            f"  ({gc.get_freeze_count():,} objects held by the earlier sections moved out of "
            "the collector's view)"
        )
    else:
        held = len(gc.get_objects())
        print(f"  ({held:,} objects held by the earlier sections, left in the collector's view)")
    try:
        _throughput(rounds, quick)
    finally:
        if freeze:
            gc.unfreeze()


def _throughput(rounds: int, quick: bool) -> None:
    from check import build_messages  # noqa: PLC0415  # benchmarks/check.py

    messages = build_messages(1000 if quick else 4000, 13)
    _rounds("benchmarks/check.py's templates", messages, rounds)
    replies = [row["supporter_text"] for row in supporter_turns(("test",))]
    replies = replies[: 1000 if quick else 4000]
    _rounds("ESConv replies (written by people)", replies, rounds)
    # A long-running process (a server, the language server, a day of checks) meets new
    # replies after reading many other texts: its word caches are full of their words.
    seen = [text for rows in sentiment_sets().values() for text, _ in rows]
    seen = seen[: 2000 if quick else None]
    for text in seen:
        check(text)
    words = len({word for text in seen for word in text.split()})
    later = [row["supporter_text"] for row in supporter_turns(("valid",))]
    _rounds(
        f"ESConv replies of the valid split, after checking {len(seen):,} other texts "
        f"({words:,} distinct words)",
        later[: 1000 if quick else 4000],
        rounds,
    )
    base = " ".join(messages[:60])
    sizes = [10_000, 20_000, 40_000, 80_000]
    times = []
    for size in sizes:
        text = (base * (size // len(base) + 1))[:size]
        spent = []
        for _ in range(3):
            _forget()
            start = time.process_time()
            check(text)
            spent.append(time.process_time() - start)
        times.append(min(spent))
    growth = ", ".join(f"{b / a:.2f}" for a, b in itertools.pairwise(times))
    print(
        f"  check time (best of 3) on {', '.join(f'{s:,}' for s in sizes)} characters: "
        f"{', '.join(f'{t * 1000:.0f} ms' for t in times)}; growth per doubling {growth} "
        "(2.0 is linear)"
    )


#: The sections of the benchmark, in the order they run (``--only`` picks some).
_SECTIONS: dict[str, Callable[[argparse.Namespace], None]] = {
    "sentiment": lambda args: sentiment(args.quick),
    "acknowledgement": lambda args: acknowledgement_figures(args.quick),
    "acronyms": lambda args: acronym_figures(args.quick),
    "throughput": lambda args: throughput(args.rounds, args.quick, not args.no_freeze),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds")
    parser.add_argument("--quick", action="store_true", help="a sample of each set")
    parser.add_argument(
        "--only",
        choices=sorted(_SECTIONS),
        action="append",
        help="run only this section (may be given more than once; default: all)",
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="time the throughput with the earlier sections' objects in the collector's view",
    )
    args = parser.parse_args()
    assert LABELS
    for name, run in _SECTIONS.items():
        if args.only is None or name in args.only:
            run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
