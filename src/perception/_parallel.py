"""An ordered map over batches of work, with the calling process as one of the workers.

:func:`ordered_map` runs a :class:`Job` over an iterable, a batch at a time, and yields the
results in input order.  With ``workers = n`` it starts ``n - 1`` child processes and keeps
working itself: whenever every child has :data:`DEPTH` batches queued, the calling process
runs the next batch in place, so on ``n`` cores no core waits on the process that hands out
the work.

Each child works on its main thread and reads batches and writes results on two small
threads, so neither side of a pipe waits for the other; the calling process only ever runs
on its own thread, and checks for finished batches between batches of its own.  A batch
goes over a pipe as one pickled message and comes back as one (a job may pack its results
into a compact form, which pickles faster than records).

Failures keep their place in the order: the results of every batch before a failed one are
yielded, then the batch's exception is raised in the calling process.  A child that dies
raises :class:`~perception.errors.WorkerDiedError`.  When the iterator is closed, exhausted
or fails, the children are stopped and joined.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import multiprocessing.connection
import pickle
import queue
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, Generic, TypeVar

import attrs

from perception.errors import WorkerDiedError

try:
    import fcntl
except ImportError:  # pragma: no cover  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DEPTH",
    "Job",
    "RemoteTraceback",
    "batches",
    "ordered_map",
    "start_method",
]

I = TypeVar("I")  # noqa: E741  # an item
R = TypeVar("R")

#: Batches queued at a time for each child: one to work on and two waiting, so a child
#: does not wait while the calling process finishes a batch of its own, even when a
#: garbage collection or another program holds the calling process up a while.  (On the
#: 20,000 messages of ``benchmarks/check.py``, the child waited for work 1.1-1.4 s of a
#: 3.6-4.8 s run with none waiting, 0.09-0.13 s with one and 0.02-0.04 s with two.)
DEPTH = 3
#: Batches done but not yet yielded, per worker, before the calling process stops
#: taking work and waits for the oldest (bounds memory when one batch is slow).
_BACKLOG_PER_WORKER = 4
#: Seconds a child is given to exit after its input is closed, before it is terminated.
_JOIN_SECONDS = 5.0


class RemoteTraceback(Exception):  # noqa: N818  # it is a traceback, shown as a cause
    """The traceback of an exception raised in a child, attached as its ``__cause__``."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


@attrs.frozen
class Job(Generic[I, R]):
    """What :func:`ordered_map` runs.

    :param local: runs a batch in the calling process.
    :param remote: runs a batch in a child as ``remote(state, batch)``; a module-level
        function (it is pickled by reference), whose return value is pickled back.
    :param unpack: turns what *remote* returned into the batch's results, in the
        calling process; it may be lazy, rebuilding each result as it is taken.
    :param state: passed to *remote* in every child; sent once, when the child starts
        (inherited without pickling when children are forked).
    """

    local: Callable[[list[I]], list[R]]
    remote: Callable[[Any, list[I]], Any]
    unpack: Callable[[Any], Iterable[R]]
    state: Any = None


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
    """How child processes start: ``fork``, ``spawn`` or ``forkserver``."""
    return multiprocessing.get_context().get_start_method()


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _portable(exc: BaseException) -> tuple[BaseException, str]:
    """*exc* (or, if it does not survive pickling, a RuntimeError) and its traceback."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        pickle.loads(_dumps(exc))  # noqa: S301  # our own bytes, from this very process
    except Exception:  # noqa: BLE001  # any failure to pickle means: send text instead
        return RuntimeError(f"{type(exc).__name__} in a worker process: {exc}"), text
    return exc, text


#: What the calling process sends a child to make it exit.
_STOP = b""


def _child_main(
    remote: Callable[[Any, list[Any]], Any],
    state: Any,
    inbox: multiprocessing.connection.Connection,
    outbox: multiprocessing.connection.Connection,
    inherited: tuple[multiprocessing.connection.Connection, ...],
) -> None:
    """A child's loop: receive ``(number, batch)``, send ``(number, ok, result)``."""
    # Ctrl-C reaches the whole process group: the calling process handles it (and stops
    # this child), so the child does not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked child holds copies of the calling process's ends of every pipe made so
    # far; closed here, so that each pipe ends when the calling process goes away.
    for connection in inherited:
        connection.close()
    tasks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def receive() -> None:
        # A thread of its own keeps the inbox drained, so the calling process never
        # blocks on a full pipe while this process blocks sending it a result.
        try:
            while (data := inbox.recv_bytes()) != _STOP:
                tasks.put(data)
        except (EOFError, OSError):
            pass
        tasks.put(None)

    results: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def send() -> None:
        # Results go out on a thread too: a result larger than the pipe holds is written
        # while the calling process finishes a batch of its own, and this process works on.
        while (payload := results.get()) is not None:
            try:
                outbox.send_bytes(payload)
            except OSError:
                return  # the calling process has gone

    threading.Thread(target=receive, name="perception-inbox", daemon=True).start()
    sender = threading.Thread(target=send, name="perception-outbox", daemon=True)
    sender.start()
    while (data := tasks.get()) is not None:
        number, batch = pickle.loads(data)  # noqa: S301  # from the process that started us
        try:
            payload = _dumps((number, True, remote(state, batch)))
        except Exception as exc:  # noqa: BLE001  # reported to the calling process
            payload = _dumps((number, False, _portable(exc)))
        results.put(payload)
    results.put(None)
    sender.join()


