"""Where an output goes and how it is written, so that ``-o`` never destroys
anything (issues 14 and 17).

- The format comes from ``--format``, else from the ``-o`` name's extension
  (:data:`FORMAT_SUFFIXES`); an extension that names another format than
  ``--format`` is a usage error, and so is one that names no format.
- :func:`plan_output` checks the target before any document is read: an
  existing file is replaced only with ``force`` (``resume`` appends to it),
  never when it is one of the inputs, a device, a FIFO, a socket or a
  symbolic link; a folder that cannot be written is named at once. ``-o``
  naming a folder (an existing one, or a name ending in ``/``) writes one
  file per input there, each checked the same way.
- :func:`atomic_output` writes to a temporary file beside the target, makes
  it durable (``fsync`` of the file, then of the folder after the rename) and
  only then renames it over the target, so a run that fails or is
  interrupted leaves the old file whole. A run in which no document was
  extracted writes nothing.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

from pipeline.errors import VntasksError

FORMATS = ("json", "jsonl", "csv", "xlsx", "ics", "html")
FORMAT_SUFFIXES = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".ics": "ics",
    ".html": "html",
    ".htm": "html",
}
SUFFIX_OF = {"json": ".json", "jsonl": ".jsonl", "csv": ".csv", "xlsx": ".xlsx", "ics": ".ics",
             "html": ".html"}
# The name a document read from standard input gets in an output folder.
STDIN_STEM = "stdin"
_SPECIAL_KINDS = (
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISSOCK, "socket"),
)

T = TypeVar("T")


def special_kind(mode: int) -> str | None:
    """What a file of ``st_mode`` is when it is a device, FIFO or socket:
    never to be opened as a document nor replaced as an output."""
    for test, kind in _SPECIAL_KINDS:
        if test(mode):
            return kind
    return None


@dataclass(frozen=True)
class Plan:
    """What to write where. ``format`` is one of :data:`FORMATS`; ``file``
    the ``-o`` file, or None for standard output; ``folder`` the ``-o``
    folder, with ``files`` mapping each source to its own file there;
    ``several`` says the inputs are more than one document (a folder
    argument counts as several), so JSON is an array and the default on
    standard output is JSON Lines."""

    format: str
    file: Path | None = None
    folder: Path | None = None
    several: bool = False
    files: dict[str, Path] = field(default_factory=dict)


def partial_path(path: Path) -> Path:
    """Where JSON Lines for ``path`` are written until the batch ends."""
    return path.with_name(path.name + ".partial")


def names_folder(output: str) -> bool:
    """Whether ``-o output`` names a folder: an existing one, or a name
    ending in a path separator."""
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def choose_format(output: str | None, given: str | None, several: bool) -> str:
    """The format of ``-o output`` with ``--format given`` (None: not given)."""
    suffix = "" if output is None or names_folder(output) else Path(output).suffix.lower()
    implied = FORMAT_SUFFIXES.get(suffix)
    if given is not None:
        if implied is not None and implied != given:
            raise VntasksError("format_mismatch", output or "-", implied=implied, given=given)
        return given
    if suffix and implied is None:
        raise VntasksError("unknown_extension", output or "-", suffix=suffix,
                           formats=", ".join(FORMATS))
    if implied is not None:
        return implied
    # No -f and no extension: one JSON object, or JSON Lines for several.
    return "jsonl" if several else "json"


def _check_clock(chosen: str) -> None:
    """A bad ``SOURCE_DATE_EPOCH`` is refused now, not after the batch."""
    if chosen in ("ics", "xlsx"):
        from pipeline.formats.clock import build_time

        build_time()


def _identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _writable_folder(folder: Path, target: Path) -> None:
    """Refuse a target whose folder cannot be made or written. The folder
    may not exist yet (it is made at write time); its nearest existing
    ancestor must then be a writable folder."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise VntasksError("output_unwritable", str(target), reason=f"{existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise VntasksError("output_unwritable", str(target),
                           reason=f"no permission to write in {existing}")


def check_target(
    path: Path, inputs: Collection[tuple[int, int]], *, force: bool, resume: bool, lines: bool
) -> None:
    """Refuse to write ``path`` where that would destroy something: see the
    module docstring. ``inputs`` are the (device, inode) pairs of the input
    files; ``lines`` says the output is JSON Lines (which has a ``.partial``
    file and can be resumed)."""
    name = str(path)
    try:
        found = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        # Nothing there yet (a missing or misnamed folder is named below).
        found = None
    except OSError as error:
        raise VntasksError("output_unwritable", name, reason=error.strerror) from error
    if found is not None:
        if stat.S_ISLNK(found.st_mode):
            raise VntasksError("output_symlink", name, target=os.readlink(path))
        if stat.S_ISDIR(found.st_mode):
            raise VntasksError("output_unwritable", name, reason="it is a folder")
        kind = special_kind(found.st_mode)
        if kind is not None:
            raise VntasksError("output_special", name, kind=kind)
        if (found.st_dev, found.st_ino) in inputs:
            raise VntasksError("output_is_input", name)
        if not force and not (resume and lines):
            hint = " (or --resume to carry on)" if lines else ""
            raise VntasksError("output_exists", name, hint=hint)
    partial = partial_path(path)
    if lines and partial.exists() and not resume and not force:
        raise VntasksError("output_partial", name, partial=partial.name)
    _writable_folder(path.parent, path)


def _folder_files(folder: Path, sources: Sequence[str], suffix: str) -> dict[str, Path]:
    files: dict[str, Path] = {}
    owner: dict[Path, str] = {}
    for source in sources:
        stem = STDIN_STEM if source == "-" else Path(source).stem
        target = folder / f"{stem}{suffix}"
        if target in owner:
            raise VntasksError("output_collision", str(target), first=owner[target], second=source)
        owner[target] = source
        files[source] = target
    return files


def plan_output(
    arguments: Sequence[str],
    sources: Sequence[str],
    output: str | None,
    given: str | None,
    *,
    force: bool = False,
    resume: bool = False,
) -> Plan:
    """Decide the format and check every target before any work starts.
    ``arguments`` are the inputs as given, ``sources`` the documents they
    expand to. Raises :class:`VntasksError` (a usage error) on a refusal."""
    several = len(sources) > 1 or any(a != "-" and Path(a).is_dir() for a in arguments)
    if force and resume:
        raise VntasksError("force_and_resume", "")
    if output is None:
        if resume:
            raise VntasksError("resume_needs_lines", "")
        chosen = choose_format(None, given, several)
        _check_clock(chosen)
        return Plan(chosen, several=several)
    inputs = {identity for identity in map(_identity, sources) if identity is not None}
    if names_folder(output):
        folder = Path(output)
        if resume:
            raise VntasksError("resume_needs_lines", "")
        if folder.exists() and not folder.is_dir():
            raise VntasksError("output_unwritable", output, reason="it is not a folder")
        chosen = given or "json"
        _check_clock(chosen)
        files = _folder_files(folder, sources, SUFFIX_OF[chosen])
        for target in files.values():
            # Each file is written whole (no .partial, no --resume).
            check_target(target, inputs, force=force, resume=False, lines=False)
        if not files:
            _writable_folder(folder, folder)
        return Plan(chosen, folder=folder, several=several, files=files)
    if resume and given is None and not Path(output).suffix:
        # --resume means JSON Lines, as it always has.
        given = "jsonl"
    chosen = choose_format(output, given, several)
    _check_clock(chosen)
    if resume and chosen != "jsonl":
        raise VntasksError("resume_needs_lines", "")
    path = Path(output)
    check_target(path, inputs, force=force, resume=resume, lines=chosen == "jsonl")
    return Plan(chosen, file=path, several=several)


# -- writing -------------------------------------------------------------------


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows it)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def publish(temporary: Path, path: Path) -> None:
    """Give ``temporary`` (written and fsynced) the usual permissions and
    rename it over ``path``, durably."""
    # mkstemp creates the file private (0600); an output is an ordinary
    # file that colleagues may open.
    os.chmod(temporary, 0o666 & ~_current_umask())
    os.replace(temporary, path)
    sync_folder(path.parent)


@dataclass
class Pending:
    """A temporary output being written: ``stream`` to write to; set
    ``keep`` to False to leave the target as it was."""

    stream: IO[str]
    keep: bool = True


@contextmanager
def atomic_output(path: Path) -> Iterator[Pending]:
    """Write ``path`` through a temporary file beside it: renamed over the
    target only when the block ends normally with ``keep`` set; removed
    otherwise (an exception, Ctrl-C, nothing worth writing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            pending = Pending(stream)
            yield pending
            stream.flush()
            os.fsync(stream.fileno())
        if pending.keep:
            publish(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[IO[str]], T]) -> T:
    """Call ``write(stream)`` on a temporary file, then rename it to ``path``."""
    with atomic_output(path) as pending:
        return write(pending.stream)


def describe_failure(error: OSError, target: Path | None) -> str:
    """The one line for an output that could not be written."""
    where = target if target is not None else Path(error.filename or "-")
    return str(VntasksError("output_unwritable", str(where), reason=error.strerror or error))

