"""Bytes to text: which encoding a Vietnamese file is in, and its decoded text.

Order of evidence: a byte-order mark; UTF-32 without one (two NUL bytes in
every four); UTF-16 without one (NUL bytes in every other position); valid
UTF-8; otherwise the 8-bit encodings Vietnamese offices used before Unicode
(Windows-1258, TCVN3, VNI), where the decoding that reads most like
Vietnamese wins. Text that decodes as UTF-8 is only converted when it holds
no Vietnamese letter beyond Latin-1 (so ordinary Vietnamese can never be
touched) and the viparse detector is sure it is a legacy font's bytes
carried over as Latin-1 characters.
"""

from __future__ import annotations

import codecs
import unicodedata
from functools import cache

from pipeline.errors import VntasksError
from pipeline.resources import load_yaml

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16 = "utf-16"
UTF32 = "utf-32"
_TEXT_CONTROLS = frozenset("\t\n\r\f")


@cache
def _settings() -> dict:
    return load_yaml("read.yaml")


@cache
def _marks() -> frozenset[str]:
    return frozenset(_settings()["vietnamese_marks"])


def _is_neutral(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _settings()["neutral_ranges"])


def _is_vietnamese_letter(char: str) -> bool:
    if char in _settings()["vietnamese_extra_letters"]:
        return True
    if char in _marks():
        # A bare mark is what Windows-1258 decodes to: base letter, then tone.
        return True
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    return base.isascii() and base.isalpha() and all(mark in _marks() for mark in marks)


def vietnamese_share(text: str) -> tuple[float, int]:
    """Share of the telling non-ASCII characters that are Vietnamese letters,
    and how many characters were told; (1.0, 0) when none were."""
    counted = vietnamese = 0
    for char in text:
        if char.isascii() or _is_neutral(char):
            continue
        counted += 1
        vietnamese += _is_vietnamese_letter(char)
    return (vietnamese / counted if counted else 1.0), counted


def _beyond_latin1_letters(text: str) -> int:
    return sum(1 for char in text if ord(char) > 0xFF and _is_vietnamese_letter(char))


def _surface(data: bytes) -> str:
    """The characters a legacy font's bytes show up as: Windows-1252, with
    Latin-1 for the five bytes Windows-1252 leaves undefined."""
    return data.decode("cp1252", errors="latin1_fallback")


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("latin1_fallback", _latin1_fallback)


def _convert(text: str, name: str) -> str:
    from viparse.normalize.encodings import get_charmap
    from viparse.normalize.tables import convert

    charmap = get_charmap(name)
    assert charmap is not None, name
    return convert(text, charmap)


def _legacy_guess(surface: str) -> str | None:
    from viparse.normalize.detector import detect_encoding_by_content
    from viparse.normalize.encodings import get_charmap

    candidates = {name: get_charmap(name) for name in _settings()["legacy_charmaps"]}
    return detect_encoding_by_content(surface, candidates).encoding


def _score(text: str) -> float:
    from viparse.normalize.frequency import vietnamese_score

    return vietnamese_score(text)


def looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and chr(byte) not in _TEXT_CONTROLS)
    return controls > _settings()["max_control_share"] * max(len(sample), 1)


def _utf32_without_bom(data: bytes) -> str | None:
    """UTF-32 text without a BOM: a Vietnamese text's characters all lie
    below U+10000, so two of every four bytes are NUL, always at the same
    places."""
    if len(data) < 8 or len(data) % 4:
        return None
    for codec, high in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
        if all(not any(data[k::4]) for k in high):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: ASCII letters leave a NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) > len(zeros) // 2 and (even if zeros is odd else odd).count(0) == 0:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def repair_legacy(text: str) -> tuple[str, str | None]:
    """Text that a tool already read faithfully but wrongly (a ``.VnTime`` font's
    bytes shown as Latin-1 letters): converted, with the legacy encoding's name;
    anything else unchanged, with ``None``."""
    if _beyond_latin1_letters(text) or vietnamese_share(text)[1] == 0:
        return text, None
    if any(ord(char) > 0xFF and not _is_neutral(char) for char in text):
        return text, None
    name = _legacy_guess(text)
    if name is None:
        return text, None
    converted = _convert(text, name)
    if vietnamese_share(converted)[0] < _settings()["min_vietnamese_share"]:
        return text, None
    return converted, name


def decode(data: bytes, source: str) -> tuple[str, str]:
    """The decoded text and the name of the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode(UTF8), UTF8_BOM
        except UnicodeDecodeError as error:
            raise VntasksError("decode", source) from error
    # UTF-32's little-endian mark begins with UTF-16's: test it first.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        try:
            return data.decode(UTF32), UTF32
        except UnicodeDecodeError as error:
            raise VntasksError("decode", source) from error
    wide = _utf32_without_bom(data)
    if wide is not None:
        return wide, UTF32
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode(UTF16), UTF16
        except UnicodeDecodeError as error:
            raise VntasksError("decode", source) from error
    wide = _utf16_without_bom(data)
    if wide is not None and not looks_binary(wide.encode(UTF8)):
        return wide, UTF16
    if looks_binary(data):
        raise VntasksError("binary", source)
    try:
        text = data.decode(UTF8)
    except UnicodeDecodeError:
        return _decode_8bit(data, source)
    repaired, legacy = repair_legacy(text)
    return repaired, legacy or UTF8


def _decode_8bit(data: bytes, source: str) -> tuple[str, str]:
    settings = _settings()
    candidates: dict[str, str] = {}
    try:
        candidates[settings["windows_codec"]] = data.decode(settings["windows_codec"])
    except UnicodeDecodeError:
        pass
    surface = _surface(data)
    legacy = _legacy_guess(surface)
    if legacy is not None:
        candidates[legacy] = _convert(surface, legacy)
    if not candidates:
        raise VntasksError("decode", source)
    # Ties go to the earlier candidate: Windows-1258 is an exact codec, the
    # legacy tables are reconstructions.
    name = max(candidates, key=lambda key: _score(unicodedata.normalize("NFC", candidates[key])))
    share, counted = vietnamese_share(candidates[name])
    if counted and share < settings["min_vietnamese_share"]:
        raise VntasksError("decode", source)
    return candidates[name], name
