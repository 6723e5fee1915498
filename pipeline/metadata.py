"""Document metadata: type, number, title, issuer, signer, issue date.

Official documents state these in a fixed layout (issuer and national motto
at the top, ``Số: …``, the place-and-date line, the type in capitals, the
title, and the signature block at the end). News reports name the directive
in their first sentences ("đã ký ban hành Kế hoạch số 96-KH/TU ngày
13-7-2018"). Both are read here from the normalised view; the patterns live in
``resources/structure.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from pipeline.errors import VntasksError
from pipeline.match import Matches
from pipeline.normalise import normalise_string
from pipeline.resources import load_yaml

_HEADER_LINES = 16
_REPORT_OPENING = 1500
# A header line is short; a longer one that ends a sentence is the body.
_HEADER_LINE_CHARS = 120
# Vietnamese personal names have two to four words, most often three.
_NAME_MIN, _NAME_USUAL, _NAME_MAX = 2, 3, 4


@dataclass(frozen=True)
class Metadata:
    doc_type: str | None
    number: str | None
    title: str | None
    issuer: str | None
    signer: str | None
    issued_date: date | None
    addressees: tuple[str, ...] = ()
    # Whether ``number`` is the document's own (read from its header or its
    # appendix's caption) or the number of a directive a report names.
    own_number: bool = False


@cache
def _config() -> dict:
    structure = load_yaml("structure.yaml")
    meta = structure["metadata"]
    types = "|".join(sorted((re.escape(t) for t in structure["doc_types"]), key=len, reverse=True))
    return {
        "header_number": re.compile(meta["number"]),
        "caption": re.compile(meta["caption"] + rf"(?:{types})"),
        "typed_number": re.compile(
            rf"(?i:{types})\s+(?:(?i:số)\s*)?(?P<number>\d+[\w.]*(?:[-/][\wĐđ&.]+)+)"
        ),
        "citation_openers": [
            o.lower() for o in [*structure["non_task_openers"], *structure["basis_openers"]]
        ],
        "citation_words": meta["citation_words"],
        "place_date": re.compile(meta["place_date"], re.MULTILINE),
        "date_after_number": re.compile(meta["date_after_number"], re.IGNORECASE),
        "date_before_number": re.compile(meta["date_before_number"], re.IGNORECASE),
        "signing": meta["signing_verbs"],
        "addressee_line": re.compile(meta["addressee_line"]),
        "header_end": [h.lower() for h in meta["header_end"]],
        "subject_line": [s.lower() for s in meta["subject_line"]],
        "doc_types": structure["doc_types"],
        "codes": structure["number_type_codes"],
        "tail": [t.lower() for t in structure["tail_openers"]],
    }


def doc_types() -> tuple[str, ...]:
    """Every document type the pipeline knows (``resources/structure.yaml``),
    as written in records: the closed vocabulary of ``document.doc_type``."""
    return tuple(dict.fromkeys(_config()["doc_types"].values()))


def canonical_doc_type(value: str, option: str = "doc_type") -> str:
    """A caller's document type in the spelling of records (``công  văn`` →
    ``Công văn``); a type the pipeline does not know is refused, since
    ``doc_type`` is a closed vocabulary of the contract."""
    key = re.sub(r"\s+", " ", normalise_string(value)).strip().lower()
    known = _config()["doc_types"].get(key)
    if known is None:
        raise VntasksError("unknown_doc_type", option, value=value, known=", ".join(doc_types()))
    return known


def _date(match: re.Match[str] | None) -> date | None:
    if match is None:
        return None
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _doc_type_line(lines: list[str]) -> int | None:
    types = _config()["doc_types"]
    for i, line in enumerate(lines[: _HEADER_LINES + 6]):
        if line.isupper() and line.lower() in types:
            return i
    return None


def extract_metadata(
    view: str, matches: Matches | None = None, original: str | None = None
) -> Metadata:
    """Read the metadata from the normalised view of a document."""
    cfg = _config()
    lines = _lines(view)
    head = "\n".join(lines[:_HEADER_LINES])
    type_index = _doc_type_line(lines)

    number = None
    own_number = True
    # An official document states "Số: …" in its header; a report names the
    # directive it reports near its start, after the directive's type.
    number_match = cfg["header_number"].search(_header_block(lines))
    source = _header_block(lines)
    caption_type: str | None = None
    if number_match is None:
        # A letter with no header names itself in its appendix's caption.
        number_match, caption_type = _captioned_number(view)
        source = view
    if number_match is None:
        number_match = _reported_number(view)
        source = view
        own_number = False
    if number_match:
        number = number_match["number"].rstrip(".,;")

    issued = _date(cfg["place_date"].search(head))
    if issued is None and number_match is not None:
        issued = _date(cfg["date_after_number"].match(source, number_match.end()))
    if issued is None and number_match is not None and source is view:
        # "Ngày 23/11/2025, Thủ tướng Chính phủ có Công điện 227/CĐ-TTg …"
        # (26_tom-tat): a report dates the directive at the start of the
        # sentence that names it.
        at = number_match.start()
        start = max(view.rfind(".", 0, at), view.rfind("\n", 0, at))
        issued = _date(cfg["date_before_number"].match(view, start + 1, at))

    doc_type = caption_type
    if type_index is not None:
        doc_type = cfg["doc_types"][lines[type_index].lower()]
    elif number:
        for code, name in cfg["codes"].items():
            if re.search(rf"(?<![A-Za-zĐđ]){re.escape(code)}(?![a-zđ])", number):
                doc_type = name
                break
    if doc_type is None and number_match is not None:
        # A report's number comes with its type ("vừa ký Công văn
        # 227/TTg-CN", 31_bai-viet): the words up to the number hold it.
        before = source[max(0, number_match.start() - 30) : number_match.start("number")].lower()
        for word, name in cfg["doc_types"].items():
            if word in before:
                doc_type = name

    title = None
    if type_index is not None and type_index + 1 < len(lines):
        title_line = lines[type_index + 1]
        for opener in cfg["subject_line"]:
            if title_line.lower().startswith(opener):
                title_line = title_line[len(opener) :].lstrip(" :")
        title = title_line

    # The number's code names the issuer more exactly than the header lines
    # ("BAN CHẤP HÀNH TRUNG ƯƠNG / VĂN PHÒNG" → Văn phòng Trung ương Đảng)
    # and names it in a report ("Công văn 227/TTg-CN" → Thủ tướng Chính phủ).
    issuer = _issuer_from_number(number) or _issuer(lines, matches, view)
    signer = _signer(lines, view)
    return Metadata(
        doc_type,
        number,
        title,
        issuer,
        signer,
        issued,
        _addressees(lines),
        own_number=number is not None and own_number,
    )


def _header_block(lines: list[str]) -> str:
    """The header lines: up to the first line that reads as the body (one
    that addresses the letter, cites its basis or ends a sentence), so that a
    document without a header gives none."""
    cfg = _config()
    block: list[str] = []
    for line in lines[:_HEADER_LINES]:
        lowered = line.lower()
        if cfg["addressee_line"].match(line) or any(
            lowered.startswith(opener) for opener in cfg["citation_openers"]
        ):
            break
        if len(line) > _HEADER_LINE_CHARS and line.rstrip().endswith((".", ";")):
            break
        block.append(line)
    return "\n".join(block)


def _captioned_number(view: str) -> tuple[re.Match[str] | None, str | None]:
    """The number in an appendix's caption ("(Kèm theo Công văn số 88/CV-BCĐ
    ngày 03 tháng 3 năm 2026 …)"), with the type it names."""
    cfg = _config()
    caption = cfg["caption"].search(view)
    if caption is None:
        return None, None
    found = cfg["typed_number"].match(view, caption.end() - _type_length(caption.group()))
    if found is None:
        return None, None
    written = view[found.start() : found.start("number")].lower()
    doc_type = next(
        (name for word, name in cfg["doc_types"].items() if written.startswith(word)), None
    )
    return found, doc_type


