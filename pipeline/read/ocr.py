"""OCR of scans: page images to lines of text, with Tesseract's Vietnamese model.

Tesseract runs as a subprocess (one per page, several pages at a time within
the worker budget) and answers in TSV: every word with its box, its block,
paragraph and line numbers and its confidence. From those this module builds
the lines of a page and cleans them the way a directive is written:

- a line is cut where a gap wider than a few word heights opens (the gap
  between the header's two columns);
- the header's two columns, the issuer (left) and the national motto, place
  and date (right), come out one column after the other, never interleaved:
  every piece above the first centred line (the title, or the body's first
  full line) is ordered by column, then by height;
- NFC, tone marks placed by the project's rule (:func:`place_tones`), and
  numbering markers Tesseract spaced apart (``1 .``, ``a )``) closed up, so
  each stays at its line's start.

Hyphenated and wrapped line ends are joined afterwards by the PDF reader's
own :func:`~pipeline.read.pdf.join_wrapped`, so a scan and a text layer are
joined by one rule. The cleaned text *is* the text as read: every offset
refers to it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import statistics
import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

from pipeline.errors import VntasksError
from pipeline.model import OcrInfo
from pipeline.normalise import place_tones
from pipeline.resources import load_yaml

if TYPE_CHECKING:
    from PIL.Image import Image

OcrMode = Literal["auto", "always", "never"]
OCR_MODES: tuple[str, ...] = ("auto", "always", "never")
# Tesseract's TSV row level for a word.
_WORD_LEVEL = "5"


@dataclass(frozen=True)
class OcrOptions:
    """How scans are read. ``mode``: ``auto`` OCRs pictures and PDF pages
    without a text layer, ``always`` every page, ``never`` none (a scan is
    refused). ``max_pages`` and ``timeout`` (seconds per page) bound what one
    document may cost; None takes ``read.yaml``'s. ``workers`` pages are
    recognised at once; ``progress`` shows a bar per page on long scans."""

    mode: OcrMode = "auto"
    max_pages: int | None = None
    timeout: float | None = None
    workers: int = 1
    progress: bool = False


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float

    @property
    def right(self) -> int:
        return self.left + self.width


@dataclass(frozen=True)
class Segment:
    """Words of one Tesseract line between two column gaps."""

    words: tuple[Word, ...]

    @property
    def left(self) -> int:
        return self.words[0].left

    @property
    def right(self) -> int:
        return max(word.right for word in self.words)

    @property
    def top(self) -> int:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> int:
        return max(word.top + word.height for word in self.words)

    @property
    def height(self) -> float:
        return statistics.median(word.height for word in self.words)

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


@dataclass
class OcrPage:
    """One recognised page: its cleaned lines, and each line's words as
    cleaned with their confidences (to find them in the final text)."""

    lines: list[str] = field(default_factory=list)
    words: list[tuple[str, float]] = field(default_factory=list)

    @property
    def mean_confidence(self) -> float | None:
        if not self.words:
            return None
        return statistics.fmean(confidence for _, confidence in self.words)


@cache
def settings() -> dict:
    return load_yaml("read.yaml")["ocr"]


def _packages() -> str:
    return " ".join(settings()["packages"])


@cache
def _engine(binary: str) -> tuple[str, frozenset[str]]:
    """The version line and the models of the Tesseract at ``binary``."""
    try:
        version = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        langs = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "", frozenset()
    first = (version.stdout or version.stderr).strip().splitlines()
    models = frozenset(line.strip() for line in langs.stdout.splitlines()[1:] if line.strip())
    return (first[0] if first else "tesseract"), models


def tesseract(source: str, what: str) -> tuple[str, str]:
    """The Tesseract binary on PATH and its version, or the error naming the
    packages to install when it or its Vietnamese model is absent. ``what``
    says why OCR was needed ("no text layer", "the file is a PNG image")."""
    binary = shutil.which("tesseract")
    language = settings()["language"]
    if binary is None:
        raise VntasksError("needs_tesseract", source, what=what, packages=_packages(), detail="")
    version, models = _engine(binary)
    if language not in models:
        detail = f" (Tesseract is installed without its '{language}' model)"
        raise VntasksError(
            "needs_tesseract", source, what=what, packages=_packages(), detail=detail
        )
    return binary, version


def parse_tsv(tsv: str) -> list[tuple[tuple[int, int, int], Word]]:
    """The words of Tesseract's TSV, each with its (block, paragraph, line)."""
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != _WORD_LEVEL or not text:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        word = Word(
            text,
            int(row["left"]),
            int(row["top"]),
            int(row["width"]),
            int(row["height"]),
            float(row["conf"]),
        )
        words.append((key, word))
    return words


