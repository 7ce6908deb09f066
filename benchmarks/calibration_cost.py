"""What applying a calibration costs in ``assess``: instructions per account, no noise.

Timing on a shared machine swings by 10-20% between runs, more than the cost being
measured.  This script counts the instructions the interpreter executes (``valgrind
--tool=callgrind``), which do not swing, for ``perception.assess`` of the accounts of
``benchmarks/validity_outcome.py``'s data sets, without and with a calibration fitted on
the same accounts (``perception.calibrate.fit_calibration``, 5 folds, seed 0).  Each count
is taken with a small and a large number of accounts and the difference divided by the
difference in accounts, so that start-up (imports, reading the accounts and the model)
cancels out.  With ``--baseline-src`` the same workloads run against another checkout's
``src`` folder (put first on ``sys.path``), so that a change is measured in one run; each
side applies a calibration fitted by its own code on the same accounts (a file of a
newer version would be refused by the older code).

Run: ``python benchmarks/calibration_cost.py [--baseline-src /path/to/old/src]``
``[--sets hotel,bank,generated] [--accounts 20 120]``

Requires valgrind (Debian: ``apt-get install valgrind``) and the calibrate extra; reads
``../shared/data`` like ``validity_outcome.py``.  A few minutes per data set.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import validity_outcome  # noqa: E402  # the data sets, read the same way

from perception.io import write_jsonl  # noqa: E402

#: The program counted: assess *n* accounts after a few for warming up.
_PROGRAM = """
import sys
if sys.argv[1]:
    sys.path.insert(0, sys.argv[1])
from datetime import datetime, timezone
import perception
from perception.calibration import load_calibration
from perception.config import Config
from perception.io import iter_accounts
folder, mode, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
accounts = list(iter_accounts(folder + "/accounts.jsonl"))
model = load_calibration(sys.argv[5]) if mode == "with" else None
config = Config(calibration=model)
as_of = datetime(2026, 6, 1, tzinfo=timezone.utc)
for account in accounts[:5]:
    perception.assess(account, as_of=as_of, config=config)
for account in accounts[5 : 5 + n]:
    perception.assess(account, as_of=as_of, config=config)
"""

#: The calibration each side applies, fitted by that side's code on every account.
_FIT = """
import sys
if sys.argv[1]:
    sys.path.insert(0, sys.argv[1])
from perception.calibrate import collect_observations, fit_calibration
from perception.io import iter_accounts
accounts = list(iter_accounts(sys.argv[2]))
fitted = fit_calibration(collect_observations(accounts), folds=5, seed=0)
fitted.model.write(sys.argv[3])
print(len(fitted.model.coefficients))
"""

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")

SETS: dict[str, Callable[[], validity_outcome.Case]] = {
    "hotel": lambda: validity_outcome.hotel(text=False),
    "hotel-text": lambda: validity_outcome.hotel(text=True),
    "bank": validity_outcome.bank,
    "generated": lambda: validity_outcome.generated(text=False),
    "generated-words": lambda: validity_outcome.generated(text=True),
}


def count(src: str, folder: Path, mode: str, accounts: int) -> int:
    """Instructions executed assessing *accounts* accounts (plus start-up)."""
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}/out",
                sys.executable,
                "-c",
                _PROGRAM,
                src,
                str(folder),
                mode,
                str(accounts),
                str(model_path(folder, src)),
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONHASHSEED": "0"},
        )
    found = _COLLECTED.search(result.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{result.stderr}")
    return int(found.group(1))


def per_account(src: str, folder: Path, mode: str, small: int, large: int) -> float:
    """Instructions per account, start-up cancelled out."""
    return (count(src, folder, mode, large) - count(src, folder, mode, small)) / (large - small)


def model_path(folder: Path, src: str) -> Path:
    """Where the calibration of the side whose code is in *src* is written."""
    return folder / ("model-baseline.json" if src else "model.json")


def prepare(name: str, folder: Path, large: int, sources: list[str]) -> dict[str, str]:
    """Write the data set's accounts into *folder* and, for each side's ``src`` in
    *sources*, a calibration fitted by that side's code on all of them; per side, how
    many features it has."""
    case = SETS[name]()
    write_jsonl(case.accounts, folder / "all.jsonl")
    write_jsonl(case.accounts[: large + 5], folder / "accounts.jsonl")
    features: dict[str, str] = {}
    for src in sources:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                _FIT,
                src,
                str(folder / "all.jsonl"),
                str(model_path(folder, src)),
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD": "1"},
        )
        features[src] = f"{result.stdout.strip()} features"
    return features


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-src", help="another checkout's src folder to compare")
    parser.add_argument("--sets", default="hotel,bank,generated", help=", ".join(SETS))
    parser.add_argument(
        "--accounts", type=int, nargs=2, default=(20, 120), metavar=("SMALL", "LARGE")
    )
    args = parser.parse_args()
    small, large = args.accounts
    if not 0 <= small < large:
        parser.error("--accounts: give two counts, the smaller first: 20 120")
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    sides = [("this", "")] + ([("baseline", args.baseline_src)] if args.baseline_src else [])
    print(f"instructions per account (M): assessing {large} accounts minus assessing {small}")
    for name in args.sets.split(","):
        with tempfile.TemporaryDirectory() as folder:
            about = prepare(name, Path(folder), large, [src for _, src in sides])
            for side, src in sides:
                without = per_account(src, Path(folder), "without", small, large)
                with_ = per_account(src, Path(folder), "with", small, large)
                print(
                    f"{name:<16} {side:<9} without {without / 1e6:7.3f}  with calibration "
                    f"({about[src]}) {with_ / 1e6:7.3f}  slower by {with_ / without - 1.0:+.1%}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