@attrs.define(eq=False)
class _Child:
    process: multiprocessing.process.BaseProcess
    inbox: multiprocessing.connection.Connection  # we send batches here
    outbox: multiprocessing.connection.Connection  # and read results here
    in_flight: deque[int] = attrs.field(factory=deque)

    def send(self, number: int, batch: list[Any]) -> None:
        data = _dumps((number, batch))
        try:
            self.inbox.send_bytes(data)
        except OSError as exc:  # the pipe broke: the child is gone
            raise self._died() from exc
        self.in_flight.append(number)

    def receive(self) -> tuple[int, bool, Any]:
        try:
            data = self.outbox.recv_bytes()
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        number, ok, value = pickle.loads(data)  # noqa: S301  # from our own child
        self.in_flight.remove(number)
        return number, ok, value

    def has_result(self) -> bool:
        """Whether a result (or the end of the pipe) is waiting to be received."""
        try:
            return self.outbox.poll()
        except (EOFError, OSError):
            return True  # receive() reports the broken pipe

    def _died(self) -> WorkerDiedError:
        self.process.join(_JOIN_SECONDS)
        return WorkerDiedError(
            f"worker process {self.process.pid} exited with code {self.process.exitcode} "
            f"before finishing {len(self.in_flight)} batch(es)"
        )


#: Bytes a pipe holds where the system lets it grow (Linux): a batch of accounts or of
#: lines is then written at once, instead of in pieces each waiting for the reader.
_PIPE_BYTES = 1 << 20


def _widen(connection: multiprocessing.connection.Connection) -> None:
    """Let the pipe under *connection* hold :data:`_PIPE_BYTES`, where that is possible."""
    resize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if resize is None:
        return
    with contextlib.suppress(OSError):  # above the system's limit: keep the default
        fcntl.fcntl(connection.fileno(), resize, _PIPE_BYTES)


def _start(job: Job[Any, Any], count: int) -> list[_Child]:
    context = multiprocessing.get_context()
    forked = context.get_start_method() == "fork"
    children: list[_Child] = []
    ours: list[multiprocessing.connection.Connection] = []
    # Objects that exist when the children are forked are frozen out of the garbage
    # collector meanwhile: a child's collections would otherwise walk the parent's whole
    # heap, copying every page it touches.  A program that froze objects itself keeps
    # its own arrangement.
    freeze = forked and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        for _ in range(count):
            their_inbox, our_inbox = context.Pipe(duplex=False)
            our_outbox, their_outbox = context.Pipe(duplex=False)
            _widen(our_inbox)
            _widen(our_outbox)
            ours += (our_inbox, our_outbox)
            process = context.Process(
                target=_child_main,
                args=(
                    job.remote,
                    job.state,
                    their_inbox,
                    their_outbox,
                    tuple(ours) if forked else (),
                ),
                name="perception-worker",
                daemon=True,
            )
            children.append(_Child(process=process, inbox=our_inbox, outbox=our_outbox))
            try:
                process.start()
            finally:
                their_inbox.close()
                their_outbox.close()
    except BaseException:
        _stop(children, finished=False)
        raise
    finally:
        if freeze:
            gc.unfreeze()
    return children


