"""Tests of ``perception.builtin._match``: the rule types, and an audit of every pattern.

The audit reads the parsed form of every regular expression of the library (module
constants and the patterns of the rule files) and refuses a repetition nested inside an
unbounded repetition, the shape that backtracks without bound, unless each turn of the
outer repetition starts with a character the inner one cannot match (then the text splits
into turns in one way only, and matching stays linear).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perception
from perception.builtin import _match
from perception.builtin._match import (
    Intervals,
    Pattern,
    Phrase,
    PhraseIndex,
    _leading_word,
    _letters_behind,
    _token_rule,
    existence_rules,
    first_letters,
    phrase_tokens,
    read_toml,
    replacement,
)
from perception.builtin.checks.unconfirmed_critical_point import _CONFIRMS, _CONFIRMS_PATTERN
from perception.outcome import Span
from perception.text import Message

if sys.version_info >= (3, 11):
    from re import _constants as sre
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants as sre
    import sre_parse

# ------------------------------------------------------------------------- the audit

_SAMPLE = [chr(c) for c in range(0x3000)] + ["\U0001f600", "\u4e00", "\uff21"]


def _accepts(node, ch: str) -> bool:
    """Whether the one-character node (LITERAL, IN, ANY ...) matches *ch*."""
    op, av = node
    if op is sre.LITERAL:
        return ord(ch) == av
    if op is sre.NOT_LITERAL:
        return ord(ch) != av
    if op is sre.ANY:
        return ch != "\n"
    if op is sre.IN:
        negate = bool(av) and av[0][0] is sre.NEGATE
        found = any(_in_item(item, ch) for item in av if item[0] is not sre.NEGATE)
        return found != negate
    raise TypeError(op)


_CATEGORIES = {
    "CATEGORY_WORD": re.compile(r"\w"),
    "CATEGORY_NOT_WORD": re.compile(r"\W"),
    "CATEGORY_SPACE": re.compile(r"\s"),
    "CATEGORY_NOT_SPACE": re.compile(r"\S"),
    "CATEGORY_DIGIT": re.compile(r"\d"),
    "CATEGORY_NOT_DIGIT": re.compile(r"\D"),
}


def _in_item(item, ch: str) -> bool:
    op, av = item
    if op is sre.LITERAL:
        return ord(ch) == av
    if op is sre.RANGE:
        return av[0] <= ord(ch) <= av[1]
    if op is sre.CATEGORY:
        return _CATEGORIES[str(av)].match(ch) is not None
    raise TypeError(op)


def _single(nodes):
    """The one-character node a sequence reduces to, or ``None``."""
    while len(nodes) == 1 and nodes[0][0] is sre.SUBPATTERN:
        nodes = nodes[0][1][-1]
    if len(nodes) == 1 and nodes[0][0] in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
        return nodes[0]
    return None


def _disjoint(a, b) -> bool:
    return not any(_accepts(a, ch) and _accepts(b, ch) for ch in _SAMPLE)


def _unbounded_nested(nodes, guard=None, inside=False) -> list[str]:
    """Unbounded repetitions inside an unbounded repetition that are not separated."""
    problems: list[str] = []
    for op, av in nodes:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, body = av
            unbounded = high is sre.MAXREPEAT or high > 50
            if inside and unbounded:
                operand = _single(list(body))
                if guard is None or operand is None or not _disjoint(guard, operand):
                    problems.append(f"{op} {low}..{high} inside an unbounded repetition")
            inner_guard = _single(list(body)[:1]) if unbounded else guard
            problems += _unbounded_nested(list(body), inner_guard, inside or unbounded)
        elif op is sre.SUBPATTERN:
            problems += _unbounded_nested(list(av[-1]), guard, inside)
        elif op is sre.BRANCH:
            for alternative in av[1]:
                problems += _unbounded_nested(list(alternative), guard, inside)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            problems += _unbounded_nested(list(av[1]), guard, inside)
    return problems


def _library_patterns():
    found: dict[str, re.Pattern[str]] = {}
    modules = [perception.__name__]
    modules += [m.name for m in pkgutil.walk_packages(perception.__path__, "perception.")]
    for name in modules:
        if name.startswith(("perception.cli", "perception.examples")) or name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            compiled = value.lower if isinstance(value, Pattern) else value
            if isinstance(compiled, re.Pattern) and isinstance(compiled.pattern, str):
                found[f"{name}.{attr}"] = compiled
    for rule in existence_rules("negative_language.toml"):
        found[f"negative_language.toml:{rule.id}"] = rule.pattern.lower
    return found


PATTERNS = _library_patterns()


def _module_patterns() -> dict[str, Pattern]:
    found = {}
    for name in list(sys.modules):
        if name.startswith("perception."):
            for attr, value in vars(sys.modules[name]).items():
                if isinstance(value, Pattern):
                    found[f"{name}.{attr}"] = value
    return found


def test_every_pattern_compiles_in_both_cases_alike():
    patterns = _module_patterns()
    assert "perception.builtin.checks.acknowledgement._EVIDENCE" in patterns
    for name, pattern in patterns.items():
        assert pattern.anycase.pattern == pattern.lower.pattern == pattern.pattern, name
        assert pattern.anycase.flags & re.IGNORECASE, name
        assert not pattern.lower.flags & re.IGNORECASE, name


def test_patterns_compile_when_first_used_not_at_import():
    code = (
        "import perception\n"
        "from perception.builtin.checks import acknowledgement as a\n"
        "perception.check('Thanks, the export works now.')\n"
        "before = sorted(vars(a._EVIDENCE))\n"
        "perception.check('I am sorry the export failed again.\\n\\nOn Monday, Ann wrote:\\n"
        "> This is the third outage this week and I am furious.')\n"
        "print(before, sorted(vars(a._EVIDENCE)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["['pattern']", "['lower',", "'pattern']"]


def test_the_audit_sees_the_patterns_of_the_checks_and_the_text():
    assert "perception.text._BOUNDARY" in PATTERNS
    assert "perception.builtin._match.GREETING" in PATTERNS
    assert any(key.startswith("negative_language.toml:") for key in PATTERNS)
    assert len(PATTERNS) > 30


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_pattern_nests_an_unbounded_repetition(name):
    pattern = PATTERNS[name]
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    assert not _unbounded_nested(list(tree)), f"{name}: {pattern.pattern!r}"


@pytest.mark.parametrize(
    ("pattern", "bad"),
    [
        (r"(a+)+b", True),
        (r"(?:\w+\s?)*x", True),
        (r"\S+@\S+\.\w+", False),  # not nested: its cost is a search from every start
        (r"\w+(?:[.-]\w+)*", False),  # each turn starts with a separator: linear
        (r"(?:\w+[.-])*\w", True),
    ],
)
def test_the_audit_tells_nested_from_separated(pattern, bad):
    assert bool(_unbounded_nested(list(sre_parse.parse(pattern)))) is bad


# ----------------------------------------------------------------------- token rules

SETS = {"months": ["march", "may"], "verbs": ["go", "stop"]}


def _rule(**row):
    return _token_rule({"kind": "k", "example": "", **row}, SETS, "test")


def test_token_rule_slots_before_after_and_near():
    tokens = ["on", "14", "march", "we", "will", "go"]
    assert _rule(anchor="@months", before=["#day"]).end(tokens, 2) == 2
    assert _rule(anchor="@months", after=["#day"]).end(tokens, 2) is None
    assert _rule(anchor="we", after=["will", "@verbs"]).end(tokens, 3) == 5
    assert _rule(anchor="we", near_after={"within": 3, "match": "go"}).end(tokens, 3) == 5
    assert _rule(anchor="we", near_after={"within": 1, "match": "go"}).end(tokens, 3) is None
    assert _rule(anchor="go", near_before={"within": 1, "match": "we"}).end(tokens, 5) is None
    assert _rule(anchor="go", near_before={"within": 2, "match": "we"}).end(tokens, 5) == 5


def test_except_removes_anchor_words_and_star_takes_any_token():
    rule = _token_rule(
        {"kind": "k", "example": "", "anchor": "@months", "except": ["may"], "after": ["*"]},
        SETS,
        "test",
    )
    assert rule.anchor == {"march"}
    assert rule.end(["march", "x"], 0) == 1
    assert rule.end(["march"], 0) is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"anchor": "@nope"}, "unknown word set '@nope'"),
        ({"anchor": "we", "after": ["#nope"]}, "unknown token class '#nope'"),
        ({"anchor": "#day"}, "an anchor is words"),
        ({"anchor": "*"}, "an anchor is words"),
    ],
)
def test_bad_token_rules_are_refused_with_the_rule_named(row, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        _token_rule({"kind": "k", "example": "", **row}, SETS, "file.toml, rule 3")
    assert "file.toml, rule 3" in str(info.value)


# ------------------------------------------------------------------- phrases, intervals


def test_phrase_index_prefers_the_longest_match_and_never_overlaps():
    index = PhraseIndex(
        [
            Phrase(phrase_tokens("touch base"), "touch base", "talk"),
            Phrase(phrase_tokens("touch base offline"), "touch base offline", "talk later"),
            Phrase(phrase_tokens("base"), "base", "-"),
        ]
    )
    message = Message("Let's touch base offline, then touch base.")
    found = [(message.slice(span), phrase.suggestion) for span, phrase in index.find(message)]
    assert found == [("touch base offline", "talk later"), ("touch base", "talk")]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=30))
def test_intervals_agree_with_a_plain_list(pairs):
    intervals = Intervals()
    kept: list[tuple[int, int]] = []
    for start, size in pairs:
        end = start + size
        expected = any(a < end and start < b for a, b in kept)
        assert intervals.overlaps(start, end) is expected
        if not expected:
            intervals.add(start, end)
            kept.append((start, end))


def test_match_module_has_an_explicit_public_list():
    assert set(_match.__all__) <= set(vars(_match))


def _edit(text: str, start: int, end: int, suggestion: str) -> str | None:
    """*text* with the edits of *suggestion* for text[start:end] applied, or None."""
    edits = replacement(Message(text), Span(start=start, end=end), suggestion)
    for edit in sorted(edits, key=lambda e: e.span.start, reverse=True):
        text = text[: edit.span.start] + edit.text + text[edit.span.end :]
    return text if edits else None


@pytest.mark.parametrize(
    ("text", "word", "suggestion", "expected"),
    [
        ("It is obviously broken.", "obviously", "leave it out", "It is broken."),
        ("Obviously, it is broken.", "Obviously", "leave it out", "It is broken."),
        ("Simply restart it.", "Simply", "leave it out", "Restart it."),
        ("It works, basically.", "basically", "leave it out", "It works."),
        ("It is done basically\nnext", "basically", "leave it out", "It is done\nnext"),
        ("Obviously.", "Obviously", "leave it out", None),  # nothing left of the sentence
        (
            "Enclosed please find the report.",
            "Enclosed please find",
            "I have attached",
            "I have attached the report.",
        ),
        ("We will accompany you.", "accompany", "go with", "We will go with you."),
        ("Accompany us.", "Accompany", "go with", "Go with us."),
        (
            "Please reply ASAP now.",
            "ASAP",
            "as soon as possible",
            "Please reply as soon as possible now.",
        ),
        ("We accomplish it.", "accomplish", "carry out, do", None),  # alternatives
        ("In regard to your call.", "In regard to", "about; concerning; on", None),
        ("It is done.", "done", "done", None),  # nothing to change
    ],
)
def test_a_plain_suggestion_becomes_edits_and_advice_does_not(text, word, suggestion, expected):
    start = text.index(word)
    assert _edit(text, start, start + len(word), suggestion) == expected


@given(
    st.text(alphabet=st.sampled_from(list("ab ,.\n\tAB")), max_size=40),
    st.data(),
    st.sampled_from(["leave it out", "(leave it out)", "go with", "I have attached", "x, y", ""]),
)
def test_edits_of_any_text_are_one_at_most_and_stay_inside_it(text, data, suggestion):
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    edits = replacement(Message(text), Span(start=start, end=end), suggestion)
    spans = sorted((e.span.start, e.span.end) for e in edits)
    assert all(0 <= a <= b <= len(text) for a, b in spans)
    assert len(spans) <= 1


@pytest.mark.parametrize(
    ("pattern", "letters"),
    [
        (r"\byou\s+should", "y"),
        (r"\b(?:that|it)\s+is|\b(?:company|our)\s+policy", "ciot"),
        (r"\b(?:a|(?:b|c))d|e", "abce"),
        (r"\bab?c", "a"),
        (r"(?:a[\])]|b)c", "ab"),  # a bracket and a parenthesis inside a class
        (r"a[|]|b", "ab"),
        # shapes whose first letters are not plain: no look-ahead at all
        (r"a?b", ""),
        (r"(?:a|b)?c", ""),
        (r"[ab]c", ""),
        (r"x|\d", ""),
        (r"(?:a)*b", ""),
        (r"a{0,2}b", ""),
        (r"(ab)", ""),
        (r"(?:ab", ""),
    ],
)
def test_first_letters_reads_plain_shapes_and_gives_up_on_others(pattern, letters):
    assert first_letters(pattern) == letters


def test_a_phrasing_rule_skips_to_its_first_word_or_letter_when_it_has_one():
    rows = read_toml("negative_language.toml")["rule"]
    for row, rule in zip(rows, existence_rules("negative_language.toml"), strict=True):
        word = _leading_word(row["pattern"])
        behind = _letters_behind(row["pattern"]) if not word else ""
        one = len(first_letters(row["pattern"])) == 1 and not word and not behind
        assert rule.pattern.lower.pattern.startswith("(?=[") == one, rule.id
        assert (rule.pattern.lower.pattern == behind) == bool(behind), rule.id
        assert rule.pattern.lower.pattern.startswith(f"{word}(?<!\\w{word})") == bool(word)
    assert any(
        rule.pattern.lower.pattern.startswith("you(?<!\\wyou)")
        for rule in existence_rules("negative_language.toml")
    )


@pytest.mark.parametrize(
    ("pattern", "word"),
    [
        (r"\byou\s+should\b", "you"),
        (r"\bthere(?:'s|\s+is)", "there"),
        (r"\byou\b|\bthey\b", ""),  # two branches
        (r"\byou?\s", ""),  # the last letter may be left out
        (r"\byo{1,2}u", ""),
        (r"\b(?:you|we)\s", ""),
        (r"you\s", ""),  # no word boundary in front
    ],
)
def test_the_word_a_pattern_starts_with(pattern, word):
    assert _leading_word(pattern) == word
    if word:  # the same matches, the word first
        rewritten = Pattern(pattern).lower
        for text in ("you should see", "syou should", "there is", "a-there's", "_you should"):
            assert [m.span() for m in rewritten.finditer(text)] == [
                m.span() for m in re.finditer(pattern, text)
            ]


@pytest.mark.parametrize(
    ("pattern", "rewritten"),
    [
        (r"\bas\s+i|\bper\s", r"as(?<!\was)\s+i|per(?<!\wper)\s"),
        (r"\b(?:that|it)\s+is\b", r"that(?<!\wthat)\s+is\b|it(?<!\wit)\s+is\b"),
        (
            r"\b(?:(?:can|will)\s+you|any)\b",
            r"can(?<!\wcan)\s+you\b|will(?<!\wwill)\s+you\b|any(?<!\wany)\b",
        ),
        (r"\b(?:we|i)'ll", r"we(?<!\wwe)'ll|i(?<!\wi)'ll"),
        (r"\bsign-?off|\bok", r"sign(?<!\wsign)-?off|ok(?<!\wok)"),
        (r"\byou?r\b|\bwe", r"yo(?<!\wyo)u?r\b|we(?<!\wwe)"),  # a letter that may be left out
        (r"\b(?:that|it)?\s", ""),  # a group that may be left out
        (r"\bas\s|per\s", ""),  # a branch with no word boundary in front
        (r"\b(?:as|\d)\s", ""),  # a branch that starts with a class
        (r"\b(?:as|)\s", ""),  # an empty branch
        (r"\bx?y", ""),  # no letter that must be there
        (r"\b(ab)", ""),
        (r"\b(?:ab", ""),
    ],
)
def test_the_branches_a_pattern_starts_with_each_word_of(pattern, rewritten):
    assert _letters_behind(pattern) == rewritten
    if rewritten:  # the same matches
        for text in (
            "as i per that is",
            "-it is",
            "sign-off ok",
            "canyou can you any, will you",
            "your yr",
            "we'll i'll",
        ):
            assert [m.span() for m in re.finditer(rewritten, text)] == [
                m.span() for m in re.finditer(pattern, text)
            ]


@given(st.text(alphabet="pleasconfirmwudytkhgbjv-'\u2019, ?.\nYCP", max_size=120))
def test_the_confirmation_pattern_rewritten_loses_no_match(text):
    assert _CONFIRMS.lower.pattern.startswith("please(?<!\\wplease)")
    for compiled, flags, searched in (
        (_CONFIRMS.lower, 0, text.lower()),
        (_CONFIRMS.anycase, re.IGNORECASE, text),
    ):
        assert [m.span() for m in compiled.finditer(searched)] == [
            m.span() for m in re.compile(_CONFIRMS_PATTERN, flags).finditer(searched)
        ]


@given(st.text(alphabet="youshldtaiwecnrpfm'\u2019, .\nYT", max_size=120))
def test_the_look_ahead_of_a_rule_loses_no_match(text):
    rows = read_toml("negative_language.toml")["rule"]
    for row, rule in zip(rows, existence_rules("negative_language.toml"), strict=True):
        plain = re.compile(row["pattern"])
        lowered = text.lower()
        assert [m.span() for m in rule.pattern.lower.finditer(lowered)] == [
            m.span() for m in plain.finditer(lowered)
        ], row["id"]
        assert [m.span() for m in rule.pattern.anycase.finditer(text)] == [
            m.span() for m in re.compile(row["pattern"], re.IGNORECASE).finditer(text)
        ], row["id"]
