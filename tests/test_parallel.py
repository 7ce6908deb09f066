"""Tests of the ordered map over child processes behind the batch paths."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import WorkerDiedError, _parallel, assess_many
from perception._parallel import Job, RemoteTraceback, batches, ordered_map
from perception.testing import T0, make_account


def _square_all(state, batch):
    return [state * x * x for x in batch]


def _pid_of_each(state, batch):
    return [(os.getpid(), x) for x in batch]


def _fail_on_7(state, batch):
    if 7 in batch:
        raise KeyError("seven")
    return list(batch)


class Unpicklable(Exception):  # noqa: N818  # named for what the test needs of it
    def __init__(self, lock):
        super().__init__("cannot travel")
        self.lock = lock

    def __reduce__(self):
        raise TypeError("an exception holding a lock does not pickle")


def _fail_unpicklably(state, batch):
    raise Unpicklable(threading.Lock())


def _identity(state, batch):
    return list(batch)


def _die(state, batch):
    os.kill(os.getpid(), signal.SIGKILL)


def square_job(state=1):
    return Job(
        local=lambda batch: _square_all(state, batch),
        remote=_square_all,
        unpack=list,
        state=state,
    )


@settings(max_examples=30, deadline=None)
@given(items=st.lists(st.integers(), max_size=40), size=st.integers(1, 7))
def test_batches_keep_every_item_in_order(items, size):
    out = list(batches(items, size))
    assert [x for batch in out for x in batch] == items
    assert all(1 <= len(batch) <= size for batch in out)
    assert all(len(batch) == size for batch in out[:-1])


def test_batches_close_a_generator_they_leave_unfinished():
    closed = []

    def numbers():
        try:
            yield from range(100)
        finally:
            closed.append(True)

    source = batches(numbers(), 10)
    next(source)
    source.close()
    assert closed == [True]


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("chunksize", [1, 3, 50])
def test_results_come_in_input_order(workers, chunksize):
    items = list(range(101))
    out = list(ordered_map(square_job(2), iter(items), workers=workers, chunksize=chunksize))
    assert out == [2 * x * x for x in items]


def test_the_calling_process_and_the_children_share_the_work():
    job = Job(
        local=lambda batch: _pid_of_each(None, batch),
        remote=_pid_of_each,
        unpack=list,
    )
    out = list(ordered_map(job, range(400), workers=2, chunksize=2))
    assert [x for _, x in out] == list(range(400))
    pids = {pid for pid, _ in out}
    assert os.getpid() in pids
    assert len(pids) == 2


def _sleep_then_pid(state, batch):
    time.sleep(state)
    return _pid_of_each(None, batch)


def test_a_faster_child_gets_all_its_results_collected_and_more_work():
    # This process takes 50 ms a batch and the child none: each time this process
    # looks, every batch it gave the child is done, and the child is given DEPTH more.
    # Collecting only one result at a time would give the child one batch per batch
    # run here (half the work each); collecting all gives it DEPTH per batch run here.
    job = Job(
        local=lambda batch: _sleep_then_pid(0.05, batch),
        remote=_sleep_then_pid,
        unpack=list,
        state=0.0,
    )
    batches_in_all = 8 * (_parallel.DEPTH + 1)
    out = list(ordered_map(job, range(batches_in_all), workers=2, chunksize=1))
    assert [x for _, x in out] == list(range(batches_in_all))
    here = sum(pid == os.getpid() for pid, _ in out)
    assert here <= batches_in_all // 3, f"{here} of {batches_in_all} batches ran here"


@pytest.mark.parametrize(("workers", "chunksize"), [(0, 1), (2, 0)])
def test_bad_workers_or_chunksize_are_refused(workers, chunksize):
    with pytest.raises(ValueError, match=r"workers|chunksize"):
        next(ordered_map(square_job(), [1], workers=workers, chunksize=chunksize))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failure_is_raised_in_its_place_after_the_results_before_it(workers):
    job = Job(local=lambda batch: _fail_on_7(None, batch), remote=_fail_on_7, unpack=list)
    seen = []
    with pytest.raises(KeyError, match="seven"):
        seen.extend(ordered_map(job, range(40), workers=workers, chunksize=2))
    assert seen == list(range(6))


def test_a_childs_error_carries_its_traceback_as_its_cause():
    # The calling process never runs a batch itself here, so the child raises.
    job = Job(local=lambda batch: [], remote=_fail_on_7, unpack=list)
    with pytest.raises(KeyError) as info:
        list(ordered_map(job, [7], workers=2, chunksize=1))
    assert isinstance(info.value.__cause__, RemoteTraceback)
    assert "_fail_on_7" in str(info.value.__cause__)


def test_an_exception_that_cannot_be_pickled_arrives_as_a_runtime_error():
    job = Job(local=lambda batch: [], remote=_fail_unpicklably, unpack=list)
    with pytest.raises(RuntimeError, match="Unpicklable in a worker process: cannot travel"):
        list(ordered_map(job, [1], workers=2, chunksize=1))


def test_an_error_reading_the_input_is_raised_in_its_place():
    def items():
        yield from range(5)
        raise OSError("disk gone")

    seen = []
    with pytest.raises(OSError, match="disk gone"):
        seen.extend(ordered_map(square_job(), items(), workers=2, chunksize=1))
    assert seen == [x * x for x in range(5)]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_child_that_dies_is_reported():
    job = Job(local=list, remote=_die, unpack=list)
    with pytest.raises(WorkerDiedError, match=r"exited with code -9"):
        list(ordered_map(job, range(10), workers=2, chunksize=1))


@pytest.fixture
def started(monkeypatch):
    """The children that ordered_map starts during the test."""
    children = []
    start = _parallel._start

    def recording_start(job, count):
        children.extend(start(job, count))
        return children

    monkeypatch.setattr(_parallel, "_start", recording_start)
    return children


def test_closing_the_iterator_early_stops_the_children(started):
    results = ordered_map(square_job(), range(10_000), workers=3, chunksize=1)
    assert next(results) == 0
    results.close()
    assert len(started) == 2
    assert all(not child.process.is_alive() for child in started)


def test_children_exit_cleanly_after_the_last_result(started):
    assert list(ordered_map(square_job(), range(50), workers=2, chunksize=3))[-1] == 49 * 49
    assert [child.process.exitcode for child in started] == [0]


def test_large_batches_travel_both_ways_without_blocking():
    # Far more than a pipe holds, in both directions: neither side may wait on the other.
    big = ["x" * 100_000] * 40
    job = Job(local=list, remote=_identity, unpack=list)
    assert list(ordered_map(job, big, workers=2, chunksize=20)) == big


@pytest.fixture
def spawned(monkeypatch):
    """Children start as on Windows and macOS: a fresh interpreter, sent what they need."""
    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(_parallel.multiprocessing, "get_context", lambda: spawn)
    assert _parallel.start_method() == "spawn"


def test_spawned_children_receive_the_state_and_keep_the_order(spawned):
    out = list(ordered_map(square_job(3), range(30), workers=2, chunksize=2))
    assert out == [3 * x * x for x in range(30)]


def test_assess_many_sends_accounts_to_spawned_children(spawned):
    accounts = [make_account(id=f"a{i}") for i in range(6)]
    expected = [o.score for o in assess_many(accounts, as_of=T0)]
    outcomes = list(assess_many(accounts, as_of=T0, workers=2, chunksize=1))
    assert [o.account for o in outcomes] == [a.id for a in accounts]
    assert [o.score for o in outcomes] == expected


@pytest.mark.skipif(_parallel.start_method() != "fork", reason="children are not forked here")
def test_forked_children_read_a_list_of_accounts_from_shared_memory(monkeypatch):
    sent = []
    send = _parallel._Child.send

    def recording_send(self, number, batch):
        sent.extend(batch)
        send(self, number, batch)

    monkeypatch.setattr(_parallel._Child, "send", recording_send)
    accounts = [make_account(id=f"a{i}") for i in range(20)]
    expected = [o.score for o in assess_many(accounts, as_of=T0)]
    outcomes = list(assess_many(accounts, as_of=T0, workers=2, chunksize=1))
    assert [o.account for o in outcomes] == [a.id for a in accounts]
    assert [o.score for o in outcomes] == expected
    assert sent
    assert all(isinstance(item, int) for item in sent)  # positions, not accounts


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_child_killed_from_outside_is_reported(started):
    job = Job(local=list, remote=_identity, unpack=list)
    results = ordered_map(job, range(100_000), workers=2, chunksize=1)
    assert next(results) == 0
    os.kill(started[0].process.pid, signal.SIGKILL)
    started[0].process.join()
    with pytest.raises(WorkerDiedError, match="exited with code -9"):
        list(results)
