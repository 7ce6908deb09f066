"""Tests of the compact form in which worker processes send message reports."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from perception import _wire
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
