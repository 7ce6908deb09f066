"""The cost of the ``acknowledgement`` check inside ``check``, this checkout against a revision.

Runs ``perception.check`` on the messages of ``benchmarks/check.py``, each as a reply to
the benchmark's unhappy inbound message (so the acknowledgement check runs on every
message), in alternating rounds: once with this checkout's ``AcknowledgementCheck.check``
and once with the one of the baseline revision (read with ``git show`` and loaded beside
it; every other check is this checkout's).  It prints CPU time per message for each round,
the best and median of each side, and the ratio per round pair.  It also counts the
acknowledgement findings of both sides on the same messages.

With ``--evidence N`` it times the evidence alone instead: ``acknowledgement(...)`` over
the whole of each of the first *N* ESConv ``train`` supporter turns, with the seeker's
turn before it (needs ``../shared/data`` or ``$PERCEPTION_SHARED_DATA``), both sides
alternating in the same way, and counts the replies each side finds acknowledging.

Run: ``python benchmarks/acknowledgement_speed.py [--baseline 3dedcea] [--messages 3000]
[--rounds 10] [--evidence 6000]``
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from check import INBOUND, build_messages

from perception import check
from perception.builtin.checks import acknowledgement as current
from perception.model import Direction, Interaction
from perception.text import Message

HERE = Path(__file__).resolve().parent
MODULE = "src/perception/builtin/checks/acknowledgement.py"


def baseline_module(revision: str, folder: Path) -> ModuleType:
    """The acknowledgement module as it was at *revision*."""
    source = subprocess.run(
        ["git", "show", f"{revision}:{MODULE}"],
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = folder / "acknowledgement_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("acknowledgement_baseline", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(times: dict[str, list[float]], what: str) -> None:
    """Best and median of each side, and the ratio of each round pair."""
    for side, values in times.items():
        print(
            f"{what}, {side:13s}: CPU µs best {min(values):6.1f} median "
            f"{statistics.median(values):6.1f}; rounds {' '.join(f'{v:.1f}' for v in values)}"
        )
    ratios = [a / b for a, b in zip(times["this checkout"], times["baseline"], strict=True)]
    print(
        "this checkout / baseline per round: "
        + " ".join(f"{r:.3f}" for r in ratios)
        + f"; median {statistics.median(ratios):.3f}, best/best "
        f"{min(times['this checkout']) / min(times['baseline']):.3f}"
    )


def alternate(run: Callable[[str], float], sides: list[str], rounds: int) -> dict[str, list[float]]:
    """Each side's time per round, the order of the sides swapped every round."""
    for side in sides:  # warm up both sides
        run(side)
    times: dict[str, list[float]] = {side: [] for side in sides}
    for round_ in range(rounds):
        for side in sides if round_ % 2 == 0 else list(reversed(sides)):
            times[side].append(run(side))
    return times


def evidence(old: ModuleType, count: int, rounds: int) -> None:
    """The evidence of whole ESConv replies, each side alternating."""
    from _sets import supporter_turns  # noqa: PLC0415  # needs the shared data

    turns = [(r["supporter_text"], r["seeker_before"]) for r in supporter_turns(("train",))]
    turns = turns[:count]
    sides: dict[str, Callable[..., Any]] = {
        "baseline": old.acknowledgement,
        "this checkout": current.acknowledgement,
    }
    for side, read in sides.items():
        found = sum(read(Message(reply), seeker).acknowledges for reply, seeker in turns)
        print(f"{side}: {found} of {len(turns)} replies acknowledge")

    def run(side: str) -> float:
        read = sides[side]
        start = time.process_time()
        for reply, seeker in turns:
            read(Message(reply), seeker)
        return (time.process_time() - start) / len(turns) * 1e6

    report(alternate(run, list(sides), rounds), "acknowledgement() per reply")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="3dedcea", help="git revision to compare with")
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--evidence",
        type=int,
        metavar="N",
        help="time acknowledgement() on the first N ESConv train replies instead of check",
    )
    args = parser.parse_args()
    if args.evidence is not None:
        with tempfile.TemporaryDirectory() as folder:
            evidence(baseline_module(args.baseline, Path(folder)), args.evidence, args.rounds)
        return 0
    texts = [t if isinstance(t, str) else t[0] for t in build_messages(args.messages, 13)]
    reply_to = Interaction(
        id="in-1",
        at=datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
        direction=Direction.INBOUND,
        text=INBOUND[0],
    )
    with tempfile.TemporaryDirectory() as folder:
        old = baseline_module(args.baseline, Path(folder))
    sides: dict[str, Callable[..., object]] = {
        "baseline": old.AcknowledgementCheck.check,
        "this checkout": current.AcknowledgementCheck.check,
    }

    def use(side: str) -> None:
        current.AcknowledgementCheck.check = sides[side]  # type: ignore[method-assign]

    def run(side: str) -> float:
        use(side)
        start = time.process_time()
        for text in texts:
            check(text, recipient="Dana Lee", reply_to=reply_to)
        return (time.process_time() - start) / len(texts) * 1e6

    for side in sides:
        use(side)
        flagged = sum(
            any(f.check == "acknowledgement" for f in check(t, reply_to=reply_to).findings)
            for t in texts
        )
        print(f"{side}: {flagged} of {len(texts)} messages get an acknowledgement finding")
    times = alternate(run, list(sides), args.rounds)
    use("this checkout")
    report(times, "check per message")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
