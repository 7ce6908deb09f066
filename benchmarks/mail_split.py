"""How well the author's own text is told apart from quotes and signatures, and how fast.

Reads the plain-text e-mails of ``tests/data/mail_corpus.toml`` (written for this project
in the layouts of common mail clients, each with the text its author wrote and its
signature; the development part was used to write the splitter, the held-out part was
written afterwards and is reported apart) and compares, in the same run,
:func:`perception.mail.author_text` with the reply-parsing libraries that are installed
(``mail-parser-reply``, ``email-reply-parser``, ``quotequail``; ``pip install`` them to
include them):

- reply: the text above or between the quotes (own text and signature) equals the expected
  one, word for word; and word-level precision and recall of that text;
- own text: the same without the signature (where the library separates signatures);
- time on the corpus, and on hostile inputs of growing size (lines that start an
  attribution but never end it, many ``From:`` lines): a method whose time grows faster
  than the input can be made to hang by a message.

Run: ``python benchmarks/mail_split.py [--sizes 2000,4000,8000]``
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from collections.abc import Callable
from pathlib import Path

from perception.mail import author_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "mail_corpus.toml"

#: A method returns (own text, signature) for a message, or (reply text, None) when it
#: does not separate the signature.
Method = Callable[[str], tuple[str, str | None]]


def ours(text: str) -> tuple[str, str | None]:
    split = author_text(text)
    signature = split.signature
    return split.own_text(), "" if signature is None else text[signature.start : signature.end]


def _methods() -> dict[str, Method]:
    methods: dict[str, Method] = {"perception.mail": ours}
    try:
        from mailparser_reply import EmailReplyParser as Mpr  # noqa: PLC0415
    except ImportError:
        print("mail-parser-reply: not installed")
    else:
        parser = Mpr(languages=["en", "de", "fr", "es", "nl"])

        def mpr(text: str) -> tuple[str, str | None]:
            replies = parser.read(text).replies
            if not replies:
                return "", ""
            return replies[0].body, replies[0].signatures

        methods["mail-parser-reply"] = mpr
    try:
        from email_reply_parser import EmailReplyParser as Erp  # noqa: PLC0415
    except ImportError:
        print("email-reply-parser: not installed")
    else:
        methods["email-reply-parser"] = lambda text: (Erp.parse_reply(text), None)
    try:
        import quotequail  # noqa: PLC0415
    except ImportError:
        print("quotequail: not installed")
    else:

        def qq(text: str) -> tuple[str, str | None]:
            shown = [part for visible, part in quotequail.quote(text) if visible]
            kept = shown[0] if shown else ""
            lines = kept.rstrip().splitlines()
            if lines and lines[-1].rstrip().endswith(":"):
                lines = lines[:-1]  # the attribution line is shown with the reply
            return "\n".join(lines), None

        methods["quotequail"] = qq
    return methods


def words(text: str) -> list[str]:
    return text.split()


def overlap(got: list[str], want: list[str]) -> int:
    return sum((collections.Counter(got) & collections.Counter(want)).values())


def score(method: Method, corpus: list[dict[str, str]]) -> dict[str, float]:
    reply_exact = own_exact = 0
    own_known = 0
    hit = got_total = want_total = 0
    for item in corpus:
        own, signature = method(item["text"])
        want_reply = words(item["own"]) + words(item["signature"])
        got_reply = words(own) + (words(signature) if signature else [])
        reply_exact += got_reply == want_reply
        hit += overlap(got_reply, want_reply)
        got_total += len(got_reply)
        want_total += len(want_reply)
        if signature is not None:
            own_known += 1
            own_exact += words(own) == words(item["own"])
    count = len(corpus)
    return {
        "reply exact": reply_exact / count,
        "reply precision": hit / got_total if got_total else 0.0,
        "reply recall": hit / want_total if want_total else 0.0,
        "own exact": own_exact / own_known if own_known else float("nan"),
    }


def hostile(size: int) -> dict[str, str]:
    lines = size // 32
    return {
        "'On' lines, no 'wrote:'": "On Monday the export broke and\n" * lines,
        "one long 'On' line": "On " + "x " * (size // 2) + "\n",
        "many 'From:' lines": "From: a\n" * (size // 8),
    }


def timed(method: Method, text: str, budget: float) -> float:
    start = time.perf_counter()
    method(text)
    elapsed = time.perf_counter() - start
    return elapsed if elapsed < budget else float("inf")


def report(name: str, method: Method, corpus: list[dict[str, str]], rounds: int) -> None:
    figures = score(method, corpus)
    best = min(sum(timed(method, item["text"], 60) for item in corpus) for _ in range(rounds))
    own = figures["own exact"]
    own_text = "n/a" if own != own else f"{own:.2f}"
    print(
        f"{name:20s} {figures['reply exact']:11.2f} {figures['reply precision']:9.3f} "
        f"{figures['reply recall']:7.3f} {own_text:>9s} {1000 * best / len(corpus):10.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,4000,8000", help="hostile input sizes")
    parser.add_argument("--rounds", type=int, default=5, help="best of this many timings")
    args = parser.parse_args()
    every = [
        {k: m.get(k, "").strip("\n") for k in ("id", "text", "own", "signature", "set")}
        for m in tomllib.loads(CORPUS.read_text(encoding="utf-8"))["message"]
    ]
    methods = _methods()
    groups = (
        ("development corpus (the splitter was written against it)", ""),
        ("held-out corpus (written afterwards, not used to change the splitter)", "held-out"),
    )
    for title, tag in groups:
        corpus = [m for m in every if m["set"] == tag]
        print(f"\n{title}: {len(corpus)} messages")
        print(
            f"{'method':20s} {'reply exact':>11s} {'precision':>9s} {'recall':>7s} "
            f"{'own exact':>9s} {'ms/message':>10s}"
        )
        for name, method in methods.items():
            report(name, method, corpus, args.rounds)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        "\nhostile input: seconds per size (growth between the sizes; 2.0 per doubling"
        " is linear; 'stopped' past 20 s)"
    )
    for name, method in methods.items():
        for label in hostile(sizes[0]):
            times = [timed(method, hostile(size)[label], 20) for size in sizes]
            shown = " ".join("stopped" if t == float("inf") else f"{t:.4f}" for t in times)
            print(f"  {name:20s} {label:26s} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