def _type_length(caption: str) -> int:
    """How many characters of a caption match are the type word it ends with."""
    lowered = caption.lower()
    return max(
        (len(word) for word in _config()["doc_types"] if lowered.endswith(word)), default=0
    )


def _reported_number(view: str) -> re.Match[str] | None:
    """The first "<type> [số] <number>" of the opening paragraphs that is not
    a citation ("Căn cứ Quyết định số …", "theo Kế hoạch số …")."""
    cfg = _config()
    opening = view[:_REPORT_OPENING]
    for found in cfg["typed_number"].finditer(opening):
        sentence_start = max(
            opening.rfind(".", 0, found.start()), opening.rfind("\n", 0, found.start())
        )
        sentence = opening[sentence_start + 1 : found.start()].strip().lower()
        if any(sentence.startswith(opener) for opener in cfg["citation_openers"]):
            continue
        before = opening[max(0, found.start() - 24) : found.start()].lower().split()
        if before and (
            before[-1] in cfg["citation_words"] or " ".join(before[-2:]) in cfg["citation_words"]
        ):
            continue
        return found
    return None


def _issuer_from_number(number: str | None) -> str | None:
    """The issuer a document number names by its code ("227/CĐ-TTg" → Thủ
    tướng Chính phủ, "07-KL/VPTW" → Văn phòng Trung ương Đảng), when the
    code stands for a whole body, not a head ("UBND" names no province)."""
    if not number:
        return None
    expansions = load_yaml("abbreviations.yaml")["abbreviations"]
    standalone = {normalise_string(b).lower() for b in load_yaml("bodies.yaml")["standalone"]}
    for code in reversed(re.split(r"[-/]", number)):
        name = expansions.get(code)
        if name and normalise_string(name).lower() in standalone:
            return name
    return None


