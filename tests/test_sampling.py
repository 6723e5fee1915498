"""The draw: seeded, stratified, reproducible, and the committed draw table is
what its recorded command gives."""

from __future__ import annotations

import shlex

import pytest

from pipeline import gold
from pipeline.sampling import draw, read_draw, read_sources

SOURCES = [
    {"file": f"{kind.lower()}_{n}.txt", "type": kind, "bytes": str(1000 * n)}
    for kind in ("QĐ", "CV")
    for n in range(1, 7)
]


def test_sampling_draw_is_fixed_by_the_seed():
    first = draw(SOURCES, 7, ["QĐ", "CV"])
    assert first == draw(list(reversed(SOURCES)), 7, ["QĐ", "CV"])
    assert [c.file for c in first] != [c.file for c in draw(SOURCES, 8, ["QĐ", "CV"])]


def test_sampling_draw_deals_each_type_alternately_test_first():
    for stratum in ("QĐ", "CV"):
        ranked = [c for c in draw(SOURCES, 7, ["QĐ", "CV"]) if c.stratum == stratum]
        assert [c.rank for c in ranked] == list(range(1, 7))
        assert [c.part for c in ranked] == ["test", "dev"] * 3


def test_sampling_draw_marks_files_over_the_cap_and_keeps_their_rank():
    drawn = draw(SOURCES, 7, ["CV"], max_bytes=3000)
    over = {c.file for c in drawn if c.outcome == "over-size"}
    assert over == {"cv_4.txt", "cv_5.txt", "cv_6.txt"}
    assert len(drawn) == 6


def test_sampling_draw_refuses_a_type_the_corpus_lacks():
    with pytest.raises(ValueError, match="KL"):
        draw(SOURCES, 7, ["KL"])


def test_sampling_committed_draw_is_what_its_command_gives():
    try:
        shared = gold.shared_dir()
    except gold.SharedFolderMissing as missing:
        pytest.skip(f"{missing}; the draw reads corpus-wild/SOURCES.tsv")
    table = gold.annotations_dir() / "draw.tsv"
    first_line = table.read_text(encoding="utf-8").splitlines()[0]
    command = shlex.split(first_line.removeprefix("# made by: "))
    pairs = list(zip(command[4::2], command[5::2], strict=True))
    args = dict(pairs)
    strata = [value for flag, value in pairs if flag == "--type"]
    again = draw(
        read_sources(shared / "corpus-wild" / "SOURCES.tsv"),
        int(args["--seed"]),
        strata,
        max_bytes=int(args["--max-bytes"]),
    )
    committed = read_draw(table)
    assert [(c.stratum, c.rank, c.file, c.part) for c in committed] == [
        (c.stratum, c.rank, c.file, c.part) for c in again
    ]
    # An outcome is over-size exactly where the draw says so; the others are
    # what the annotators recorded.
    for mine, fresh in zip(committed, again, strict=True):
        assert (mine.outcome == "over-size") == (fresh.outcome == "over-size")
        assert mine.outcome in {"", "over-size", "annotated", "no-task"}


def test_sampling_every_drawn_gold_file_was_annotated_in_its_drawn_part():
    table = gold.annotations_dir() / "draw.tsv"
    split = gold.read_split()
    for candidate in read_draw(table):
        stem = candidate.file.removesuffix(".txt")
        if candidate.outcome == "annotated":
            assert split.get(stem) == candidate.part, stem
        else:
            assert stem not in split, stem
