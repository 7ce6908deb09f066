"""Tests of the ordered map over worker processes behind the batch paths."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import WorkerDiedError, _pool, assess_many
from perception._pool import RemoteTraceback, batches, ordered_map, worker_state
from perception.testing import T0, make_account


def _keep(state):
    return state


def _square_all(batch):
    return [worker_state() * x * x for x in batch]


def _pid_of_each(batch):
    return [(os.getpid(), x) for x in batch]


def _fail_on_7(batch):
    if 7 in batch:
        raise KeyError("seven")
    return list(batch)


class Unpicklable(Exception):  # noqa: N818  # named for what the test needs of it
    def __init__(self, lock):
        super().__init__("cannot travel")
        self.lock = lock

    def __reduce__(self):
        raise TypeError("an exception holding a lock does not pickle")


def _fail_unpicklably(batch):
    raise Unpicklable(threading.Lock())


def _identity(batch):
    return list(batch)


def _die(batch):
    os.kill(os.getpid(), signal.SIGKILL)


def run(work, items, *, workers=2, chunksize=1, state=1):
    return ordered_map(
        work, items, workers=workers, chunksize=chunksize, setup=_keep, state=state, unpack=list
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
    out = list(run(_square_all, iter(items), workers=workers, chunksize=chunksize, state=2))
    assert out == [2 * x * x for x in items]


def test_the_work_is_shared_by_the_workers():
    out = list(run(_pid_of_each, range(400), chunksize=2))
    assert [x for _, x in out] == list(range(400))
    pids = {pid for pid, _ in out}
    assert os.getpid() not in pids
    assert len(pids) == 2


@pytest.mark.parametrize(("workers", "chunksize"), [(0, 1), (2, 0)])
def test_bad_workers_or_chunksize_are_refused(workers, chunksize):
    with pytest.raises(ValueError, match=r"workers|chunksize"):
        next(run(_square_all, [1], workers=workers, chunksize=chunksize))


def test_a_failure_is_raised_in_its_place_after_the_results_before_it():
    seen = []
    with pytest.raises(KeyError, match="seven"):
        seen.extend(run(_fail_on_7, range(40), chunksize=2))
    assert seen == list(range(6))


def test_a_workers_error_carries_its_traceback_as_its_cause():
    with pytest.raises(KeyError) as info:
        list(run(_fail_on_7, [7]))
    assert isinstance(info.value.__cause__, RemoteTraceback)
    assert "_fail_on_7" in str(info.value.__cause__)


def test_an_exception_that_cannot_be_pickled_arrives_as_a_runtime_error():
    with pytest.raises(RuntimeError, match="Unpicklable in a worker process: cannot travel"):
        list(run(_fail_unpicklably, [1]))


def test_an_error_reading_the_input_is_raised_in_its_place():
    def items():
        yield from range(5)
        raise OSError("disk gone")

    seen = []
    with pytest.raises(OSError, match="disk gone"):
        seen.extend(run(_square_all, items()))
    assert seen == [x * x for x in range(5)]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_worker_that_dies_is_reported():
    with pytest.raises(WorkerDiedError, match=r"exited with code -9"):
        list(run(_die, range(10)))


@pytest.fixture
def started(monkeypatch):
    """The worker processes that ordered_map starts during the test."""
    found = []
    processes = _pool._processes

    def recording(executor):
        current = processes(executor)
        found.extend(p for p in current if p not in found)
        return current

    monkeypatch.setattr(_pool, "_processes", recording)
    return found


def test_the_input_is_read_a_window_at_a_time(started):
    read = []

    def items():
        for x in range(10_000):
            read.append(x)
            yield x

    results = run(_identity, items())
    assert next(results) == 0
    assert len(read) <= _pool.WINDOW_PER_WORKER * 2 + 1
    results.close()


def test_closing_the_iterator_early_stops_the_workers(started):
    results = run(_square_all, range(10_000), workers=3)
    assert next(results) == 0
    results.close()
    assert len(started) == 3
    assert all(not p.is_alive() for p in started)


def test_workers_exit_cleanly_after_the_last_result(started):
    assert list(run(_square_all, range(50), chunksize=3))[-1] == 49 * 49
    assert sorted(p.exitcode for p in started) == [0, 0]


def test_large_batches_travel_both_ways_without_blocking():
    big = ["x" * 100_000] * 40
    assert list(run(_identity, big, chunksize=20)) == big


@pytest.fixture
def spawned(monkeypatch):
    """Workers start as on Windows and macOS: a fresh interpreter, sent what they need."""
    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(_pool.multiprocessing, "get_context", lambda: spawn)
    assert _pool.start_method() == "spawn"


def test_spawned_workers_receive_the_state_and_keep_the_order(spawned):
    assert list(run(_square_all, range(30), chunksize=2, state=3)) == [3 * x * x for x in range(30)]


def test_assess_many_sends_accounts_to_spawned_workers(spawned):
    accounts = [make_account(id=f"a{i}") for i in range(6)]
    expected = [o.score for o in assess_many(accounts, as_of=T0)]
    outcomes = list(assess_many(accounts, as_of=T0, workers=2, chunksize=1))
    assert [o.account for o in outcomes] == [a.id for a in accounts]
    assert [o.score for o in outcomes] == expected


@pytest.mark.skipif(_pool.start_method() != "fork", reason="workers are not forked here")
def test_forked_workers_read_a_list_of_accounts_from_shared_memory(monkeypatch):
    sent = []
    submit = _pool._submit

    def recording_submit(executor, work, batch, *, first):
        sent.extend(batch)
        return submit(executor, work, batch, first=first)

    monkeypatch.setattr(_pool, "_submit", recording_submit)
    accounts = [make_account(id=f"a{i}") for i in range(20)]
    expected = [o.score for o in assess_many(accounts, as_of=T0)]
    outcomes = list(assess_many(accounts, as_of=T0, workers=2, chunksize=1))
    assert [o.account for o in outcomes] == [a.id for a in accounts]
    assert [o.score for o in outcomes] == expected
    assert sent
    assert all(isinstance(item, int) for item in sent)  # positions, not accounts


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_worker_killed_from_outside_is_reported(started):
    results = run(_identity, range(100_000))
    assert next(results) == 0
    os.kill(started[0].pid, signal.SIGKILL)
    started[0].join()
    with pytest.raises(WorkerDiedError, match="exited with code -9"):
        list(results)


def _fail_with_a_chain(batch):
    try:
        raise Unpicklable(threading.Lock())
    except Unpicklable as exc:
        raise KeyError("outer") from exc


def test_an_exception_travels_without_its_chain_which_arrives_as_text():
    # distributed installs tblib's pickling of exceptions with their chain: a link of the
    # chain that does not pickle must not turn the exception into a RuntimeError.
    pytest.importorskip("tblib.pickling_support").install()
    with pytest.raises(KeyError, match="outer") as info:
        list(run(_fail_with_a_chain, [1]))
    assert "Unpicklable: cannot travel" in str(info.value.__cause__)
