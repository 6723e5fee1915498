"""Running ``extract`` over many documents: in this process, in a local
process pool, or on a Dask distributed cluster.

Every engine takes the same :class:`Job` stream and gives back one
:class:`Result` per job, in input order, so the output of a batch does not
depend on where it ran. Only plain data crosses process boundaries (a
:class:`~pipeline.errors.VntasksError` does not survive pickling, so errors
travel as their code and message).

Memory stays flat in the number of documents: jobs are drawn from their
iterator only as fast as results are taken, through a window of a few jobs
per worker. ``Pool.imap`` is not used for this because its feeder thread reads
the whole input ahead, and it keeps finished results behind a slow document
without limit.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from typing import Any, Literal

from pipeline.errors import VntasksError
from pipeline.model import RawDocument
from pipeline.read.ocr import OcrOptions

Engine = Literal["local", "dask"]
# Jobs waiting or running per worker: enough to keep each worker busy while
# the parent writes, few enough that memory does not depend on the batch.
WINDOW_PER_WORKER = 4
# Documents per Dask task: one task per document would spend more time in
# the scheduler than in extraction for short directives.
DASK_BATCH_SIZE = 16


@dataclass(frozen=True)
class Options:
    """What every document of a batch is extracted with."""

    issued: date | None = None
    doc_type: str | None = None
    number: str | None = None
    with_text: bool = False
    max_bytes: int | None = None
    max_unpacked_bytes: int | None = None
    max_chars: int | None = None
    max_pages: int | None = None
    # Seconds one document may take, read and extracted (None: no limit).
    timeout: float | None = None
    # Records already in the output, as (source, ``document.text_sha256``):
    # such a document is read and hashed, then skipped.
    skip_records: frozenset[tuple[str, str]] = frozenset()
    # The parent keeps other libraries' log lines off standard error
    # (pipeline.quiet); workers that share its stderr must do so too.
    quiet: bool = False
    # How scans are read: OCR mode, its bounds, and the pages recognised at once.
    ocr: OcrOptions = OcrOptions()


def _keep_quiet(options: Options) -> None:
    """Silence this process as the parent is; a forked worker already is,
    a spawned one or a Dask worker is not."""
    if options.quiet:
        from pipeline.quiet import silence_libraries

        silence_libraries()


@dataclass(frozen=True)
class Job:
    """One document to extract. ``source`` is the name written in records
    and errors; ``path`` is where to read it (None when ``raw`` holds text the
    parent already read, such as standard input); ``refusal`` is a
    ``(code, message)`` the parent already decided on; ``skip`` marks a
    source an earlier run already wrote an error line for."""

    source: str
    path: str | None = None
    raw: RawDocument | None = None
    refusal: tuple[str, str] | None = None
    skip: bool = False


@dataclass(frozen=True)
class Result:
    """What a worker sends back: a record, an error ``(code, message)``, or
    neither when the document was skipped."""

    source: str
    record: dict[str, Any] | None = None
    error: tuple[str, str] | None = None
    skipped: bool = False


def rebuild_error(source: str, code: str, message: str) -> VntasksError:
    """A :class:`VntasksError` equal to the one a worker raised."""
    error = VntasksError.__new__(VntasksError)
    error.code, error.source, error.message = code, source, message
    Exception.__init__(error, f"{source}: {message}")
    return error


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_models() -> None:
    """Load the language models now, so that a worker pays for them once,
    before its first document, and never again."""
    from pipeline.tokenise import _pos_model, _segmentation_model, get_nlp

    get_nlp()
    _segmentation_model()
    _pos_model()


def read_limits(options: Options) -> dict[str, Any]:
    """The read stage's limits that ``options`` set (the others keep their
    defaults) and how it reads scans, as keyword arguments of
    ``read_document``."""
    given: dict[str, Any] = {
        "ocr": options.ocr,
        "max_bytes": options.max_bytes,
        "max_unpacked_bytes": options.max_unpacked_bytes,
        "max_chars": options.max_chars,
        "max_pages": options.max_pages,
    }
    return {name: value for name, value in given.items() if value is not None}


class _TimedOut(BaseException):
    """Not an ``Exception``: the readers turn any ``Exception`` from their
    libraries into "corrupt file", which a timeout is not."""


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_TimedOut` in this thread after ``seconds``. An alarm
    signal works only in a process's main thread, which is where this
    process and the pool's workers run documents; elsewhere (Dask's worker
    threads) there is no limit."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process(job: Job, options: Options) -> Result:
    """Read and extract one document. Whatever goes wrong with it, a
    refusal, a bug, running out of memory or out of time, becomes its error
    result, so the rest of the batch is still extracted and written."""
    from pipeline.export import to_dict
    from pipeline.extraction import extract
    from pipeline.read import read_document

    if job.skip:
        return Result(job.source, skipped=True)
    if job.refusal is not None:
        return Result(job.source, error=job.refusal)
    try:
        with _time_limit(options.timeout):
            raw = job.raw
            if raw is None:
                raw = read_document(job.path, **read_limits(options))
            if job.raw is None and raw.source != job.source:
                # Remote workers read an absolute path; records keep the name given.
                raw = replace(raw, source=job.source)
            done = (job.source, text_sha256(raw.text))
            if options.skip_records and done in options.skip_records:
                return Result(job.source, skipped=True)
            result = extract(
                raw, issued=options.issued, doc_type=options.doc_type, number=options.number
            )
            record = to_dict(result, with_text=options.with_text)
    except VntasksError as error:
        return Result(job.source, error=(error.code, error.message))
    except _TimedOut:
        error = VntasksError("timeout", job.source, limit=options.timeout)
        return Result(job.source, error=(error.code, error.message))
    except MemoryError:
        error = VntasksError("out_of_memory", job.source)
        return Result(job.source, error=(error.code, error.message))
    except Exception as failure:  # noqa: BLE001 - one document's bug must not end the batch
        reason = f"{type(failure).__name__}: {str(failure).splitlines()[0] if str(failure) else ''}"
        error = VntasksError("crashed", job.source, reason=reason.rstrip(": "))
        return Result(job.source, error=(error.code, error.message))
    return Result(job.source, record=record)


def process_batch(jobs: list[Job], options: Options) -> list[Result]:
    """One Dask task: several documents, so scheduling costs little per document."""
    _keep_quiet(options)
    return [process(job, options) for job in jobs]


# -- local process pool ------------------------------------------------------

_worker_options: Options | None = None


def _start_worker(options: Options) -> None:
    global _worker_options
    _worker_options = options
    _keep_quiet(options)
    # Ctrl-C is the parent's to handle: it stops the pool; workers that
    # caught it too would each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    load_models()


def _work(job: Job) -> Result:
    assert _worker_options is not None
    return process(job, _worker_options)


def _pool_context() -> Any:
    # fork: workers inherit what the parent has imported and start at once.
    # The parent holds no threads when the pool starts (the progress bar is
    # refreshed by hand), which is what makes forking safe.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _in_order(submitted: Iterator[Any], window: int) -> Iterator[Any]:
    """Take handles from ``submitted`` (each submitting its work when drawn)
    and yield their ``.get()`` in order, never more than ``window`` ahead."""
    pending: deque[Any] = deque()
    for handle in submitted:
        pending.append(handle)
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def run_local(jobs: Iterable[Job], options: Options, workers: int = 1) -> Iterator[Result]:
    """Results of ``jobs`` in order, from ``workers`` processes (1: this one)."""
    if workers <= 1:
        for job in jobs:
            yield process(job, options)
        return
    with _pool_context().Pool(workers, initializer=_start_worker, initargs=(options,)) as pool:
        handles = (pool.apply_async(_work, (job,)) for job in jobs)
        yield from _in_order(handles, workers * WINDOW_PER_WORKER)


# -- Dask distributed ----------------------------------------------------------


class _DaskHandle:
    def __init__(self, future: Any) -> None:
        self.future = future

    def get(self) -> list[Result]:
        return self.future.result()


def _batches(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    iterator = iter(jobs)
    while batch := list(islice(iterator, size)):
        yield batch


def _absolute(job: Job) -> Job:
    from pathlib import Path

    if job.path is None:
        return job
    return replace(job, path=str(Path(job.path).resolve()))


def dask_unreachable(scheduler: str | None, timeout: float = 5.0) -> str | None:
    """Why a Dask run could not start, in one line, or None. A local cluster
    talks to its workers over the loopback network (127.0.0.1), which a
    sandbox may lack: Dask then fails with a traceback after 30 s, so the
    connection is tried first, as a connection to a given scheduler is."""
    import socket
    from urllib.parse import urlsplit

    if scheduler is None:
        try:
            with socket.socket() as listener:
                listener.bind(("127.0.0.1", 0))
                listener.listen(1)
                socket.create_connection(listener.getsockname(), timeout=timeout).close()
        except OSError as error:
            return (
                "the dask engine needs the loopback network (127.0.0.1) to reach its "
                f"workers, and it is down here ({error.strerror or error}); "
                "use --engine local"
            )
        return None
    address = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
    try:
        port = address.port
    except ValueError:
        port = None
    if address.hostname is None or port is None:
        return f"--scheduler {scheduler!r} is not an address of the form tcp://HOST:PORT"
    try:
        socket.create_connection((address.hostname, port), timeout=timeout).close()
    except OSError as error:
        return f"cannot reach the Dask scheduler at {scheduler} ({error.strerror or error})"
    return None


def run_dask(
    jobs: Iterable[Job],
    options: Options,
    scheduler: str | None = None,
    workers: int = 1,
    batch_size: int = DASK_BATCH_SIZE,
) -> Iterator[Result]:
    """Results of ``jobs`` in order, computed on a Dask cluster: the one at
    ``scheduler`` (``tcp://host:port``), or a local one of ``workers``
    processes started for this run. Workers read the files themselves, so
    every worker must see them at the same absolute paths."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as missing:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "the dask engine needs the 'dask' extra: pip install 'vntasks[dask]'"
        ) from missing

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        shared = client.scatter(options, broadcast=True)
        window = max(2, 2 * len(client.scheduler_info().get("workers", {})))
        handles = (
            _DaskHandle(client.submit(process_batch, batch, shared, pure=False))
            for batch in _batches((_absolute(job) for job in jobs), batch_size)
        )
        for results in _in_order(handles, window):
            yield from results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(
    jobs: Iterable[Job],
    options: Options,
    workers: int = 1,
    engine: Engine = "local",
    scheduler: str | None = None,
) -> Iterator[Result]:
    """Dispatch to the engine asked for; a scheduler address means Dask."""
    if engine == "dask" or scheduler is not None:
        return run_dask(jobs, options, scheduler=scheduler, workers=workers)
    return run_local(jobs, options, workers=workers)
