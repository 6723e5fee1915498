"""Assemble stage: turn paragraphs, triggers, bodies and deadline phrases into
draft task records.

Each clause (a sentence split at ``;`` and ``đồng thời``) is read left to
right as a frame: an opening stretch (adverbials, a group deadline), the
subject bodies, the frame words (``giao X``, ``X chủ trì, phối hợp với Y``,
``X phải``), then the action, which runs to the end of the clause. Context
carries across clauses the way a reader carries it:

- the leads of a heading or of an introducing line that ends in ``:`` apply
  to the items under it;
- label lines (``Đơn vị chủ trì: …``) after items fill those items' fields and
  beat the sentence's subject;
- a count (``có 3 nhóm nhiệm vụ cần thực hiện ngay trong năm 2018``) is not a
  task but gives its bodies and deadline to the tasks that follow it;
- a back-reference (``Ban cũng …``, ``mỗi nơi``) resolves to the last body that
  was given a task, not merely the last one named.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc

from pipeline.match import Matches, Mention, PhraseSet, Trigger
from pipeline.normalise import normalise_string
from pipeline.resources import load_yaml
from pipeline.segment import Paragraph
from pipeline.tables import Cell, is_header, read_table, split_row

_SUBJECT_LOOKAHEAD = 20
_SENTENCE_ENDS = (".", ":", ";", "…", '."', ".”")
# Words allowed between a count noun and "sau" ("nhiệm vụ trọng tâm sau").
_LIST_CLOSER_WINDOW = 4
# How far into an action a count may stand ("phân công nhiệm vụ cụ thể theo 11 nhóm").
_COUNT_WINDOW = 6
# Inline list numbers: "(1)", "(iv)", "(a)", "a)", "1)". Typography, not words.
_ENUMERATOR = re.compile(r"\((?:\d{1,2}|[ivx]{1,4}|[a-zđ])\)\s|(?:\d{1,2}|[a-zđ])\)\s")


@dataclass(frozen=True)
class Phrase:
    """A deadline phrase located in the text as read."""

    start: int
    end: int
    text: str


@dataclass
class BodyRef:
    mention: Mention
    resolved: Mention | None = None  # for back-references

    @property
    def target(self) -> Mention:
        return self.resolved or self.mention


@dataclass
class Draft:
    start: int
    end: int
    leads: list[BodyRef]
    supports: list[BodyRef]
    deadline: Phrase | None
    sentence: tuple[int, int]
    section: str | None
    flags: list[str] = field(default_factory=list)
    level: int = 0
    # A bare list item with no body in reach; kept only if a label line
    # after it names one (see _Assembler.run).
    provisional: bool = False


@dataclass
class _Frame:
    leads: list[Mention]
    supports: list[Mention]
    action: int | None  # token index where the action starts
    framed: bool
    narrative: bool
    deadlines: list[Phrase]


@cache
def _structure() -> dict:
    return load_yaml("structure.yaml")


@cache
def _squashed(key: str) -> frozenset[str]:
    """A structure.yaml word list in the tokens' squashed NORM form."""
    return frozenset(normalise_string(w).lower().replace(" ", "") for w in _structure()[key])


@cache
def _phrases(key: str) -> PhraseSet:
    return PhraseSet(list(_structure()[key]))


def _plain(name: str) -> str:
    return normalise_string(name).lower()


@cache
def _completion_triggers() -> frozenset[str]:
    # The deadline vocabulary's own list: "hoàn thành", "hoàn tất", "xong".
    return frozenset(_plain(v) for v in load_yaml("deadlines.yaml")["completion_triggers"])


@cache
def _requesters() -> frozenset[str]:
    return frozenset(_plain(n) for n in load_yaml("bodies.yaml")["requesters"])


def _starts_with_any(text: str, key: str) -> bool:
    lowered = text.lower()
    return any(lowered.startswith(word) for word in _structure()[key])


def _without_topic_opener(heading: str) -> str:
    """ "1. Về đánh giá tình hình …" names its section by what follows "Về"."""
    lowered = heading.lower()
    for word in _structure()["topic_openers"]:
        if lowered.startswith(word + " "):
            return heading[len(word) + 1 :].lstrip()
    return heading


