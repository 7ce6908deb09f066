"""One-core speed of this checkout against another installation, side by side in one run.

For a change that must not slow anything down ("no slowdown beyond 5% on one core"), the
same work is timed under two Python interpreters, alternately, round after round: this
checkout's (the interpreter running this script) and a *baseline*'s (an interpreter whose
environment has the previous version installed, for example a virtual environment made
from a checkout of the previous main).  Alternating rounds spreads the noise of a shared
machine over both sides; the script prints every round, the median of each side, and the
ratio of the medians with its spread (the lowest and highest per-round ratio).

Workloads, identical for both sides (generated here, once, with fixed seeds):

* ``check``: ``perception.check`` with every built-in check on realistic messages
  (the templates of ``benchmarks/check.py``);
* ``assess``: ``perception.assess`` of synthetic accounts of 50 interactions each (the
  generator of ``benchmarks/assess.py``), read with ``perception.io.iter_accounts``.

Both use only the top-level API, which both versions share.  Each side warms up (loads
the lexicon and word lists) before it is timed.

Run: ``python benchmarks/compare.py --baseline-python /path/to/old/venv/bin/python``
``[--rounds 5] [--messages 4000] [--accounts 300]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from assess import AS_OF, write_portfolio
from check import build_messages

_WORKER = """
import json, sys, time
from perception import assess, check
from perception.io import iter_accounts
from datetime import datetime

messages = json.load(open(sys.argv[1], encoding="utf-8"))
accounts = list(iter_accounts(sys.argv[2]))
as_of = datetime.fromisoformat(sys.argv[3])
for text in messages[:200]:
    check(text)
for account in accounts[:20]:
    assess(account, as_of=as_of)
start = time.perf_counter()
for text in messages:
    check(text)
check_rate = len(messages) / (time.perf_counter() - start)
start = time.perf_counter()
for account in accounts:
    assess(account, as_of=as_of)
assess_rate = len(accounts) / (time.perf_counter() - start)
print(json.dumps({"check": check_rate, "assess": assess_rate}))
"""


def run_side(python: str, messages: Path, portfolio: Path) -> dict[str, float]:
    """One timed round in *python*: messages/s of ``check`` and accounts/s of ``assess``."""
    # The built-in plugins only, on both sides: installed plugins are not what is compared.
    env = {**os.environ, "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run(
        [python, "-c", _WORKER, str(messages), str(portfolio), AS_OF.isoformat()],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-python", required=True, help="interpreter of the baseline")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--accounts", type=int, default=300)
    args = parser.parse_args()
    sides = {"this": sys.executable, "baseline": args.baseline_python}
    with tempfile.TemporaryDirectory() as folder:
        messages = Path(folder) / "messages.json"
        messages.write_text(json.dumps(build_messages(args.messages, seed=7)), encoding="utf-8")
        portfolio = Path(folder) / "portfolio.jsonl"
        write_portfolio(portfolio, args.accounts, 50)
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
        print(f"{'round':>5}  {'side':<8}  {'check msgs/s':>12}  {'assess accounts/s':>17}")
        for number in range(1, args.rounds + 1):
            order = list(sides) if number % 2 else list(reversed(sides))
            for name in order:
                figures = run_side(sides[name], messages, portfolio)
                rounds[name].append(figures)
                print(
                    f"{number:>5}  {name:<8}  {figures['check']:>12.0f}  {figures['assess']:>17.1f}"
                )
    print()
    for workload in ("check", "assess"):
        this = [r[workload] for r in rounds["this"]]
        base = [r[workload] for r in rounds["baseline"]]
        ratios = [a / b for a, b in zip(this, base, strict=True)]
        print(
            f"{workload:<6}  this {statistics.median(this):8.1f}/s  "
            f"baseline {statistics.median(base):8.1f}/s  "
            f"ratio of medians {statistics.median(this) / statistics.median(base):.3f}x  "
            f"(per round {min(ratios):.3f}x to {max(ratios):.3f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
