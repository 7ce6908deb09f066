"""Whether this checkout's message reports are the same as a baseline's, text by text.

A change made for speed must not change what ``check`` reports.  This script builds one
corpus (every text of every labelled set of the shared data, the templated messages of
``benchmarks/check.py``, the e-mails of the mail corpus and the package's examples, and
generated hostile strings), has both interpreters (this checkout's, the one running this
script, and a *baseline*'s) write every report of it, and compares them line by line:

* the report of ``perception.check``: the length, the message's and each sentence's
  sentiment, every finding (check, severity, span, message, suggestion, edits, terms,
  data), the failures, the silenced and the not applicable checks;
* for texts that have one, the report with the message answered (an inbound
  interaction: the seeker's turn of ESConv, the customer message of the templates);
* the mood of the text (``Message.mood``) and the customer's mood
  (``perception.text.customer_mood``: label, score, language and cues).

Every text is checked once in corpus order, then every seventh text a second time, so
that both the first reading and the reading from the warm caches are compared.

Run: ``python benchmarks/same_reports.py --baseline-python /path/to/old/venv/bin/python``
``[--limit N] [--show 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from _sets import (
    acronym_sentences,
    data_dir,
    failed_turns,
    sentiment_sets,
    supporter_turns,
)
from check import INBOUND, build_messages
from mail_split import CORPUS, tomllib

ROOT = Path(__file__).resolve().parent.parent

#: One item of the corpus: (set name, text, the text of the message answered or "").
Item = tuple[str, str, str]

_WORKER = r"""
import enum, json, sys
from datetime import datetime, timezone
import attrs
import perception
from perception.model import Direction, Interaction
from perception.text import customer_mood, message

def plain(value):
    if attrs.has(type(value)):
        return {f.name: plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, float):
        return repr(value)
    return value

def reports(item):
    name, text, answered = item
    out = {"check": plain(perception.check(text))}
    if answered:
        reply_to = Interaction(
            id="in-1",
            at=datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
            direction=Direction.INBOUND,
            text=answered,
        )
        out["reply"] = plain(perception.check(text, reply_to=reply_to, recipient="Dana Lee"))
    out["mood"] = repr(message(text).mood)
    out["customer"] = plain(customer_mood(text))
    return out

items = json.loads(open(sys.argv[1], encoding="utf-8").read())
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for item in [*items, *items[::7]]:
        try:
            line = reports(item)
        except Exception as exc:
            line = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(line, sort_keys=True, ensure_ascii=True) + "\n")
