"""Tests of perception.text: the VADER re-implementation, sentences, words, chunks."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perception import text as text_module
from perception.outcome import Sentiment, Span
from perception.text import (
    Message,
    VaderScorer,
    chunk_spans,
    nltk_analyzer,
    polarity_scores,
    sentence_spans,
    sentiment,
    vader_scorer,
    word_spans,
)

# Words that exercise VADER's rules: boosters, negations, "but", idioms, "least",
# capitals, punctuation and emoticons.
VADER_WORDS = [
    "good",
    "GOOD",
    "bad",
    "BAD",
    "not",
    "isn't",
    "never",
    "so",
    "this",
    "very",
    "kind",
    "of",
    "sort",
    "but",
    "BUT",
    "least",
    "at",
    "the",
    "shit",
    "bomb",
    "yeah",
    "right",
    "cut",
    "mustard",
    "kiss",
    "death",
    "extremely",
    "barely",
    "love",
    "hate",
    "!",
    "?",
    "!!",
    "?!?",
    ":)",
    ":(",
    "'great'",
    '"awful"',
    "-nice",
    "nice,",
    "...",
    "no",
    "lol",
    "without",
    "despite",
    "kinda",
    "hand",
    "to",
    "mouth",
    "a",
    "I",
    "fine.",
]

texts = st.one_of(
    st.lists(st.sampled_from(VADER_WORDS), max_size=25).map(" ".join),
    st.text(max_size=200),
)


def _close(ours: dict[str, float], theirs: dict[str, float]) -> bool:
    return all(abs(ours[k] - theirs[k]) <= 1e-9 for k in ("neg", "neu", "pos", "compound"))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_polarity_scores_match_nltk(text):
    assert _close(polarity_scores(text), nltk_analyzer().polarity_scores(text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "but",
        "The movie was GOOD but the ending was BAD!!!",
        "It was not the shit, yeah right.",
        "at least it works; very least good",
        "never so good, never this bad",
        "kind of good, sort of great",
        "good good good good bad",
    ],
)
def test_polarity_scores_match_nltk_on_edge_cases(text):
    assert _close(polarity_scores(text), nltk_analyzer().polarity_scores(text))


_SENTENCE_ENDS = [". ", "! ", "? ", "\n\n", ".\n"]
vader_sentences = st.lists(
    st.tuples(
        st.lists(st.sampled_from(VADER_WORDS), min_size=1, max_size=12),
        st.sampled_from(_SENTENCE_ENDS),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(vader_sentences, st.booleans())
def test_message_sentiment_from_its_sentences_is_vaders_of_the_whole(parts, known):
    # The message's score is built from what VADER made of each sentence: the words at a
    # sentence's edges see the sentences around them, capitals and "but" count over the
    # whole text, and a repeated word takes its first occurrence's value.
    text = "".join(
        " ".join(w.upper() if upper else w for w in words) + end for words, end, upper in parts
    )
    if known:  # the sentences scored before, as parts of other messages
        for words, end, upper in parts:
            sentence = " ".join(w.upper() if upper else w for w in words) + end
            assert Message(sentence).sentence_scores
    message = Message(text)
    assert message.sentence_scores
    assert message.sentiment == sentiment(text)
    assert _close(polarity_scores(text), nltk_analyzer().polarity_scores(text))


@pytest.mark.parametrize(
    "text",
    [
        "we all did cut the\n\nmustard today",  # an idiom across a sentence end
        "it was good of a kind\n\nof good",  # "kind" then "of" across one
        "I said that. never so good. Good.",  # a negation before the edge
        "THAT IS GREAT. but it is bad. It is good. Really good!",  # capitals and "but"
        "Good good. Bad good. Great good.",  # repeated words across sentences
    ],
)
def test_message_sentiment_from_its_sentences_on_edge_cases(text):
    message = Message(text)
    assert len(message.sentence_scores) > 1
    assert message.sentiment == sentiment(text)


def test_sentiment_of_blank_text_is_neutral():
    assert sentiment("") == Sentiment(compound=0.0, neutral=1.0)
    assert sentiment("a b c").neutral == 1.0  # nothing scorable


def test_sentiment_direction():
    assert sentiment("I love this, thank you so much!").compound > 0.5
    assert sentiment("This is terrible and I am furious.").compound < -0.5


def test_sentences_end_at_terminal_punctuation_and_blank_lines():
    text = "Hi Dana,\n\nI'm sorry. See e.g. the docs. Mr. Smith came! Was it OK?\nBest,\nSam"
    got = [text[s.start : s.end] for s in sentence_spans(text)]
    assert got == [
        "Hi Dana,",
        "I'm sorry.",
        "See e.g. the docs.",
        "Mr. Smith came!",
        "Was it OK?",
        "Best,\nSam",
    ]


def test_words_keep_contractions_and_hyphens():
    text = "We'll follow-up on 3.5 items, ok?"
    assert [text[s.start : s.end] for s in word_spans(text)] == [
        "We'll",
        "follow-up",
        "on",
        "3.5",
        "items",
        ",",
        "ok",
        "?",
    ]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=50))
def test_chunks_cover_the_text_in_order(text, limit):
    chunks = chunk_spans(text, limit)
    assert chunks[0].start == 0
    assert chunks[-1].end == len(text)
    for before, after in itertools.pairwise(chunks):
        assert before.end == after.start
        assert before.end > before.start


def test_chunk_limit_must_be_positive():
    with pytest.raises(ValueError, match="limit"):
        chunk_spans("text", 0)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=400),
        st.lists(
            st.sampled_from([*VADER_WORDS, "\n\n", " \x1c ", "\u2028", "e.g.", "Mr.", "\u00a0"]),
            max_size=40,
        ).map(" ".join),
    )
)
def test_message_analyses_stay_inside_the_text(text):
    message = Message(text)
    for span in (*message.sentences, *message.words):
        assert 0 <= span.start <= span.end <= len(text)
    for score in message.sentence_scores:
        assert score.sentiment == sentiment(message.slice(score.span))
    assert len(message.tokens) == len(message.words)
    assert message.sentiment == sentiment(text)  # computed with the sentences


def test_message_sentiment_equals_text_sentiment_within_the_bound():
    text = "The export failed again. I am disappointed, but the team was helpful."
    assert Message(text).sentiment == sentiment(text)


def test_long_message_is_analysed_in_chunks():
    text = "The service was great. " * 400 + "The outage was awful. " * 400
    message = Message(text, chunk_chars=1_000)
    assert len(message.chunks) > 10
    assert message.sentences[-1].end == len(text.rstrip())
    assert -1.0 <= message.sentiment.compound <= 1.0
    assert message.sentiment.positive > 0
    assert message.sentiment.negative > 0


def test_message_rejects_non_text():
    with pytest.raises(TypeError, match="string"):
        Message(b"bytes")  # type: ignore[arg-type]


def test_message_slice():
    message = Message("Hello world")
    assert message.slice(Span(start=6, end=11)) == "world"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.lists(st.integers(min_value=0, max_value=300), max_size=20))
def test_token_bounds_agree_with_word_bounds(text, indexes):
    message = Message(text)
    count = len(message.tokens)
    wanted = [i for i in indexes if i < count]
    expected = Message(text).word_bounds
    assert message.token_bounds(wanted) == {i: expected[i] for i in wanted}


# The sentence-boundary pattern before it was made linear, as an oracle: a run of terminal
# punctuation ends a sentence only when white space or the end of the text follows.
_LOOKAHEAD_BOUNDARY = re.compile(
    r"[.?!\u2026]+[\"'\u2019\u201d)\]]*(?=\s|\Z)|(?P<gap>\n[^\S\n]*\n\s*)"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=".?!\u2026\"')] \n\tab.Ae", max_size=40))
def test_sentence_bounds_equal_those_of_the_lookahead_pattern(text):
    linear = list(text_module._sentence_bounds(text, 0, len(text)))
    original = text_module._BOUNDARY
    try:
        text_module._BOUNDARY = _LOOKAHEAD_BOUNDARY
        expected = list(text_module._sentence_bounds(text, 0, len(text)))
    finally:
        text_module._BOUNDARY = original
    assert linear == expected


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=".?!\u2026\"')] \n\t\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000abA.e", max_size=60)
)
def test_the_sentences_words_one_after_another_are_the_texts(text):
    # what lets the message's sentiment be made from its sentences' reads
    bounds = text_module._sentence_bounds(text, 0, len(text))
    assert [w for s, e in bounds for w in text[s:e].split()] == text.split()
    gaps = [text[e:s] for (_, e), (s, _) in itertools.pairwise([(0, 0), *bounds, (len(text), 0)])]
    assert all(not gap.strip() for gap in gaps)


@pytest.mark.parametrize("run", ["!", ".", "?!", "\u2026", ".)"])
def test_a_long_run_of_punctuation_is_split_in_linear_time(run):
    # 200,000 characters took minutes with the look-ahead pattern; bounded work now.
    text = run * 100_000 + "a"
    spans = sentence_spans(text)
    assert spans[-1].end == len(text)


def test_caches_are_bounded_by_size_not_only_by_count():
    from perception import _vader, check  # noqa: PLC0415

    for index in range(20):
        check(f"Hello {index}{'z' * 50_000} there.")
    kept = (*_vader.TOKENS, *_vader.TOKENS._older)
    assert all(len(token) <= _vader.CACHED_TOKEN_CHARS for token in kept)
    for index in range(150):  # 150 x 19,000 characters: more than the cache keeps
        text_module.message(f"Hi {index}{'z' * 19_000}.")
    assert text_module._MESSAGES._chars <= text_module._CACHE_CHARS
    assert len(text_module._MESSAGES._items) < 150


def test_known_sentences_are_bounded_and_scored_as_when_new(monkeypatch):
    known = text_module._Kept(limit=3, chars=40)
    monkeypatch.setattr(text_module, "_SENTENCES", known)
    first = Message("Great work. The export failed again! Thanks.").sentence_scores
    assert set(known) == {"Great work.", "The export failed again!", "Thanks."}
    again = Message("The export failed again! Nobody told us.").sentence_scores
    assert again[0].sentiment == first[1].sentiment == sentiment("The export failed again!")
    assert len(known) <= 3  # full: started afresh
    long_sentence = "This sentence is far longer than forty characters, so it is not kept."
    assert len(Message(long_sentence).sentence_scores) == 1
    assert long_sentence not in known


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "the", ".", "b"]), max_size=120))
def test_positions_are_every_index_of_the_token(tokens):
    message = Message(" ".join(tokens))
    for token in ("a", "b", "the", ".", "zz"):
        assert message.positions(token) == [i for i, t in enumerate(message.tokens) if t == token]


def test_token_bounds_are_in_order_and_refuse_indexes_out_of_range():
    message = Message("Hello world, again ")
    assert list(message.token_bounds([2, 0])) == [0, 2]
    assert message.token_bounds([0]) == {0: (0, 5)}
    for wrong in (-1, 4):
        with pytest.raises(IndexError, match="out of range"):
            message.token_bounds([wrong])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab!?.,'\"-:)(", min_size=1, max_size=8))
def test_a_kept_vader_token_is_never_empty(token):
    # what lets the words be kept with filter(None, ...): only None is dropped
    from perception._vader import _vader_token  # noqa: PLC0415

    kept = _vader_token(token)
    assert kept is None or len(kept) >= 2


@settings(max_examples=200)
@given(
    keys=st.lists(st.sampled_from(["a", "b", "c", "d", "e", "x" * 41, ""]), max_size=60),
    limit=st.integers(min_value=1, max_value=4),
)
def test_a_word_cache_answers_as_its_function_and_stays_bounded(keys, limit):
    from perception._vader import WordCache  # noqa: PLC0415

    computed: list[str] = []

    def compute(key: str) -> str:
        computed.append(key)
        return key.upper()

    cache = WordCache(compute, limit)
    for key in keys:
        assert cache[key] == key.upper()
        assert len(cache) <= limit
        assert len(cache._older) <= limit
        assert all(len(k) <= 40 for k in (*cache, *cache._older))
    assert set(computed) == set(keys)
    assert len(computed) <= len(keys)


def test_a_word_cache_keeps_the_words_still_in_use_when_it_turns_over():
    from perception._vader import WordCache  # noqa: PLC0415

    computed: list[str] = []
    cache = WordCache(lambda key: computed.append(key) or len(key), 2)
    for key in ["hello", "there", "new", "hello", "other", "hello", "more", "there"]:
        cache[key]
    # "hello" is read from the older generation each time the cache turns over; "there"
    # was dropped after two turns without use and is computed again
    assert computed == ["hello", "there", "new", "other", "more", "there"]


def test_the_lexicon_read_from_its_file_is_nltks():
    scorer = vader_scorer()
    assert isinstance(scorer, VaderScorer)
    direct = scorer.lexicon
    assert direct == nltk_analyzer().lexicon
    assert direct == VaderScorer.from_nltk_resource().lexicon
    assert len(direct) > 7000


def test_checking_and_assessing_do_not_import_nltk():
    # nltk imports numpy, scipy and scikit-learn where they are installed: seconds and
    # hundreds of megabytes for a process that only checks a message
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    program = (
        "import sys\n"
        "from perception import assess, check\n"
        "from perception.examples import SAMPLE_AS_OF, sample_portfolio\n"
        "check('Great, another outage. Sorry for my grammar.')\n"
        "[assess(a, as_of=SAMPLE_AS_OF) for a in sample_portfolio()]\n"
        "print(sorted(m for m in ('nltk', 'numpy', 'sklearn') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