def _stop(children: list[_Child], *, finished: bool) -> None:
    """Tell the children to exit and join them; terminate them unless *finished*."""
    for child in children:
        if finished:
            with contextlib.suppress(OSError):
                child.inbox.send_bytes(_STOP)
        elif child.process.pid is not None:
            child.process.terminate()
        child.inbox.close()
    for child in children:
        if child.process.pid is not None:
            child.process.join(_JOIN_SECONDS)
            if child.process.is_alive():
                child.process.kill()
                child.process.join()
        child.outbox.close()


def ordered_map(job: Job[I, R], items: Iterable[I], *, workers: int, chunksize: int) -> Iterator[R]:
    """*job* over *items* in batches of *chunksize*, results in input order.

    :param workers: processes to use, this one included; 1 runs everything here.
    :raises ValueError: when *workers* or *chunksize* is below 1.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    if chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, not {chunksize}")
    with contextlib.closing(batches(items, chunksize)) as source:
        if workers == 1:
            for batch in source:
                yield from job.local(batch)
            return
        children = _start(job, workers - 1)
        finished = False
        try:
            yield from _Run(job, source, children, workers)
            finished = True
        finally:
            _stop(children, finished=finished)


class _Run(Generic[I, R]):
    """The calling process's side of one :func:`ordered_map`."""

    def __init__(
        self, job: Job[I, R], source: Iterator[list[I]], children: list[_Child], workers: int
    ) -> None:
        self.job = job
        self.source = source
        self.children = children
        self.backlog = _BACKLOG_PER_WORKER * workers
        self.done: dict[int, tuple[bool, Any]] = {}  # a child's batch -> (ok, value)
        self.local: dict[int, list[R] | BaseException] = {}  # batches run here
        self.submitted = 0  # batches read from the source
        self.emitted = 0  # batches yielded
        # After a failure no more input is read: the batches before it finish, then
        # it is raised in its place.
        self.exhausted = False

    def next_batch(self) -> list[I] | None:
        """The next batch of input, or None at its end (or when reading it failed)."""
        if self.exhausted:
            return None
        try:
            batch = next(self.source, None)
        except Exception as exc:  # noqa: BLE001  # raised in order, after the batches before
            self.local[self.submitted] = exc
            self.submitted += 1
            batch = None
        if batch is None:
            self.exhausted = True
        return batch

    def collect(self, *, block: bool) -> None:
        """Store every result the children have waiting; with *block*, wait for one first."""
        if block:
            multiprocessing.connection.wait([c.outbox for c in self.children if c.in_flight])
        # Every result waiting, not just the first: a child that finished two batches
        # while this process ran one of its own would otherwise be fed one batch per
        # batch run here, and wait on this process.
        for child in self.children:
            while child.in_flight and child.has_result():
                number, ok, value = child.receive()
                self.done[number] = (ok, value)
                self.exhausted = self.exhausted or not ok

    def feed(self) -> None:
        """Give every child batches until it has DEPTH of them."""
        for child in self.children:
            while len(child.in_flight) < DEPTH and (batch := self.next_batch()) is not None:
                child.send(self.submitted, batch)
                self.submitted += 1

    def ready(self) -> Iterator[R]:
        """The results of the finished batches that come next in order."""
        while self.emitted in self.done or self.emitted in self.local:
            results: Iterable[R]
            if self.emitted in self.local:
                here = self.local.pop(self.emitted)
                if isinstance(here, BaseException):
                    raise here
                results = here
            else:
                ok, value = self.done.pop(self.emitted)
                if not ok:
                    error, text = value
                    raise error from RemoteTraceback(text)
                results = self.job.unpack(value)
            self.emitted += 1
            yield from results

    def work_here(self) -> bool:
        """Run the next batch in this process; False when there is none to run."""
        if self.submitted - self.emitted >= self.backlog:
            return False  # far enough ahead of the oldest batch: wait for it instead
        batch = self.next_batch()
        if batch is None:
            return False
        try:
            self.local[self.submitted] = self.job.local(batch)
        except Exception as exc:  # noqa: BLE001  # raised in order, like a child's
            self.local[self.submitted] = exc
            self.exhausted = True
        self.submitted += 1
        return True

    def __iter__(self) -> Iterator[R]:
        while True:
            self.collect(block=False)
            self.feed()
            yield from self.ready()
            # every child has DEPTH batches now, or the input has ended
            if self.work_here():
                continue
            if self.exhausted and self.emitted == self.submitted:
                return
            self.collect(block=True)  # the oldest batch, or any other, is in a child