class _Assembler:
    def __init__(
        self, doc: Doc, paragraphs: list[Paragraph], matches: Matches, deadlines: list[Phrase]
    ) -> None:
        self.doc = doc
        self.text = doc.text
        self.paragraphs = paragraphs
        self.token_starts = [t.idx for t in doc]
        self.mention_at = {m.token_start: m for m in matches.bodies}
        self.triggers_at: dict[int, list[Trigger]] = {}
        for trig in matches.triggers:
            self.triggers_at.setdefault(trig.token_start, []).append(trig)
        self.deadlines = deadlines
        self.deadline_starts = [d.start for d in deadlines]
        self.keys = ["" if t.is_space else t.norm_.replace(" ", "") for t in doc]
        self.drafts: list[Draft] = []
        self.history: list[Mention] = []  # bodies given tasks, most recent last
        self.heading_leads: dict[int, list[BodyRef]] = {}
        self.group_deadline: dict[int, Phrase] = {}
        self.verb_headings: set[int] = set()
        self.intro_leads: list[BodyRef] = []
        self.intro_deadline: Phrase | None = None
        self.intro_item_level: int | None = None
        self.carry_leads: list[BodyRef] = []
        self.last_header: list[Cell] | None = None
        self.has_children = self._headings()
        self.body_start = self._body_start()

    def _headings(self) -> set[int]:
        """Paragraphs that head others: a marked item below them, or plain
        text below a line that does not end like a sentence. Label lines
        ("Đơn vị chủ trì: …") below an item do not make it a heading."""
        headings: set[int] = set()
        # The recipients' list after the last item is not that item's content.
        tails = self._tail_regions()
        for p in self.paragraphs:
            if p.parent is None or any(a <= p.start < b for a, b in tails):
                continue
            parent = self.paragraphs[p.parent]
            if p.marker is not None and self.is_label(p) is None:
                headings.add(parent.index)
            elif not self.text[parent.start : parent.end].rstrip().endswith((".", ";")):
                if self.is_label(p) is None:
                    headings.add(parent.index)
        return headings

    # -- token helpers -------------------------------------------------
    def token_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.token_starts, char) - 1)

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        ts = bisect.bisect_left(self.token_starts, start)
        te = bisect.bisect_left(self.token_starts, end)
        return ts, te

    def deadline_at(self, token: int) -> Phrase | None:
        char = self.doc[token].idx
        k = bisect.bisect_right(self.deadline_starts, char) - 1
        if k >= 0 and self.deadlines[k].start <= char < self.deadlines[k].end:
            return self.deadlines[k]
        return None

    def labels_of(self, token: int) -> set[str]:
        return {t.label for t in self.triggers_at.get(token, [])}

    def trigger_of(self, token: int, labels: tuple[str, ...]) -> Trigger | None:
        for trig in self.triggers_at.get(token, []):
            if trig.label in labels:
                return trig
        return None

    def is_verb(self, token: int) -> bool:
        # The tagger reads some action words as nouns ("Tổ chức tập huấn");
        # the ACTION list in triggers.jsonl names them.
        return self.doc[token].tag_ in ("V", "Vb", "Vy") or "ACTION" in self.labels_of(token)

    # -- clause frames -------------------------------------------------
    def clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        """Token ranges of the clauses of a sentence: split at ";" and at
        "đồng thời" (guide: parts with their own main verb are separate tasks)."""
        ts, te = self.token_range(start, end)
        cuts = [ts]
        for i in range(ts, te):
            text = self.doc[i].text
            if text == ";" and self._inside_quotes(start, self.doc[i].idx):
                # The names of emulation movements listed inside quotes
                # ("“…”; “…”", 06_cd-224) are one object.
                continue
            if text == ";" or (
                self.keys[i] in _squashed("clause_splitters")
                and i > ts
                and self.doc[i - 1].text in ",;"
            ):
                cuts.append(i if text != ";" else i + 1)
            elif i > ts and self.doc[i - 1].text == ":" and self.enumerator_end(i) > i:
                # "Bộ Công an: (1) …; (2) …": the items of an inline list are
                # tasks when they open with an action, objects otherwise.
                if self._opens_clause(self.enumerator_end(i)):
                    cuts.append(i)
        cuts.append(te)
        ranges: list[tuple[int, int]] = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            while a < b and (self.doc[a].is_space or self.doc[a].text in ";,"):
                a += 1
            if a >= b:
                continue
            if ranges and not self._opens_clause(a):
                # "…; về cách chức, bãi nhiệm": no verb of its own, so the part
                # after ";" is more of the previous clause's object.
                ranges[-1] = (ranges[-1][0], b)
            else:
                ranges.append((a, b))
        return ranges

    def _only_completion(self, span: tuple[int, int]) -> bool:
        words = normalise_string(self.text[span[0] : span[1]]).lower().strip(" ,.;:")
        return words in _completion_triggers()

    def _inside_quotes(self, start: int, position: int) -> bool:
        """Inside quotes or brackets: "(cấp tỉnh và cấp xã, trong đó …; đẩy
        mạnh …)" (11_kl-127) explains an object; its ";" splits nothing."""
        before = self.text[start:position]
        return (
            before.count("“") > before.count("”")
            or before.count('"') % 2 == 1
            or before.count("(") > before.count(")")
        )

    def _inline_heading(self, ts: int, te: int) -> int:
        """Where a clause really starts when a body heading stands inside the
        line ("5. Nhiệm vụ về … a) Bộ Khoa học và Công nghệ: (1) …"): at the
        first body followed by ":" (a later one is an object: "… chỉ đạo các
        cơ quan báo chí:"); otherwise at ``ts``."""
        topic_end = self._topic_end(ts, te)
        if topic_end is not None:
            return topic_end
        start = ts
        for i in range(ts, te):
            if self.labels_of(i) & {"ASSIGN", "LEAD", "MODAL", "SUPPORT"}:
                # "Vụ X chủ trì, phối hợp với các Vụ: …": a frame came first.
                return ts
            mention = self.mention_at.get(i)
            if mention is not None and mention.token_end < te:
                if self.doc[mention.token_end].text == ":" and mention.kind != "backref":
                    start = i
                    break
        if start == ts:
            return ts
        # Back over the bodies listed with it ("Bí thư tỉnh ủy và Chủ tịch …:").
        ends = {m.token_end: m.token_start for m in self.mention_at.values()}
        j = start
        while j > ts:
            k = j - 1
            while k > ts and self.keys[k] in _squashed("list_joiners"):
                k -= 1
            if k + 1 in ends and ends[k + 1] >= ts and k < j - 0:
                j = ends[k + 1]
            else:
                break
        return j

    def _topic_end(self, ts: int, te: int) -> int | None:
        """After a topic heading written inside the line ("3. Về đề nghị sửa
        đổi Nghị quyết …: giao Bộ Nông nghiệp và Môi trường chủ trì …"): the
        topic restates what was asked, the order follows the colon."""
        first = self.enumerator_end(ts)
        if first >= te:
            return None
        topic = self.keys[first] in _squashed("topic_openers")
        for i in range(first + 1, te - 1):
            if i in self.mention_at and not topic:
                # A body before the colon: "Bộ Công an: (1) …" (see
                # _inline_heading), not a topic.
                return None
            if self.doc[i].text == ":":
                nxt = self._skip_joiners(i + 1, te)
                if nxt >= te:
                    return None
                if topic:
                    return nxt
                # "2. Đẩy mạnh rà soát, hoàn thiện thể chế: Các bộ khẩn trương
                # trình …" (02_tb-624): a heading written on the line of the
                # order; the order's subject follows the colon.
                subject = self.enumerator_end(nxt)
                if subject in self.mention_at:
                    after = self._skip_joiners(self.mention_at[subject].token_end, te)
                    phrase = self.deadline_at(after) if after < te else None
                    if phrase is not None:  # "Các bộ khẩn trương trình …"
                        after = self._skip_joiners(self.token_range(phrase.end, phrase.end)[0], te)
                    if after < te and (
                        self.is_verb(after) or self.labels_of(after) & {"LEAD", "MODAL"}
                    ):
                        return nxt
                return None
        return None

    def enumerator_end(self, i: int) -> int:
        """End of an inline list number at token ``i`` ("(1)", "(ii)", "a)"), or ``i``."""
        match = _ENUMERATOR.match(self.text, self.doc[i].idx)
        if match is None:
            return i
        return self.token_range(match.end(), match.end())[0]

    def _opens_clause(self, i: int) -> bool:
        if i >= len(self.doc):
            return False
        enumerated = self.enumerator_end(i)
        if enumerated > i:
            return self._opens_clause(enumerated)
        if self.keys[i] in _squashed("clause_splitters"):
            return True
        opener_end = _phrases("subclause_openers").longest_at(self.keys, i)
        if opener_end > i:
            # "…; trong đó hỗ trợ nhà ở cho người có công … hoàn thành trước
            # ngày 24/7/2025" (27_tin): a part with its own verb.
            return opener_end < len(self.doc) and self.is_verb(opener_end)
        if self.doc[i].tag_ in ("A", "R") and i + 1 < len(self.doc) and self.is_verb(i + 1):
            # "…; sớm báo cáo cấp có thẩm quyền …" (07_tb-627): a manner
            # word before the part's own verb.
            return True
        return (
            self.is_verb(i)
            or i in self.mention_at
            or bool(self.triggers_at.get(i))
            or (self.deadline_at(i) is not None)
        )

    def frame(self, ts: int, te: int) -> _Frame:
        leads: list[Mention] = []
        supports: list[Mention] = []
        deadlines: list[Phrase] = []
        role = "subject"
        framed = False
        i = self._inline_heading(ts, te)
        while i < te:
            enumerated = self.enumerator_end(i)
            if enumerated > i:
                i = enumerated
                continue
            task_label = self.trigger_of(i, ("LABEL_TASK",))
            if task_label is not None and task_label.token_end < te:
                if self.doc[task_label.token_end].text == ":":
                    i = task_label.token_end + 1
                    continue
            phrase = self.deadline_at(i)
            if phrase is not None:
                if phrase not in deadlines:
                    deadlines.append(phrase)
                i = max(i + 1, self.token_range(phrase.end, phrase.end)[0])
                continue
            mention = self.mention_at.get(i)
            if mention is not None and mention.token_end <= te:
                if role == "support":
                    supports.append(mention)
                elif role in ("subject", "assigned") or (role == "after_lead" and not framed):
                    leads.append(mention)
                else:
                    return _Frame(leads, supports, i, framed, False, deadlines)
                i = mention.token_end
                continue
            labels = self.labels_of(i)
            trig = self.trigger_of(i, ("ASSIGN", "LEAD", "MODAL", "SUPPORT", "PAST", "EDGE"))
            if "PAST" in labels and role != "assigned":
                if self.is_verb(i) and self._skip_joiners(trig.token_end, te) in self.mention_at:
                    # "…; sớm báo cáo cấp có thẩm quyền …", "kịp thời báo cáo
                    # Bộ Chính trị …" (07_tb, 11_kl): reporting to a body is
                    # an action; "theo báo cáo của …" is the narrative use.
                    return _Frame(leads, supports, i, framed, False, deadlines)
                return _Frame(leads, supports, None, framed, True, deadlines)
            if (
                self.keys[i] in _squashed("directing_verbs")
                and i + 1 < te
                and self.labels_of(i + 1) & {"LEAD", "SUPPORT"}
            ):
                # "Bộ trưởng Bộ Nội vụ chỉ đạo chủ trì, phối hợp với … hướng
                # dẫn …" (06_cd-224): the minister has his ministry lead.
                i += 1
                continue
            if role == "subject" and self._issuer_hands_over(i, te, leads):
                # "Thủ tướng chỉ đạo Bộ Xây dựng …", "Thủ tướng yêu cầu, địa
                # phương nào …": the issuer asks; what follows is the task.
                leads = []
                role = "assigned"
                framed = True
                i = self._skip_joiners(self._word_end(i), te)
                continue
            if "ASSIGN" in labels and role == "subject" and self._is_request(ts, i, te, leads):
                # Whoever stands before "giao"/"yêu cầu" is the requester.
                leads = []
                role = "assigned"
                framed = True
                i = trig.token_end
                continue
            if labels & {"LEAD", "MODAL"}:
                framed = True
                role = "after_lead"
                i = self.trigger_of(i, ("LEAD", "MODAL")).token_end
                continue
            if "SUPPORT" in labels and not (
                # A bare "với" lists partners only where it opens the item.
                self.keys[i] in _squashed("opening_partner_words")
                and (leads or not self._only_edges_before(ts, i))
            ):
                trig = self.trigger_of(i, ("SUPPORT",))
                nxt = self._skip_joiners(trig.token_end, te)
                if nxt in self.mention_at:
                    role = "support"
                framed = True
                i = trig.token_end
                continue
            if "EDGE" in labels and role != "support":
                i = self.trigger_of(i, ("EDGE",)).token_end
                continue
            token = self.doc[i]
            if token.is_space or token.is_punct or self.keys[i] in _squashed("clause_joiners"):
                if role == "support" and self.keys[i] not in _squashed("list_joiners"):
                    role = "after_lead"
                i += 1
                continue
            if role == "subject" and not leads and not self.is_verb(i):
                if self._opens_verb_series(i, te):
                    # "Thăm hỏi, động viên, hỗ trợ …": the tagger missed the
                    # first verb of a series.
                    return _Frame(leads, supports, i, framed, False, deadlines)
                i += 1  # an opening adverbial ("Trong đó", "Đáng chú ý")
                continue
            if role == "subject" and leads and not self.is_verb(i) and self.doc[i - 1].text == ",":
                resume = self._after_aside(i, te)
                if resume is not None:
                    # "Sở Tài chính, trên cơ sở đề xuất của các cơ quan, chủ
                    # trì tổng hợp …" (18_kh-7360): an aside after the subject.
                    i = resume
                    continue
            if role in ("subject", "assigned") and leads and self._is_name(i):
                # Appositions after a subject: "… các tỉnh: Đắk Lắk, Khánh Hòa",
                # a person's name after a post.
                i += 1
                continue
            if role == "subject" and not leads and self._subject_ahead(i, te):
                i += 1
                continue
            return _Frame(leads, supports, i, framed, False, deadlines)
        return _Frame(leads, supports, None, framed, False, deadlines)

    def _after_aside(self, i: int, te: int) -> int | None:
        """Where the frame resumes after ", <aside>," that follows a subject:
        the token after a later comma when a frame word ("chủ trì", "phải")
        stands there, or None."""
        for j in range(i + 1, min(te - 1, i + _SUBJECT_LOOKAHEAD)):
            if self.doc[j].text != ",":
                continue
            k = j + 1
            if self.labels_of(k) & {"LEAD", "MODAL", "SUPPORT"}:
                return k
        return None

    def _issuer_hands_over(self, i: int, te: int, leads: list[Mention]) -> bool:
        if not leads or leads[-1].token_end != i:
            return False
        if any(_plain(m.text) not in _requesters() for m in leads):
            return False
        if "ASSIGN" in self.labels_of(i):
            return True
        return self.keys[i] in _squashed("directing_verbs") and (
            self._skip_joiners(i + 1, te) in self.mention_at
        )

    def _word_end(self, i: int) -> int:
        trig = self.trigger_of(i, ("ASSIGN",))
        return trig.token_end if trig is not None else i + 1

    def _is_request(self, ts: int, i: int, te: int, leads: list[Mention]) -> bool:
        """ "yêu cầu", "đề nghị" are also nouns ("mục đích, yêu cầu nêu …"); they
        open a request when a body or ":" follows, or when the requester or the
        clause's start stands right before them."""
        trig = self.trigger_of(i, ("ASSIGN",))
        nxt = self._skip_joiners(trig.token_end, te)
        if nxt in self.mention_at or (nxt < te and self.doc[nxt].text == ":") or nxt >= te:
            return True
        if not self.is_verb(nxt) and not self.doc[nxt].text[:1].isupper():
            # "Phân công cán bộ …": the frame word is the action's own verb;
            # a capitalised word is a body the gazetteer does not know.
            return False
        before = [k for k in range(ts, i) if not (self.doc[k].is_space or self.doc[k].is_punct)]
        return not before or bool(leads and leads[-1].token_end == i)

    def _opens_verb_series(self, i: int, te: int) -> bool:
        return (
            i + 2 < te
            and self.doc[i + 1].text == ","
            and self.is_verb(i + 2)
            and not self.doc[i].is_punct
            and self.doc[i].tag_ not in ("E", "P", "C", "Cc", "L", "M", "T", "R")
            and i not in self.mention_at
        )

    def _is_name(self, i: int) -> bool:
        token = self.doc[i]
        return token.text[:1].isupper() and not self.is_verb(i) and not self.triggers_at.get(i)

    def _skip_joiners(self, i: int, te: int) -> int:
        while i < te and (self.doc[i].is_space or self.keys[i] in _squashed("clause_joiners")):
            i += 1
        return i

    def _subject_ahead(self, i: int, te: int) -> bool:
        """A verb-like opener ("Đáng chú ý, mỗi nơi phải …") is not the action
        when a body with a frame word follows shortly."""
        for j in range(i + 1, min(te, i + _SUBJECT_LOOKAHEAD)):
            if j in self.mention_at:
                if self.is_verb(j - 1) and "ASSIGN" not in self.labels_of(j - 1):
                    # "Đôn đốc, chỉ đạo các đơn vị trực thuộc phối hợp với …":
                    # a body right after a verb is its object.
                    return False
                k = self._skip_joiners(self.mention_at[j].token_end, te)
                if self.labels_of(k) & {"ASSIGN", "LEAD", "MODAL", "SUPPORT", "EDGE"}:
                    return True
                # "Trên cơ sở tài liệu do Trung ương biên soạn, các cơ quan,
                # đơn vị tổ chức tuyên truyền …": a subject after a comma.
                return self.doc[j - 1].text == "," and k < te and self.is_verb(k)
        return False

    # -- descriptions --------------------------------------------------
    def description(self, action: int, te: int, deadlines: list[Phrase]) -> tuple[int, int] | None:
        start = self.doc[action].idx
        end = self.doc[te - 1].idx + len(self.doc[te - 1]) if te > action else start
        changed = True
        while changed and start < end:
            changed = False
            for phrase in deadlines:
                if phrase.start <= start < phrase.end:
                    start, changed = phrase.end, True
                elif start < phrase.start < end and (
                    phrase.end >= end or not self.text[phrase.end : end].strip(" .;,:)(")
                ):
                    end, changed = phrase.start, True
            stripped_start = self._skip_edges(start, end)
            if stripped_start != start:
                start, changed = stripped_start, True
            trimmed = len(self.text[start:end].rstrip(" .;,:(-–\n\t"))
            if start + trimmed != end:
                end, changed = start + trimmed, True
        if end - start < 3:
            return None
        return start, end

    def _skip_edges(self, start: int, end: int) -> int:
        text = self.text
        while start < end and text[start] in " ,;:.-–()\n\t":
            start += 1
        i = self.token_at(start)
        if self.doc[i].idx == start:
            trig = self.trigger_of(i, ("EDGE", "MODAL"))
            if trig is not None and trig.end < end:
                return trig.end
        return start

    def count_end(self, action: int, te: int) -> int | None:
        """If the action is a count of tasks ("thực hiện 8 đầu việc"), the token
        where its items begin (after "trong đó"), or ``te`` if none follow."""
        for i in range(action, min(te, action + _COUNT_WINDOW)):
            if self.doc[i].like_num:
                k = _phrases("count_nouns").longest_at(self.keys, i + 1)
                if k > i + 1:
                    for j in range(k, te):
                        f = _phrases("count_followers").longest_at(self.keys, j)
                        if f > j:
                            return f
                    return te
            if self._announces_list(i, te):
                return te
        return None

    def _announces_list(self, i: int, te: int) -> bool:
        """ "… cần tập trung một số nhiệm vụ trọng tâm sau:": a count with no
        number, naming the list that follows rather than a task."""
        q = _phrases("count_quantifiers").longest_at(self.keys, i)
        if q <= i:
            return False
        k = _phrases("count_nouns").longest_at(self.keys, q)
        if k <= q:
            return False
        for j in range(k, min(te, k + _LIST_CLOSER_WINDOW)):
            c = _phrases("list_closers").longest_at(self.keys, j)
            if c > j:
                return all(t.is_punct or t.is_space for t in self.doc[c:te])
        return False

    # -- bodies --------------------------------------------------------
    def resolve(self, mentions: list[Mention]) -> list[BodyRef]:
        refs = []
        for m in mentions:
            if m.kind != "backref":
                refs.append(BodyRef(m))
                continue
            target = None
            for earlier in reversed(self.history):
                # "Ban cũng …" refers back to a body named "Ban …".
                first_word = normalise_string(earlier.text).split(" ", 1)[0].lower()
                if m.head is None or first_word == m.head:
                    target = earlier
                    break
            if target is not None:
                refs.append(BodyRef(m, target))
        return refs

    def remember(self, refs: list[BodyRef]) -> None:
        for ref in refs:
            self.history.append(ref.target)

    # -- sections ------------------------------------------------------
    def ancestors(self, p: Paragraph) -> list[Paragraph]:
        chain = []
        parent = p.parent
        while parent is not None:
            chain.append(self.paragraphs[parent])
            parent = self.paragraphs[parent].parent
        return chain

    def content(self, p: Paragraph) -> str:
        return self.text[p.content_start : p.end]

    def section_path(self, p: Paragraph) -> str | None:
        heads = [a for a in reversed(self.ancestors(p)) if a.index in self.has_children]
        if not heads:
            return None
        return " > ".join(self.text[h.start : h.end][:120] for h in heads)

    def section_kind(self, p: Paragraph) -> str:
        own = self.content(p).strip()
        topic = _without_topic_opener(own)
        # "Về tồn tại, hạn chế: Ban Chỉ đạo … chỉ ra …": a topic written
        # inside the line names its part as a heading would.
        inline = [p] if topic != own and ":" in topic else []
        for a in inline + self.ancestors(p):
            heading = _without_topic_opener(self.content(a).strip())
            if _starts_with_any(heading, "non_task_sections"):
                return "none"
            if _starts_with_any(heading, "aims_sections"):
                return "aims"
        return "tasks"

    def is_label(self, p: Paragraph) -> str | None:
        i, te = self.token_range(p.content_start, p.end)
        for trig in self.triggers_at.get(i, []):
            # "Nội dung: …" holds the task itself, not a field of one.
            if trig.label.startswith("LABEL_") and trig.label != "LABEL_TASK":
                k = trig.token_end
                if k < te and self.doc[k].text == ":":
                    return trig.label
        return None

    # -- main loop -----------------------------------------------------
    def run(self) -> list[Draft]:
        tails = self._tail_regions()
        pending: list[Draft] = []
        label_block: list[Paragraph] = []
        table: list[Paragraph] = []
        for p in self.paragraphs:
            if any(a <= p.start < b for a, b in tails):
                continue
            if p.is_table_row:
                table.append(p)
                continue
            if table:
                self.table_tasks(table)
                table = []
            label = self.is_label(p)
            if label is not None:
                label_block.append(p)
                continue
            if label_block:
                self.apply_labels(label_block, pending)
                label_block, pending = [], []
            pending = [d for d in pending if d.level <= p.level]
            if p.marker is not None and (self.intro_leads or self.intro_deadline):
                if self.intro_item_level is None:
                    self.intro_item_level = p.level
                elif p.level < self.intro_item_level:
                    # "III. …" after the items of an intro in part II ends them.
                    self.intro_leads, self.intro_deadline = [], None
            kind = self.section_kind(p)
            if kind == "none" or self._is_formality(p):
                continue
            new = self.paragraph_tasks(p, aims=(kind == "aims"))
            pending.extend(new)
            # A plain paragraph that names no body goes on with the body of
            # the paragraph before ("Thủ tướng yêu cầu Bộ trưởng Công an chỉ
            # đạo …" then "Ngoài ra, không chấp nhận việc can thiệp …",
            # 32_tin; the same reading in 28_tin and 33_tin).
            carried = [d for d in new if d.leads and "inherited_lead" not in d.flags]
            self.carry_leads = (
                carried[-1].leads if carried and p.marker is None and not p.is_table_row else []
            )
            if p.marker is None:
                # A plain line ending in ":" introduces the list after it
                # ("Bí thư tỉnh ủy …: … tập trung một số nhiệm vụ sau:");
                # any other plain line ends that list.
                ends_intro = self.content(p).rstrip().endswith(":")
                self.intro_leads = self.heading_leads.get(p.index, []) if ends_intro else []
                # Only a line that names who acts dates the list after it:
                # "Từ nay đến ngày 19/12 chỉ còn 01 tháng, … Thủ tướng yêu
                # cầu:" gives the background, not a deadline.
                self.intro_deadline = (
                    self.group_deadline.get(p.index) if ends_intro and self.intro_leads else None
                )
                self.intro_item_level = None
        if label_block:
            self.apply_labels(label_block, pending)
        if table:
            self.table_tasks(table)
        # A verb-led item that never met a body is a statement of content
        # ("Đánh giá những kết quả …" under "Nội dung kế hoạch"), not an order.
        return [d for d in self.drafts if d.leads or not d.provisional]

    def table_tasks(self, rows: list[Paragraph]) -> None:
        """One task per task row of an assignment table (guide: even when the
        row's text holds ";" or several sentences)."""
        cells = [split_row(self.text, p.start, p.end) for p in rows]
        section = self.section_path(rows[0])
        table_section: str | None = None
        headers = [c for c in cells if is_header(c)]
        carried = self.last_header
        if headers:
            self.last_header = headers[-1]
        for p, row in zip(rows, read_table(cells, carried), strict=True):
            if row.kind == "section":
                table_section = " ".join(c.text for c in row.cells if c.text)[:120]
                continue
            if row.kind != "task":
                continue
            described = row.fields["description"]
            start, end = described.start, described.end
            ts, te = self.token_range(start, end)
            frame = self.frame(ts, te) if te > ts else None
            leads: list[BodyRef] = []
            supports: list[BodyRef] = []
            if frame is not None and frame.action is not None:
                # "Bộ Công an chủ trì, phối hợp với …: xây dựng …" inside the cell.
                leads = self.resolve(frame.leads)
                supports = self.resolve(frame.supports)
                span = self.description(frame.action, te, self.clause_deadlines(ts, te))
                if span is not None:
                    start, end = span
            if "lead" in row.fields:
                leads = self._cell_bodies(row.fields["lead"]) or leads
            if "support" in row.fields:
                supports = self._cell_bodies(row.fields["support"]) or supports
            deadline = None
            if "deadline" in row.fields:
                cell = row.fields["deadline"]
                found = [d for d in self.deadlines if cell.start <= d.start < cell.end]
                deadline = found[0] if found else Phrase(cell.start, cell.end, cell.text)
            path = " > ".join(x for x in (section, table_section) if x) or None
            flags = ["from_table"] + ([] if leads else [])
            self.drafts.append(
                Draft(start, end, leads, supports, deadline, (p.start, p.end), path, flags, p.level)
            )
            if leads:
                self.remember(leads)

    def _cell_bodies(self, cell: Cell) -> list[BodyRef]:
        ts, te = self.token_range(cell.start, cell.end)
        return self._value_bodies(ts, te, cell.start, cell.end)

    def _tail_regions(self) -> list[tuple[int, int]]:
        """Recipients and signature blocks. A document may go on after one:
        a Quyết định's attached Kế hoạch or an appendix (Phụ lục) restarts
        with a type title in capitals, a numbered part or a new header."""
        regions: list[tuple[int, int]] = []
        start: int | None = None
        for p in self.paragraphs:
            text = self.text[p.start : p.end].strip()
            if start is None:
                if p.marker is None and _starts_with_any(text, "tail_openers"):
                    start = p.start
                continue
            if self._restarts(text):
                regions.append((start, p.start))
                start = None
        if start is not None:
            regions.append((start, len(self.text)))
        return regions

    def _restarts(self, text: str) -> bool:
        structure = _structure()
        lowered = text.lower()
        if text.isupper() and lowered in structure["doc_types"]:
            return True
        if any(lowered.startswith(word.lower()) for word in structure["appendix_words"]):
            return True
        return any(lowered.startswith(h.lower()) for h in structure["metadata"]["header_end"])

    def _is_formality(self, p: Paragraph) -> bool:
        text = self.content(p).strip()
        lowered = normalise_string(text).lower()
        if any(f in lowered for f in _structure()["closing_formulas"]):
            return True
        if text.endswith("?") or (text.startswith("(") and text.endswith(")")):
            # A question is a news sub-heading ("Yêu cầu triển khai … ra
            # sao?"); "(Kèm theo Thông báo …)" says what an appendix belongs to.
            return True
        if p.marker is None and any(c.isalpha() for c in text) and text.upper() == text:
            # A plain title in capitals ("TỔNG HỢP CÁC NHIỆM VỤ CHẬM MUỘN …");
            # numbered ones ("IV. TỔ CHỨC THỰC HIỆN") still head their items.
            return True
        if p.index < self.body_start:
            return True
        return p.marker is None and _starts_with_any(text, "non_task_openers")

    def _body_start(self) -> int:
        """Index of the first paragraph that ends like a sentence. The lines
        before it are a news report's headline, sub-title and lead-in ("Thủ
        tướng yêu cầu thực hiện nghiêm quy định …", 31_bai-viet) or a
        directive's header: no tasks (guide: headlines are not tasks)."""
        for p in self.paragraphs:
            if p.is_table_row or p.marker is not None:
                return p.index
            if self.text[p.start : p.end].rstrip().endswith(_SENTENCE_ENDS):
                return p.index
        return 0

    def inherited(self, p: Paragraph) -> tuple[list[BodyRef], Phrase | None, bool]:
        leads: list[BodyRef] = []
        deadline = None
        verb_heading = False
        for a in self.ancestors(p):
            if not leads and a.index in self.heading_leads:
                leads = self.heading_leads[a.index]
            if deadline is None and a.index in self.group_deadline:
                deadline = self.group_deadline[a.index]
            if a.index == p.parent and a.index in self.verb_headings:
                verb_heading = True
        return leads, deadline, verb_heading

    def clause_deadlines(self, ts: int, te: int) -> list[Phrase]:
        start = self.doc[ts].idx
        end = self.doc[te - 1].idx + len(self.doc[te - 1])
        return [d for d in self.deadlines if start <= d.start < end]

    def paragraph_tasks(self, p: Paragraph, aims: bool) -> list[Draft]:
        if p.is_table_row:
            return []
        inherited_leads, inherited_deadline, verb_heading = self.inherited(p)
        if p.marker is not None and not inherited_leads:
            inherited_leads = self.intro_leads
        if p.marker is None and not inherited_leads:
            inherited_leads = self.carry_leads
        if p.marker is not None and inherited_deadline is None:
            inherited_deadline = self.intro_deadline
        is_heading = p.index in self.has_children
        content = self.content(p).rstrip()
        new: list[Draft] = []
        context_leads: list[BodyRef] = []  # leads set by a count or an introducer
        paragraph_leads: list[BodyRef] = []  # the last explicit leads in this paragraph
        paragraph_supports: list[BodyRef] = []  # and their partners
        group_deadline = inherited_deadline
        if verb_heading and p.marker is not None and self._names_only_objects(p):
            draft = self.object_item(p, inherited_leads, inherited_deadline)
            self.drafts.append(draft)
            return [draft]
        for sentence in p.sentences:
            sentence_deadline: Phrase | None = None
            if _starts_with_any(self.text[sentence.start : sentence.end], "narrative_openers"):
                continue
            for ts, te in self.clauses(sentence.start, sentence.end):
                frame = self.frame(ts, te)
                if frame.narrative:
                    continue
                own = self.resolve(frame.leads)
                requested = frame.framed and self._assigned(ts, frame)
                supports = self.resolve(frame.supports)
                if (
                    own
                    and frame.action is not None
                    and not frame.framed
                    and "STATIVE" in self.labels_of(frame.action)
                    and self.count_end(frame.action, te) is None
                ):
                    # "UBND tỉnh ban hành kế hoạch như sau:": the issuer
                    # describes the plan; it gives itself no task.
                    continue
                if own:
                    paragraph_leads = own
                    paragraph_supports = supports
                elif not supports and paragraph_leads:
                    # Later clauses of "X chủ trì, phối hợp với Y …; …" keep Y.
                    supports = paragraph_supports
                if requested and not own:
                    leads: list[BodyRef] = []
                    # "Thành ủy yêu cầu siết chặt …; kịp thời khắc phục …"
                    # (seed): the parts after a request that names nobody do
                    # not go back to a body named before it.
                    paragraph_leads, context_leads = [], []
                else:
                    leads = own or paragraph_leads or context_leads or inherited_leads
                action = frame.action
                deadlines = self.clause_deadlines(ts, te)
                if action is None:
                    if own:
                        context_leads = own
                        self.remember(own)
                    if deadlines and content.endswith(":"):
                        group_deadline = deadlines[0]
                    continue
                count = self.count_end(action, te)
                if count is not None:
                    if own:
                        context_leads = own
                        self.remember(own)
                    if deadlines and (own or paragraph_leads):
                        # "Các quận, huyện … có 3 nhóm nhiệm vụ cần thực hiện ngay
                        # trong năm 2018": a body's count dates its items; a count
                        # about the plan itself ("Kế hoạch … 2 nội dung") does not.
                        group_deadline = deadlines[0]
                        self.group_deadline[p.index] = group_deadline
                    rest = self.frame(count, te) if count < te else None
                    if rest is None or rest.action is None:
                        continue
                    action = rest.action
                    deadlines = [d for d in deadlines if d.start >= self.doc[count].idx]
                    framed = True
                else:
                    framed = frame.framed
                if not self._accept(
                    p,
                    ts,
                    action,
                    own,
                    leads,
                    framed,
                    requested,
                    aims,
                    # "5. Nhiệm vụ về … a) Bộ Khoa học và Công nghệ: (1) trình
                    # …; (2) …" (02_tb-624): after a body heading inside the
                    # line, the clauses are its items even on a heading line.
                    is_heading and not context_leads,
                    verb_heading,
                    content,
                ):
                    continue
                span = self.description(action, te, deadlines)
                if span is None:
                    continue
                if new and deadlines and self._only_completion(span):
                    # "…; hoàn thành trước ngày 10 tháng 12 năm 2025": the
                    # date of the task before, not a task of its own.
                    previous = new[-1]
                    if previous.deadline is None or self._is_immediate(previous.deadline):
                        stated = [d for d in deadlines if not self._is_immediate(d)]
                        previous.deadline = (stated or deadlines)[0]
                    continue
                flags: list[str] = []
                # "Khẩn trương rà soát …, trình Chính phủ trước ngày 26/11/2025":
                # a stated date beats "khẩn trương"/"ngay" (guide).
                stated = [d for d in deadlines if not self._is_immediate(d)]
                deadline = (stated or deadlines or [None])[0]
                if (
                    deadline is not None
                    and deadline.end <= span[0]
                    and sentence_deadline is None
                    and not self._is_immediate(deadline)
                ):
                    # "Trong tháng 12/2025, A; B" dates both parts; an opening
                    # "Khẩn trương" is the manner of its own clause only.
                    sentence_deadline = deadline
                if deadline is None and sentence_deadline is not None:
                    deadline = sentence_deadline
                if group_deadline is not None and (
                    deadline is None or self._is_immediate(deadline)
                ):
                    flags.append("inherited_deadline")
                    deadline = group_deadline
                if not own and leads:
                    flags.append("inherited_lead")
                if any(ref.resolved for ref in leads):
                    flags.append("resolved_reference")
                draft = Draft(
                    span[0],
                    span[1],
                    list(leads),
                    supports,
                    deadline,
                    (sentence.start, sentence.end),
                    self.section_path(p),
                    flags,
                    p.level,
                    provisional=not leads and not requested and not verb_heading,
                )
                self.drafts.append(draft)
                new.append(draft)
                if own:
                    self.remember(own)
        if content.endswith(":"):
            leads = (
                context_leads
                or paragraph_leads
                or self.resolve(self._heading_bodies(p))
                or self.resolve(self._intro_subjects(p))
            )
            if leads:
                self.heading_leads[p.index] = leads
            if group_deadline is inherited_deadline and new and p.sentences:
                # "Đề nghị Thường trực Tỉnh ủy tập trung thực hiện … trong 02
                # tháng cuối năm 2025 …, trong đó lưu ý:": the task that
                # introduces the items dates each of them (guide: a deadline
                # stated for a group). A date in a line that gives no task
                # ("Từ nay đến ngày 19/12 chỉ còn 01 tháng, … yêu cầu:") is
                # background.
                last = new[-1]
                if (
                    last.sentence == (p.sentences[-1].start, p.sentences[-1].end)
                    and last.deadline is not None
                    and "inherited_deadline" not in last.flags
                ):
                    group_deadline = last.deadline
            if group_deadline is not None and group_deadline is not inherited_deadline:
                self.group_deadline[p.index] = group_deadline
            if not new and self._first_is_verb(p):
                self.verb_headings.add(p.index)
        elif is_heading and (context_leads or (paragraph_leads and not new)):
            self.heading_leads[p.index] = context_leads or paragraph_leads
        if (
            is_heading
            and not new
            and group_deadline is inherited_deadline
            and len(p.sentences) == 1
            and ":" not in content
        ):
            # "2. Về nhiệm vụ trọng tâm từ nay đến tháng 6/2027": a heading's
            # deadline is stated for the group under it (guide).
            stated = [d for d in self.deadlines if p.content_start <= d.start < p.end]
            if stated:
                self.group_deadline[p.index] = stated[0]
        if is_heading and not new and p.marker is not None and self._first_is_verb(p):
            # "3.1. Tham gia góp ý kiến vào dự thảo …" over items that name
            # only objects: each item is a task (guide).
            self.verb_headings.add(p.index)
        return new

    def _names_only_objects(self, p: Paragraph) -> bool:
        """An item with no frame and no action at its start ("a) Nghị định quy
        định chi tiết …"), as opposed to "- Thường xuyên rà soát …"."""
        if not p.sentences:
            return False
        clauses = self.clauses(p.sentences[0].start, p.sentences[0].end)
        if not clauses:
            return False
        ts, te = clauses[0]
        frame = self.frame(ts, te)
        if frame.leads or frame.framed:
            return False
        return frame.action is None or not self._only_edges_before(ts, frame.action)

    def _first_is_verb(self, p: Paragraph) -> bool:
        if _starts_with_any(self.content(p).strip(), "topic_openers"):
            return False
        first = self.token_range(p.content_start, p.end)[0]
        return first < len(self.doc) and self.is_verb(first)

    def object_item(self, p: Paragraph, leads: list[BodyRef], deadline: Phrase | None) -> Draft:
        """An item under a verb heading: the whole item is the task."""
        content = self.content(p)
        stripped = content.rstrip(" .;:")
        start = p.content_start
        flags = ["from_heading"] + (["inherited_lead"] if leads else [])
        if deadline is not None:
            flags.append("inherited_deadline")
        return Draft(
            start,
            start + len(stripped),
            list(leads),
            [],
            deadline,
            (p.start, p.end),
            self.section_path(p),
            flags,
            p.level,
            provisional=not leads,
        )

    def _assigned(self, ts: int, frame: _Frame) -> bool:
        """Whether the clause's frame is a request ("giao", "yêu cầu") before its action."""
        end = frame.action if frame.action is not None else ts
        return any("ASSIGN" in self.labels_of(i) for i in range(ts, end))

    def _accept(
        self,
        p: Paragraph,
        ts: int,
        action: int,
        own: list[BodyRef],
        leads: list[BodyRef],
        framed: bool,
        requested: bool,
        aims: bool,
        is_heading: bool,
        verb_heading: bool,
        content: str,
    ) -> bool:
        """Whether a clause with an action is a task (see the module docstring)."""
        stative = "STATIVE" in self.labels_of(action)
        if own and (framed or (self.is_verb(action) and not stative)):
            return True
        if aims:
            return False
        if requested:
            return True
        if is_heading:
            if self.is_verb(action) and content.endswith(":"):
                self.verb_headings.add(p.index)
            return False
        if verb_heading and p.marker is not None:
            return True
        starts_clause = self._only_edges_before(ts, action)
        item = p.marker is not None
        if stative and not framed:
            return False
        if leads and (framed or self.is_verb(action)) and starts_clause:
            return True
        return item and starts_clause and self.is_verb(action) and p.start >= 0

    def _only_edges_before(self, ts: int, action: int) -> bool:
        """Whether only frame material stands before the action: numbering,
        deadlines, frame words, partners ("Phối hợp với Bộ … tiếp tục …")."""
        i = ts
        while i < action:
            token = self.doc[i]
            if i in self.mention_at:
                i = self.mention_at[i].token_end
                continue
            enumerated = self.enumerator_end(i)
            if enumerated > i:
                i = enumerated
                continue
            opener_end = _phrases("subclause_openers").longest_at(self.keys, i)
            if opener_end > i:
                i = opener_end
                continue
            if i + 1 == action and token.tag_ in ("A", "R") and i not in self.mention_at:
                # "…; sớm báo cáo …": a manner word right before the verb.
                i += 1
                continue
            task_label = self.trigger_of(i, ("LABEL_TASK",))
            if task_label is not None and task_label.token_end < action:
                # "a) Nhiệm vụ: Lựa chọn kiến trúc sư trưởng …" (19_kh-308).
                i = task_label.token_end
                continue
            if token.is_space or token.is_punct or self.deadline_at(i) is not None:
                i += 1
                continue
            if self.keys[i] in _squashed("clause_joiners") or self.labels_of(i) & {
                "EDGE",
                "MODAL",
                "LEAD",
                "SUPPORT",
            }:
                i += 1
                continue
            return False
        return True

    def _intro_subjects(self, p: Paragraph) -> list[Mention]:
        """The subject of a line introducing a list when an adverbial opens it
        ("Quán triệt …; căn cứ vào …, Văn phòng Trung ương Đảng và các văn
        phòng tỉnh ủy, thành ủy cụ thể hoá …, trong đó, cần tập trung một số
        nhiệm vụ trọng tâm sau:"): bodies after a comma and before a verb."""
        if not p.sentences:
            return []
        last = p.sentences[-1]
        ts, te = self.token_range(last.start, last.end)
        for j in range(ts + 1, te):
            if j not in self.mention_at or self.doc[j - 1].text != ",":
                continue
            group: list[Mention] = []
            k = j
            while k < te and k in self.mention_at and self.mention_at[k].kind != "backref":
                group.append(self.mention_at[k])
                k = self._skip_list_joiners(self.mention_at[k].token_end, te)
            # The tagger splits some verbs in two ("cụ thể" A + "hoá" V).
            verb_next = self.is_verb(k) or (
                self.doc[k].tag_ == "A" and k + 1 < te and self.is_verb(k + 1)
            )
            if group and k < te and (
                verb_next or self.labels_of(k) & {"LEAD", "MODAL"}
            ) and not self.labels_of(k) & {"ASSIGN"}:
                # Whoever stands before "yêu cầu:" is the requester.
                return group
        return []

    def _skip_list_joiners(self, i: int, te: int) -> int:
        while i < te and (self.doc[i].is_space or self.keys[i] in _squashed("list_joiners")):
            i += 1
        return i

    def _heading_bodies(self, p: Paragraph) -> list[Mention]:
        ts, te = self.token_range(p.content_start, p.end)
        mentions = [self.mention_at[i] for i in range(ts, te) if i in self.mention_at]
        return (
            [m for m in mentions if m.kind != "backref"][:4]
            if mentions and ts in self.mention_at
            else []
        )

    def _is_immediate(self, phrase: Phrase) -> bool:
        from pipeline.deadlines import parse_deadline

        return parse_deadline(phrase.text, None).kind == "immediate"

    def apply_labels(self, block: list[Paragraph], targets: list[Draft]) -> None:
        if not targets:
            return
        leads: list[BodyRef] = []
        supports: list[BodyRef] = []
        deadline: Phrase | None = None
        for p in block:
            label = self.is_label(p)
            i, te = self.token_range(p.content_start, p.end)
            colon = next(k for k in range(i, te) if self.doc[k].text == ":")
            value_start = self.doc[colon].idx + 1
            value = self.text[value_start : p.end]
            stripped = value.strip(" .;")
            if not stripped:
                continue
            v_start = value_start + value.index(stripped)
            v_end = v_start + len(stripped)
            if label in ("LABEL_LEAD", "LABEL_SUPPORT"):
                refs = self._value_bodies(colon + 1, te, v_start, v_end)
                (leads if label == "LABEL_LEAD" else supports).extend(refs)
            elif label == "LABEL_TIME":
                found = [d for d in self.deadlines if v_start <= d.start < v_end]
                deadline = found[0] if found else Phrase(v_start, v_end, stripped)
        for draft in targets:
            if leads:
                draft.leads = leads
                draft.flags = [f for f in draft.flags if f != "inherited_lead"]
            if supports:
                draft.supports = supports
            if deadline is not None:
                draft.deadline = deadline
                draft.flags = [f for f in draft.flags if f != "inherited_deadline"]
            if "from_label" not in draft.flags:
                draft.flags.append("from_label")

    def _value_bodies(self, ts: int, te: int, v_start: int, v_end: int) -> list[BodyRef]:
        # The bodies the value opens with; a value may go on ("Sở Khoa học và
        # Công nghệ tiến hành rà soát … của Chủ tịch UBND tỉnh").
        mentions: list[Mention] = []
        i = ts
        while i < te:
            if i in self.mention_at:
                mentions.append(self.mention_at[i])
                i = self.mention_at[i].token_end
            elif (
                self.doc[i].is_space
                or self.keys[i] in _squashed("clause_joiners")
                or self.keys[i] == ";"
            ):
                i += 1
            else:
                # "Sở Khoa học và Công nghệ tiến hành rà soát …; các sở, ngành
                # liên quan và Ủy ban nhân dân các xã, phường rà soát …"
                # (18_kh-7360): each ";" part of the value names its own.
                while i < te and self.doc[i].text != ";":
                    i += 1
                if not mentions:
                    break
        if mentions:
            return self.resolve(mentions)
        # A label names its body even when the gazetteer does not know it.
        text = self.text[v_start:v_end]
        k = self.token_at(v_start)
        return [
            BodyRef(
                Mention(v_start, v_end, k, self.token_at(v_end - 1) + 1, text, "body", None, None)
            )
        ]


def assemble(
    doc: Doc, paragraphs: list[Paragraph], matches: Matches, deadlines: list[Phrase]
) -> list[Draft]:
    """Draft task records, in document order."""
    drafts = _Assembler(doc, paragraphs, matches, deadlines).run()
    return sorted(drafts, key=lambda d: (d.start, d.end))