def _segments(words: list[tuple[tuple[int, int, int], Word]]) -> list[Segment]:
    """Tesseract's lines in its order, each cut at its column gaps."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for key, word in words:
        lines.setdefault(key, []).append(word)
    gap_heights = settings()["column_gap_heights"]
    segments: list[Segment] = []
    for line in lines.values():
        line.sort(key=lambda word: word.left)
        height = statistics.median(word.height for word in line)
        current = [line[0]]
        for word in line[1:]:
            if word.left - current[-1].right > gap_heights * height:
                segments.append(Segment(tuple(current)))
                current = []
            current.append(word)
        segments.append(Segment(tuple(current)))
    return segments


def header_order(segments: list[Segment], page_width: int) -> list[Segment]:
    """``segments`` with the header's two columns not interleaved: the
    pieces above the first centred one are cut into bands at blank rows
    (issuer | motto, then number | place and date), and each band gives its
    left column, then its right, top to bottom. A page with no such two
    columns keeps Tesseract's order."""
    if not segments:
        return segments
    middle = page_width / 2
    tolerance = 0.08 * page_width
    by_top = sorted(segments, key=lambda segment: segment.top)
    centred = next(
        (s for s in by_top if s.left < middle < s.right and abs(s.centre - middle) < tolerance),
        None,
    )
    limit = centred.top if centred is not None else by_top[-1].top + 1
    header = [segment for segment in by_top if segment.top < limit]
    if not any(s.centre < middle for s in header) or not any(s.centre >= middle for s in header):
        return segments
    bands: list[list[Segment]] = []
    bottom = None
    for segment in header:
        if bottom is None or segment.top - bottom > segment.height:
            bands.append([])
            bottom = segment.bottom
        bands[-1].append(segment)
        bottom = max(bottom, segment.bottom)
    ordered = [
        segment for band in bands
        for segment in sorted(band, key=lambda s: (s.centre >= middle, s.top))
    ]
    chosen = {id(segment) for segment in header}
    return ordered + [segment for segment in segments if id(segment) not in chosen]


@cache
def _spaced_marker() -> re.Pattern[str]:
    return re.compile(settings()["spaced_marker"])


@cache
def _lookalikes() -> dict[int, str]:
    return str.maketrans(settings()["lookalikes"])


def clean_line(text: str) -> str:
    """One OCR line as the project writes text: NFC, look-alike letters of
    other alphabets replaced (``Ÿ`` → ``Y``), tone marks placed by the
    project's rule, single spaces, and a spaced numbering marker closed up
    (``1 . Nội dung`` → ``1. Nội dung``)."""
    text = unicodedata.normalize("NFC", text).translate(_lookalikes())
    text = " ".join(place_tones(text).split())
    return _spaced_marker().sub(r"\1\2 ", text + " ").rstrip()


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def page_from_tsv(tsv: str, page_width: int, first_page: bool) -> OcrPage:
    """The cleaned lines of one page from Tesseract's TSV. A page whose words
    are too few or too unsure to be text (blank, noise, a photo) is empty."""
    words = parse_tsv(tsv)
    config = settings()
    if not words:
        return OcrPage()
    mean = statistics.fmean(word.confidence for _, word in words)
    letters = sum(_letters(word.text) for _, word in words)
    if mean < config["min_page_confidence"] or letters < config["min_page_letters"]:
        return OcrPage()
    segments = _segments(words)
    if first_page:
        segments = header_order(segments, page_width)
    page = OcrPage()
    for segment in segments:
        line = clean_line(" ".join(word.text for word in segment.words))
        if line:
            page.lines.append(line)
            page.words.extend(
                (clean_line(word.text), word.confidence) for word in segment.words
            )
    return page


def _image_bytes(image: Image) -> bytes:
    """The page as an uncompressed grey PGM: the fastest format for
    Tesseract to take on standard input."""
    grey = image.convert("L")
    buffer = io.BytesIO()
    grey.save(buffer, format="PPM")
    return buffer.getvalue()


def recognise(
    image: Image, binary: str, source: str, number: int, timeout: float, dpi: int | None,
    first_page: bool,
) -> OcrPage:
    """One page image through Tesseract."""
    config = settings()
    command = [binary, "stdin", "stdout", "-l", config["language"],
               "--psm", str(config["page_segmentation"])]
    if dpi:
        command += ["--dpi", str(dpi)]
    # Pages run in parallel here; Tesseract's own threads would only compete.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [*command, "tsv"], input=_image_bytes(image), capture_output=True,
            timeout=timeout, check=False, env=env,
        )
    except subprocess.TimeoutExpired as error:
        raise VntasksError("ocr_timeout", source, page=number, seconds=f"{timeout:g}") from error
    except OSError as error:
        raise VntasksError("ocr_failed", source, page=number, reason=error) from error
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VntasksError(
            "ocr_failed", source, page=number, reason=reason[-1] if reason else done.returncode
        )
    return page_from_tsv(done.stdout.decode("utf-8", "replace"), image.width, first_page)


PageImage = Callable[[], "Image"]