def _issuer(lines: list[str], matches: Matches | None, view: str) -> str | None:
    cfg = _config()
    header: list[str] = []
    for line in lines[:_HEADER_LINES]:
        lowered = line.lower()
        if any(lowered.startswith(h) for h in cfg["header_end"]):
            break
        if set(line) <= set("-_=*. "):
            continue
        header.append(line)
    if header and len(header) <= 3 and len(" ".join(header)) < 120 and header[0].isupper():
        return " ".join(header)
    # A report: the body that issues orders in the text ("Thành ủy Hà Nội yêu cầu").
    if matches is not None:
        assign_starts = {t.token_start for t in matches.triggers if t.label == "ASSIGN"}
        for mention in matches.bodies:
            if mention.kind == "body" and mention.token_end in assign_starts:
                return mention.text
    return None


def _addressees(lines: list[str]) -> tuple[str, ...]:
    """Whom a Công văn or Công điện addresses: the text after "Kính gửi:" and
    the list lines under it (or under "… điện:"). The guide gives tasks no
    lead from this list, so it is reported, not inherited."""
    cfg = _config()
    for i, line in enumerate(lines[: _HEADER_LINES + 10]):
        found = cfg["addressee_line"].match(line)
        if found is None:
            continue
        names = [found["inline"].strip(" ;,.")] if found["inline"] else []
        for item in lines[i + 1 :]:
            if not item.startswith(("-", "+", "•")):
                break
            names.append(item.lstrip("-+• ").strip(" ;,."))
        return tuple(name for name in names if name)
    return ()


def _proper_words(words: list[str]) -> list[str]:
    """Trailing words written like a person's name ("Phạm Mạnh Cường")."""
    name: list[str] = []
    for word in reversed(words):
        if len(word) >= 2 and word[0].isupper() and word[1:].islower():
            name.insert(0, word)
        else:
            break
    return name


def _signer(lines: list[str], view: str) -> str | None:
    """The name at the end of the signature block (after the capitalised
    title, e.g. "PHÓ CHỦ NHIỆM Phạm Mạnh Cường"), or, in a report, the name
    before "đã ký ban hành"."""
    cfg = _config()
    tail_index = next(
        (i for i, line in enumerate(lines) if any(line.lower().startswith(t) for t in cfg["tail"])),
        None,
    )
    block = lines[tail_index : tail_index + 14] if tail_index is not None else lines[-6:]
    for line in reversed(block):
        if line.endswith((".", ";", ":", ",")):
            continue
        name = _proper_words(line.split())
        if _NAME_MIN <= len(name) <= _NAME_MAX and len(name) < len(line.split()) + 1:
            return " ".join(name)
    for verb in cfg["signing"]:
        at = view.find(" " + verb + " ")
        if at > 0:
            name = _proper_words(view[max(0, at - 80) : at].split())
            if len(name) >= _NAME_MIN:
                return " ".join(name[-_NAME_USUAL:])
    return None
