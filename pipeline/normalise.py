"""Normalise stage: an analysis view of the text, with a map back to it.

underthesea and every rule in this package expect NFC text with new-style
tone placement ("ủy", "hòa"). Input often arrives as NFD or with old-style
placement ("uỷ", "hoà"). Rather than rewriting the text (which would move
every offset), this stage builds a second string plus an index map, so each
later stage can analyse the normalised view and still report offsets into the
text as read.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pipeline.resources import load_yaml

# Invisible characters that some exporters sprinkle into text; they carry no
# meaning, and dropping them from the analysis view keeps words whole.
_DROPPED = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
# Spaces that are not U+0020 but mean one; replacing is length-preserving.
_SPACES = {"\u00a0", "\u2007", "\u202f", "\u3000"}
# Line ends other than "\n": every later stage reads a line as a paragraph,
# so a file saved with lone CRs (old Mac) or Unicode's line and paragraph
# separators must read as the same lines; CRLF is one line end.
_LINE_BREAKS = {"\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"}


@dataclass(frozen=True)
class NormalisedText:
    """``text`` is the analysis view; ``offsets[i]`` is where its character
    ``i`` starts in the original, and ``offsets[len(text)]`` is the original's
    length, so any span of the view maps back with :meth:`to_original`."""

    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end]

    def from_original(self, position: int) -> int:
        """The view index of the first character at or after ``position``."""
        return bisect.bisect_left(self.offsets, position, 0, len(self.text))


@cache
def _tone_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    data = load_yaml("tone_placement.yaml")
    table: dict[str, str] = {}
    for old, new in data["pairs"].items():
        table[old] = new
        table[old.upper()] = new.upper()
        table[old[0].upper() + old[1:]] = new[0].upper() + new[1:]
    not_after = "".join(data.get("not_after", []))
    guard = f"(?<![{not_after}{not_after.upper()}])" if not_after else ""
    alternatives = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    # Only at a syllable's end: the next character must not be a letter.
    return re.compile(f"{guard}(?:{alternatives})(?![^\\W\\d_])"), table


def normalise(text: str) -> NormalisedText:
    """Return the NFC, new-style-tone view of ``text`` with its offset map."""
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char in _DROPPED:
            i += 1
            continue
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        if char == "\r" and text[j : j + 1] == "\n":
            # One line end: its "\n" maps to the CR, so a line's span in
            # the text ends before both.
            j += 1
        cluster = text[i:j]
        if char in _SPACES:
            cluster = " "
        elif char in _LINE_BREAKS:
            cluster = "\n"
        elif j - i > 1 or not cluster.isascii():
            cluster = unicodedata.normalize("NFC", cluster)
        for piece in cluster:
            out.append(piece)
            offsets.append(i)
        i = j
    offsets.append(n)
    return NormalisedText(place_tones("".join(out)), tuple(offsets))


def place_tones(text: str) -> str:
    """``text`` (NFC) with tone marks placed by the new-style rule of
    ``tone_placement.yaml`` ("hoà" → "hòa"); same length, so offsets hold."""
    pattern, table = _tone_pattern()
    return pattern.sub(lambda m: table[m.group(0)], text)


def normalise_string(text: str) -> str:
    """The normalised view alone, for comparing names and phrases."""
    return normalise(text).text
