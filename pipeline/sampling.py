"""Draw documents for annotation at random, before anyone reads them.

The test part must be chosen before looking, or it measures the rules' fit to
the documents someone already read. The draw is stratified by the document
type that the corpus's ``SOURCES.tsv`` gives, so that the parts hold a mix of
kinds and not only the commonest one (half of the wild corpus is Quyết định).
Within each type the files are ordered by SHA-256 of ``"<seed>:<file>"``: the
order depends on the seed and the file names alone, never on Python's random
module (whose algorithm may change between versions) or on the texts.
Candidates in that order are dealt alternately to the parts (test first), so
neither part gets the "first" documents. An annotator then takes a part's
candidates in order, skipping, and recording why, only those that are over the
size cap or hold no task by the guide.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DRAW_COLUMNS = ("stratum", "rank", "file", "bytes", "part", "outcome")


@dataclass(frozen=True)
class Candidate:
    stratum: str
    rank: int
    file: str
    size: int
    part: str
    outcome: str = ""


def _order_key(seed: int, name: str) -> str:
    return hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()


def read_sources(path: Path) -> list[dict[str, str]]:
    """The rows of a corpus's ``SOURCES.tsv`` (needs ``file``, ``type``, ``bytes``)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for number, row in enumerate(rows, start=2):
        missing = [key for key in ("file", "type", "bytes") if not row.get(key)]
        if missing:
            raise ValueError(f"{path}:{number}: no {', '.join(missing)}")
    return rows


def draw(
    sources: Iterable[Mapping[str, str]],
    seed: int,
    strata: Sequence[str],
    parts: Sequence[str] = ("test", "dev"),
    max_bytes: int | None = None,
) -> list[Candidate]:
    """Every file of the given types, in seeded order per type, dealt to ``parts``.

    Files over ``max_bytes`` keep their rank and part but carry the outcome
    ``over-size`` so the record shows they were drawn and passed over.
    """
    if not parts:
        raise ValueError("at least one part is needed")
    by_type: dict[str, list[Mapping[str, str]]] = {}
    for row in sources:
        by_type.setdefault(row["type"], []).append(row)
    unknown = [stratum for stratum in strata if stratum not in by_type]
    if unknown:
        raise ValueError(f"no document of type {', '.join(unknown)} in the sources")
    drawn: list[Candidate] = []
    for stratum in strata:
        ordered = sorted(by_type[stratum], key=lambda row: _order_key(seed, row["file"]))
        for rank, row in enumerate(ordered, start=1):
            size = int(row["bytes"])
            over = max_bytes is not None and size > max_bytes
            drawn.append(
                Candidate(
                    stratum=stratum,
                    rank=rank,
                    file=row["file"],
                    size=size,
                    part=parts[(rank - 1) % len(parts)],
                    outcome="over-size" if over else "",
                )
            )
    return drawn


def write_draw(candidates: Iterable[Candidate], path: Path, header: str) -> None:
    """The draw as TSV, its first line a ``#`` comment giving how it was made."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(f"# {header}\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(DRAW_COLUMNS)
        for c in candidates:
            writer.writerow((c.stratum, c.rank, c.file, c.size, c.part, c.outcome))


def read_draw(path: Path) -> list[Candidate]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t")
    return [
        Candidate(
            stratum=row["stratum"],
            rank=int(row["rank"]),
            file=row["file"],
            size=int(row["bytes"]),
            part=row["part"],
            outcome=row.get("outcome") or "",
        )
        for row in rows
    ]
