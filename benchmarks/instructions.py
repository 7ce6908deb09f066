"""Instructions per message and per account, this checkout against a baseline: no noise.

Timing on a shared machine swings by 10-20% from one run to the next, which hides a
slowdown of a few percent.  The number of instructions the interpreter executes does not
swing: ``valgrind --tool=callgrind`` counts them, the same total for the same program and
input whatever else the machine is doing (each run gets the same hash seed,
``PYTHONHASHSEED=0`` unless one is set, so that sets of strings are walked in the same
order).  This script runs each workload under callgrind twice per side, with a small and a
large amount of work, and takes the difference, so that start-up (imports, loading the
lexicon and the word lists) cancels out:

    per item = (count with N_large items - count with N_small items) / (N_large - N_small)

Workloads (identical for both sides, generated with fixed seeds):

* ``check``: ``perception.check`` on the realistic messages of ``benchmarks/check.py``;
* ``replies``: ``perception.check`` on ESConv's supporter replies, written by people
  (the test split of the shared data; ``PERCEPTION_SHARED_DATA`` names its folder);
* ``assess``: ``perception.assess`` of synthetic accounts of 50 interactions each
  (``benchmarks/assess.py``), parsed before the counted part starts to matter.

Instructions are not seconds (a cache miss costs more than an add), but for two versions of
the same pure-Python code they track time closely, and a difference of 1% is real.
Requires valgrind (Debian: ``apt-get install valgrind``); about 5 minutes.

Run: ``python benchmarks/instructions.py --baseline-python /path/to/old/venv/bin/python``
``[--workloads check,replies,assess] [--messages 200,1200] [--accounts 10,90]``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
from check import build_messages
import perception
n = int(sys.argv[2])
texts = [t if isinstance(t, str) else t[0] for t in build_messages(1200, 1)][:n]
perception.check("Warm up: the SLA. We will go on Friday. You failed to.")
for text in texts:
    perception.check(text)
"""

_REPLIES = """
import sys
sys.path.insert(0, sys.argv[1])
from _sets import supporter_turns
import perception
n = int(sys.argv[2])
texts = [row["supporter_text"] for row in supporter_turns(("test",))][:n]
perception.check("Warm up: the SLA. We will go on Friday. You failed to.")
for text in texts:
    perception.check(text)
"""

_ASSESS = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from assess import AS_OF, write_portfolio
import perception
from perception.io import iter_accounts
n = int(sys.argv[2])
folder = Path(tempfile.mkdtemp())
write_portfolio(folder / "warm.jsonl", 5, 50, seed=7)
write_portfolio(folder / "portfolio.jsonl", 90, 50, seed=11)
for account in iter_accounts(folder / "warm.jsonl"):
    perception.assess(account, as_of=AS_OF)
accounts = list(iter_accounts(folder / "portfolio.jsonl"))[:n]
for account in accounts:
    perception.assess(account, as_of=AS_OF)
"""

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def count(python: str, program: str, benchmarks: Path, items: int) -> int:
    """Instructions executed by *program* under *python* with *items* items of work."""
    with tempfile.TemporaryDirectory() as folder:
        # one hash seed for every run: with a random one, the order of sets and dicts of
        # strings differs from run to run, and so does the count (by a few percent); and
        # one thread for the numerical libraries: a BLAS thread that waits by spinning
        # executes instructions for as long as the run lasts (up to 20% of a count)
        env = {
            "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            **os.environ,
            "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/out",
                python,
                "-c",
                program,
                str(benchmarks),
                str(items),
            ],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    found = _COLLECTED.search(result.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{result.stderr}")
    return int(found.group(1))


def per_item(python: str, program: str, benchmarks: Path, small: int, large: int) -> float:
    """Instructions per item of work, start-up cancelled out."""
    return (
        count(python, program, benchmarks, large) - count(python, program, benchmarks, small)
    ) / (large - small)


def _pair(text: str) -> tuple[int, int]:
    small, large = (int(part) for part in text.split(","))
    if not 0 <= small < large:
        raise argparse.ArgumentTypeError("give two counts, the smaller first: 200,1200")
    return small, large


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-python", required=True, help="interpreter of the baseline")
    parser.add_argument(
        "--baseline-benchmarks",
        type=Path,
        default=HERE,
        help="the baseline's benchmarks folder, if its generators differ (default: this one)",
    )
    parser.add_argument("--workloads", default="check,assess")
    parser.add_argument("--messages", type=_pair, default=(200, 1200))
    parser.add_argument("--accounts", type=_pair, default=(10, 90))
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    work = {
        "check": (_CHECK, args.messages, "message"),
        "replies": (_REPLIES, args.messages, "message"),
        "assess": (_ASSESS, args.accounts, "account"),
    }
    for name in args.workloads.split(","):
        program, (small, large), unit = work[name]
        this = per_item(sys.executable, program, HERE, small, large)
        base = per_item(args.baseline_python, program, args.baseline_benchmarks, small, large)
        print(
            f"{name:<7} this {this / 1e6:8.3f} M instructions/{unit}  "
            f"baseline {base / 1e6:8.3f} M  ratio {this / base:.3f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