"""


def _labelled() -> Iterator[Item]:
    for name, rows in sentiment_sets().items():
        for text, _ in rows:
            yield name, text, ""
    for row in supporter_turns():
        yield "esconv", row["supporter_text"], row["seeker_before"]
        yield "esconv seeker", row["seeker_before"], ""
    for row in failed_turns():
        yield "failed esconv", row["supporter_text"], row["seeker_before"]
    for split in ("dev", "train"):
        for sentence in acronym_sentences(split):
            tokens = sentence["tokens"]
            assert isinstance(tokens, list)
            yield f"acronyms {split}", " ".join(map(str, tokens)), ""


def _files() -> Iterator[Item]:
    folder = data_dir()
    for path in sorted(folder.rglob("*")):
        if path.suffix in {".md", ".txt", ".yml"} and path.stat().st_size < 200_000:
            text = path.read_text(encoding="utf-8", errors="replace")
            yield f"file {path.parent.name}", text, ""
            for paragraph in text.split("\n\n")[:400]:
                yield f"paragraphs {path.parent.name}", paragraph, ""
    for name in ("plain_language/plainlanguage_gov_simple_words.csv",):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            yield "plain words", line.replace(",", " "), ""
    essays = (folder / "empathic_reactions" / "messages.csv").read_text(encoding="utf-8")
    for line in essays.splitlines()[1:]:
        yield "empathic essays", line.rsplit('","', 1)[-1].strip('"'), ""
    for line in (folder / "writing_lists" / "lists_extracted.csv").read_text().splitlines():
        yield "writing lists", line.replace(",", " "), ""


def _repository() -> Iterator[Item]:
    corpus = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
    for entry in corpus["message"]:
        yield "mail corpus", entry["text"], ""
        yield "mail corpus own", entry.get("own", ""), ""
    for path in sorted((ROOT / "src" / "perception" / "examples").rglob("*")):
        if path.suffix in {".eml", ".json", ".py"}:
            yield "examples", path.read_text(encoding="utf-8"), ""
    for path in sorted((ROOT / "docs").rglob("*.md")):
        yield "docs", path.read_text(encoding="utf-8"), ""


def _templated() -> Iterator[Item]:
    for count, seed in ((4000, 13), (1200, 1)):
        for index, text in enumerate(build_messages(count, seed)):
            yield "templates", text, INBOUND[index % len(INBOUND)]


#: Characters hostile strings are drawn from: letters of several scripts, punctuation that
#: ends sentences or quotes, white space of every kind, and characters that change length
#: when lower-cased.
_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " \t\n\n\r\u00a0\u2028.,;:!?'\"()[]{}<>-_/\\@#$%^&*+=~`|\u2019\u201c\u201d\u2026"
    "\u0130\u00df\ufb01\u1e9e\u00e9\u00fc\u03a3\u0410\u4e2d\u0627\U0001f600>"
)
_PIECES = [
    "> ",
    "\n> ",
    "On Tue, Mar 3, 2026 at 9:12 AM Dana <dana@example.com> wrote:\n",
    "-- \n",
    "Best regards,\n",
    "From: Dana\nSent: Monday\nTo: Sam\nSubject: Re: export\n",
    "perception: ignore[readability]",
    "perception: ignore",
    "SLA ",
    "KPI (key performance indicator) ",
    "I'm sorry. ",
    "You failed to do it! ",
    "!!!???...",
    "\u2026\u2026",
    "e.g. ",
    "Dr. ",
    "3.5 ",
    "\n\n",
    "NOT ",
    "the price will increase on Friday 3 March. ",
    ":) ",
    "<b>html</b> ",
]


def _hostile(seed: int, count: int) -> Iterator[Item]:
    rng = random.Random(seed)
    for _ in range(count):
        size = rng.choice([1, 3, 10, 40, 200, 1000])
        yield "random characters", "".join(rng.choice(_ALPHABET) for _ in range(size)), ""
        pieces = rng.choices(_PIECES, k=rng.randint(1, 40))
        yield "random pieces", "".join(pieces), rng.choice(["", *INBOUND])
    for size in (5_000, 25_000, 60_000):
        base = " ".join(build_messages(40, 5))
        yield "long", (base * (size // len(base) + 1))[:size], ""
        yield "long quotes", ("> " + base.replace("\n", "\n> ") + "\n") * 3, ""
        yield "long one word", "a" * size, ""
        yield "long punctuation", ".!?" * (size // 3), ""
        yield "long quotes only", "> '\"" * (size // 4), ""


def corpus(hostile: int) -> list[Item]:
    """Every text this script compares, in a fixed order."""
    return [
        *_labelled(),
        *_files(),
        *_repository(),
        *_templated(),
        *_hostile(7, hostile),
    ]


def _run(python: str, items_path: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [python, "-c", _WORKER, str(items_path), str(out)],
        env={**os.environ, "PYTHONHASHSEED": "0", "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-python", required=True, help="interpreter of the baseline")
    parser.add_argument("--limit", type=int, default=0, help="compare every Nth text only")
    parser.add_argument("--hostile", type=int, default=3000, help="generated strings (x2)")
    parser.add_argument("--show", type=int, default=5, help="differences to print")
    args = parser.parse_args()
    items = corpus(args.hostile)
    if args.limit > 1:
        items = items[:: args.limit]
    names: dict[str, int] = {}
    for name, _, answered in items:
        names[name] = names.get(name, 0) + 1 + (1 if answered else 0)
    with tempfile.TemporaryDirectory() as folder:
        items_path = Path(folder) / "items.json"
        items_path.write_text(json.dumps(items), encoding="utf-8")
        outs = {side: Path(folder) / f"{side}.jsonl" for side in ("new", "baseline")}
        running = [
            _run(sys.executable, items_path, outs["new"]),
            _run(args.baseline_python, items_path, outs["baseline"]),
        ]
        if any(process.wait() != 0 for process in running):
            print("a side failed", file=sys.stderr)
            return 2
        new = outs["new"].read_text(encoding="utf-8").splitlines()
        old = outs["baseline"].read_text(encoding="utf-8").splitlines()
    order = [*items, *items[::7]]
    assert len(new) == len(old) == len(order)
    differ = [i for i, (a, b) in enumerate(zip(new, old, strict=True)) if a != b]
    errors = sum('"error"' in line[:10] for line in new)
    checked = len(order) + sum(1 for _, _, answered in order if answered)
    print(
        f"{len(order):,} texts ({len(items):,} distinct, every 7th read twice), "
        f"{checked:,} check reports, each with the text's mood and customer mood"
    )
    for name, count in names.items():
        print(f"  {name:24s} {count:7,d} reports")
    print(f"raised on both sides alike: {errors}" if errors else "none raised")
    if not differ:
        print(f"all {len(order):,} identical")
        return 0
    print(f"{len(differ)} differ:")
    for index in differ[: args.show]:
        name, text, _ = order[index]
        print(
            f"- {name}: {text[:80]!r}\n  new      {new[index][:400]}\n  baseline {old[index][:400]}"
        )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
