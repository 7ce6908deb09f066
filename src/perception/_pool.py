"""An ordered map over worker processes, on the standard library's process pool (private).

:func:`ordered_map` hands batches of items to a :class:`~concurrent.futures.ProcessPoolExecutor`
through a bounded window of futures (at most :data:`WINDOW_PER_WORKER` batches per worker
submitted and not yet yielded, so memory stays flat however long the input), and yields
the results in input order.

Each worker runs ``setup(state)`` once when it starts (where processes are forked, *state*
is inherited, not pickled) and ignores Ctrl-C: the calling process gets the
``KeyboardInterrupt`` and stops the workers.  A worker that dies raises
:class:`~perception.errors.WorkerDiedError`; an exception raised by *work* in a worker is
raised in the calling process, with the worker's traceback as its cause.  When the
iterator is exhausted the pool is shut down; when it is closed early or fails, the
workers are terminated and joined, so no process is left behind.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import pickle
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from perception.errors import WorkerDiedError

__all__ = [
    "WINDOW_PER_WORKER",
    "RemoteTraceback",
    "batches",
    "check_sizes",
    "ordered_map",
    "portable",
    "start_method",
    "worker_state",
]

I = TypeVar("I")  # noqa: E741  # an item
R = TypeVar("R")
O = TypeVar("O")  # noqa: E741  # a result, as yielded

#: Batches submitted and not yet yielded, per worker: one running, one queued in the
#: pool's call queue and the rest waiting, so that no worker waits for the calling
#: process to submit more.
WINDOW_PER_WORKER = 4
#: Seconds a worker is given to exit once terminated, before it is killed.
_JOIN_SECONDS = 5.0


class RemoteTraceback(Exception):  # noqa: N818  # it is a traceback, shown as a cause
    """The traceback of an exception raised in a worker, attached as its ``__cause__``."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


def check_sizes(workers: int, chunksize: int) -> None:
    """Refuse *workers* or *chunksize* below 1 (a ``ValueError`` naming it)."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    if chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, not {chunksize}")


def batches(items: Iterable[I], size: int) -> Generator[list[I], None, None]:
    """Lists of up to *size* consecutive items of *items*, read lazily.

    When *items* is a generator, it is closed when this one is (its ``finally`` blocks
    run then, closing the files it reads, even if an error left it unfinished).
    """
    iterator = iter(items)
    try:
        while batch := list(itertools.islice(iterator, size)):
            yield batch
    finally:
        if isinstance(iterator, Generator):
            iterator.close()


def start_method() -> str:
    """How worker processes start here: ``fork``, ``spawn`` or ``forkserver``."""
    return multiprocessing.get_context().get_start_method()


def portable(exc: BaseException) -> tuple[BaseException, str]:
    """*exc* (or, if it does not survive pickling, a RuntimeError) and its traceback."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    # The text holds the chain; the exception travels without it (where a library has
    # made exceptions pickle with their traceback and chain, as tblib does, an exception
    # in the chain may not unpickle).
    exc.__traceback__ = exc.__context__ = exc.__cause__ = None
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301  # our own bytes, from this very process
    except Exception:  # noqa: BLE001  # any failure to pickle means: send text instead
        return RuntimeError(f"{type(exc).__name__} in a worker process: {exc}"), text
    return exc, text


#: What ``setup`` returned in this worker process (None in the calling process).
_state: Any = None


def worker_state() -> Any:
    """The state this worker process was started with."""
    return _state


def _start_worker(setup: Callable[[Any], Any], state: Any) -> None:
    global _state  # noqa: PLW0603  # one state per worker process, set once at its start
    # Ctrl-C reaches the whole process group: the calling process handles it (and stops
    # this worker), so the worker prints no traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _state = setup(state)


def _run(work: Callable[[list[Any]], Any], batch: list[Any]) -> tuple[bool, Any]:
    """``work(batch)`` in a worker: ``(True, result)`` or ``(False, (error, traceback))``."""
    try:
        return True, work(batch)
    except Exception as exc:  # noqa: BLE001  # raised in the calling process, in its place
        return False, portable(exc)


