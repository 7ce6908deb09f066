"""Tests of the compact form in which worker processes send reports and outcomes."""

from __future__ import annotations

import pickle

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import _wire, assess, assess_many
from perception.examples import SAMPLE_AS_OF, sample_portfolio
from perception.outcome import MessageReport
from strategies import reports


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(reports, max_size=5))
def test_reports_survive_packing_pickling_and_unpacking(batch):
    flat = pickle.loads(pickle.dumps(_wire.pack_reports(batch)))
    rebuilt = list(_wire.unpack_reports(flat))
    assert rebuilt == batch
    assert all(type(r) is MessageReport for r in rebuilt)
    # the rebuilt records are whole: every field of every record is set
    for report in rebuilt:
        assert MessageReport(**{f: getattr(report, f) for f in report.__slots__ if f[0] != "_"})


def test_an_empty_batch_packs_to_a_count_of_zero():
    assert _wire.pack_reports([]) == [0]
    assert list(_wire.unpack_reports([0])) == []


def sample_outcomes():
    return [assess(a, as_of=SAMPLE_AS_OF, plan=True) for a in sample_portfolio()]


def test_outcomes_survive_packing_pickling_and_unpacking():
    outcomes = sample_outcomes()
    # the sample has every part of an outcome somewhere
    assert all(any(getattr(o, part) for o in outcomes) for part in _OUTCOME_PARTS)
    flat = pickle.loads(pickle.dumps(_wire.pack_outcomes(outcomes)))
    rebuilt = list(_wire.unpack_outcomes(flat))
    assert rebuilt == outcomes
    assert [o.followups for o in rebuilt] == [o.followups for o in outcomes]
    for outcome in rebuilt:  # whole records: they pass their own validation again
        assert attrs.evolve(outcome) == outcome
        assert all(attrs.evolve(s) == s for s in outcome.signals)


_OUTCOME_PARTS = ("signals", "drivers", "findings", "followups", "dimensions", "diagnosis")


def test_two_processes_give_the_same_outcomes_as_one():
    accounts = sample_portfolio()
    one = list(assess_many(accounts, as_of=SAMPLE_AS_OF, plan=True))
    assert list(assess_many(accounts, as_of=SAMPLE_AS_OF, plan=True, workers=2, chunksize=1)) == one
    assert (
        list(assess_many(iter(accounts), as_of=SAMPLE_AS_OF, plan=True, workers=2, chunksize=1))
        == one
    )