def recognise_pages(
    pages: list[tuple[int, PageImage]],
    source: str,
    options: OcrOptions,
    what: str,
    dpi: int | None,
    total_pages: int | None = None,
) -> list[OcrPage]:
    """Recognise ``pages`` (their 1-based numbers, and a function drawing
    each image when called) in order. Images are drawn one at a time here,
    since PDFium is not thread-safe, and recognised ``options.workers`` at a
    time; at most twice that many wait in memory."""
    config = settings()
    limit = options.max_pages if options.max_pages is not None else config["max_pages"]
    if len(pages) > limit:
        raise VntasksError("ocr_too_many_pages", source, pages=len(pages), limit=limit)
    binary, _ = tesseract(source, what)
    timeout = options.timeout if options.timeout is not None else config["page_timeout_seconds"]
    first = min((number for number, _ in pages), default=1)
    results: list[OcrPage] = []
    progress = _page_progress(source, len(pages), options)
    with progress as advance, ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        pending: list[Future[OcrPage]] = []

        def submit(number: int, draw: PageImage) -> None:
            image = draw()
            pending.append(pool.submit(
                recognise, image, binary, source, number, timeout, dpi, number == first == 1
            ))

        try:
            for number, draw in pages:
                submit(number, draw)
                while len(pending) >= 2 * max(1, options.workers):
                    results.append(pending.pop(0).result())
                    advance(len(results))
            for future in pending:
                results.append(future.result())
                advance(len(results))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return results


def _page_progress(
    source: str, total: int, options: OcrOptions
) -> AbstractContextManager[Callable[[int], None]]:
    if not options.progress or total < settings()["long_scan_pages"]:
        return nullcontext(lambda done: None)
    from pipeline.progress import page_bar

    return page_bar(source, total)


def locate_words(text: str, words: Iterable[tuple[str, float]]) -> list[tuple[int, int, float]]:
    """Where each recognised word stands in ``text`` (the cleaned, joined
    text as read), searched in reading order a little ahead of the last one
    found; a word the clean-up dropped or merged is skipped."""
    found: list[tuple[int, int, float]] = []
    position = 0
    for word, confidence in words:
        if not word:
            continue
        start = text.find(word, position, position + 4 * len(word) + 200)
        if start < 0:
            continue
        position = start + len(word)
        found.append((start, position, confidence))
    return found


def tesseract_version() -> str:
    """The version line of the Tesseract on PATH ("tesseract 5.3.0")."""
    binary = shutil.which("tesseract")
    return _engine(binary)[0] if binary else "tesseract"


def ocr_info(text: str, numbers: list[int], pages: list[OcrPage]) -> OcrInfo | None:
    """What OCR contributed to ``text`` from the pages ``numbers``: None
    when it read no words."""
    words = [word for page in pages for word in page.words]
    if not words:
        return None
    read = tuple(number for number, page in zip(numbers, pages, strict=True) if page.lines)
    return OcrInfo(
        pages=read,
        mean_confidence=round(statistics.fmean(confidence for _, confidence in words), 1),
        engine=tesseract_version(),
        language=settings()["language"],
        words=tuple(locate_words(text, words)),
    )


def image_text(path: str, source: str, options: OcrOptions) -> tuple[str, OcrInfo | None]:
    """The text of a picture (PNG, JPEG, TIFF; every page of a multi-page
    TIFF), recognised and joined as a scanned PDF's is."""
    from PIL import Image, UnidentifiedImageError

    from pipeline.read.pdf import pages_text
    from pipeline.read.sniff import sniff

    with open(path, "rb") as stream:
        content = sniff(stream.read(16))
    what = content.what if content is not None and content.what else "a picture"
    try:
        picture = Image.open(path)
        picture.load()
    except UnidentifiedImageError as error:
        # Pillow's own message names the temporary file standard input went to.
        reason = "truncated, or not a picture"
        raise VntasksError("corrupt_image", source, what=what, reason=reason) from error
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise VntasksError("corrupt_image", source, what=what, reason=reason) from error
    if options.mode == "never":
        raise VntasksError("ocr_off", source, what=what)
    dpi = picture.info.get("dpi")
    resolution = round(dpi[0]) if isinstance(dpi, tuple) and dpi and dpi[0] > 1 else None
    numbers = list(range(1, getattr(picture, "n_frames", 1) + 1))

    def draw(number: int) -> Image.Image:
        # Frames are drawn one at a time, so a long TIFF never sits whole in memory.
        picture.seek(number - 1)
        return picture.copy()

    pages = recognise_pages(
        [(number, (lambda number=number: draw(number))) for number in numbers],
        source, options, f"the file is {what}", resolution,
    )
    if not any(page.lines for page in pages):
        raise VntasksError("ocr_no_text", source, pages=len(pages))
    text = pages_text([page.lines for page in pages])
    return text, ocr_info(text, numbers, pages)