def _processes(executor: ProcessPoolExecutor) -> list[BaseProcess]:
    # The pool keeps its processes in a private mapping (Python 3.14 adds public
    # terminate_workers(); earlier versions have nothing public to reach them).
    found: dict[int, BaseProcess] | None = getattr(executor, "_processes", None)
    return list(found.values()) if found else []


def _died(processes: list[BaseProcess], unfinished: int) -> WorkerDiedError:
    for process in processes:
        process.join(_JOIN_SECONDS)
    # The pool terminates the other workers once one dies: name the one that died first.
    codes = [(p.pid, p.exitcode) for p in processes if p.exitcode not in (None, 0)]
    first = [c for c in codes if c[1] != -signal.SIGTERM] or codes
    if not first:
        return WorkerDiedError(f"a worker process exited before finishing {unfinished} batch(es)")
    pid, code = first[0]
    return WorkerDiedError(
        f"worker process {pid} exited with code {code} before finishing {unfinished} batch(es)"
    )


def _stop(executor: ProcessPoolExecutor, processes: list[BaseProcess], *, finished: bool) -> None:
    if finished:
        executor.shutdown(wait=True)
        return
    # The pool's manager thread also reaps the workers; a shutdown without waiting forgets
    # it, so it is kept here and joined last: until it ends, a worker that it reaped may
    # still read as alive (its exit status is set by whichever thread reaped it).
    manager: threading.Thread | None = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.exitcode is None:
            process.terminate()
    for process in processes:
        process.join(_JOIN_SECONDS)
        if process.exitcode is None:
            process.kill()
            process.join(_JOIN_SECONDS)
    if manager is not None:
        manager.join()  # it sees the workers gone and ends


def ordered_map(
    work: Callable[[list[I]], R],
    items: Iterable[I],
    *,
    workers: int,
    chunksize: int,
    setup: Callable[[Any], Any],
    state: Any,
    unpack: Callable[[R], Iterable[O]],
) -> Iterator[O]:
    """``unpack(work(batch))`` for each batch of *chunksize* items, in input order.

    :param work: a module-level function (pickled by reference), run in a worker.
    :param setup: run in each worker with *state* when it starts; what it returns is
        that worker's :func:`worker_state`.
    :param unpack: turns a batch's result into the results to yield, in this process.
    :raises ValueError: when *workers* or *chunksize* is below 1.
    """
    check_sizes(workers, chunksize)
    context = multiprocessing.get_context()
    executor = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(setup, state)
    )
    window: deque[Future[tuple[bool, Any]]] = deque()
    # The workers, as they start (forked ones all at the first batch, others one by one).
    known: dict[int, BaseProcess] = {}
    finished = False
    failed: BaseException | None = None  # reading the input failed: raised in its place
    try:
        with contextlib.closing(batches(items, chunksize)) as source:
            while True:
                while failed is None and len(window) < WINDOW_PER_WORKER * workers:
                    try:
                        batch = next(source, None)
                    except Exception as exc:  # noqa: BLE001  # raised after the batches before
                        failed = exc
                        break
                    if batch is None:
                        break
                    try:
                        window.append(_submit(executor, work, batch, first=not known))
                    except BrokenProcessPool as exc:
                        raise _died(list(known.values()), len(window) + 1) from exc
                    known.update((p.pid or 0, p) for p in _processes(executor))
                if not window:
                    break
                try:
                    ok, value = window.popleft().result()
                except BrokenProcessPool as exc:
                    raise _died(list(known.values()), len(window) + 1) from exc
                if not ok:
                    error, text = value
                    raise error from RemoteTraceback(text)
                yield from unpack(value)
        if failed is not None:
            raise failed
        finished = True
    finally:
        _stop(executor, list(known.values()), finished=finished)


def _submit(
    executor: ProcessPoolExecutor,
    work: Callable[[list[Any]], Any],
    batch: list[Any],
    *,
    first: bool,
) -> Future[tuple[bool, Any]]:
    """Submit *batch*; the *first* batch starts the workers."""
    # Forked workers share this process's memory: objects that exist when they start are
    # frozen out of the garbage collector meanwhile, so that a worker's collections do
    # not walk (and copy) the whole inherited heap.  A program that froze objects itself
    # keeps its own arrangement.
    freeze = first and start_method() == "fork" and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        return executor.submit(_run, work, batch)
    finally:
        if freeze:
            gc.unfreeze()
