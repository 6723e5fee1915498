"""Assemble stage: turn paragraphs, triggers, bodies and deadline phrases into
draft task records.

Each clause (a sentence split at ``;`` and ``đồng thời``) is read left to
right as a frame (:mod:`pipeline.clauses`): an opening stretch (adverbials, a
group deadline), the subject bodies, the frame words (``giao X``, ``X chủ
trì, phối hợp với Y``, ``X phải``), then the action, which runs to the end of
the clause. Context carries across clauses the way a reader carries it:

- the leads of a heading or of an introducing line that ends in ``:`` apply
  to the items under it;
- label lines (``Đơn vị chủ trì: …``) after items fill those items' fields and
  beat the sentence's subject;
- a count (``có 3 nhóm nhiệm vụ cần thực hiện ngay trong năm 2018``) is not a
  task but gives its bodies and deadline to the tasks that follow it;
- a back-reference (``Ban cũng …``, ``mỗi nơi``) resolves to the last body that
  was given a task, not merely the last one named.

Every choice is a named rule of ``resources/rules.yaml``. Walking the
document generates, for each draft, candidates for its lead, support and
deadline, each from the rule that found it; resolution (:func:`resolve`)
then picks one per field with a ranker (by default the rule's priority), and
the draft keeps the ids of the rules behind its fields as ``evidence``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from pipeline.clauses import (
    ClauseReader,
    Firing,
    Phrase,
    phrases,
    squashed,
    starts_with_any,
    structure,
)
from pipeline.match import Matches, Mention
from pipeline.normalise import normalise_string
from pipeline.rules import Candidate, Ranker, by_priority, known, rule_flags
from pipeline.segment import Paragraph, Sentence
from pipeline.tables import Cell, is_header, read_table, split_row

__all__ = ["BodyRef", "Draft", "Firing", "Phrase", "assemble", "resolve"]

_SENTENCE_ENDS = (".", ":", ";", "…", '."', ".”")
# List markers of unnumbered items (an addressee list is written with them).
_BULLETS = ("-", "+", "•", "–")
# Flags that say where a draft's text came from, in the order they are shown.
_MARK_ORDER = ("from_table", "from_heading", "from_label")


@dataclass
class BodyRef:
    mention: Mention
    resolved: Mention | None = None  # for back-references

    @property
    def target(self) -> Mention:
        return self.resolved or self.mention


Leads = list[BodyRef]


@dataclass
class Draft:
    """A task being assembled: its description, the candidates proposed for
    its other fields, and (after :func:`resolve`) the values chosen."""

    start: int
    end: int
    sentence: tuple[int, int]
    section: str | None
    level: int = 0
    # The headings the task stands under, outermost first, without their list
    # markers: its place in the section tree for its id (pipeline/ids.py).
    headings: tuple[str, ...] = ()
    # A bare list item with no body in reach; kept only if a label line
    # after it names one (see _Walker.run).
    provisional: bool = False
    marks: list[str] = field(default_factory=list)
    description_rules: list[str] = field(default_factory=list)
    lead_candidates: list[Candidate[Leads]] = field(default_factory=list)
    support_candidates: list[Candidate[Leads]] = field(default_factory=list)
    deadline_candidates: list[Candidate[Phrase]] = field(default_factory=list)
    leads: Leads = field(default_factory=list)
    supports: Leads = field(default_factory=list)
    deadline: Phrase | None = None
    evidence: dict[str, list[str]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)

    def mark(self, flag: str) -> None:
        if flag not in self.marks:
            self.marks.append(flag)


def resolve(draft: Draft, ranker: Ranker = by_priority) -> Draft:
    """Choose each field's value among the draft's candidates.

    Only here are values picked; generation only proposes. A field's
    evidence is the rule of the chosen candidate (a lead reached through a
    back-reference adds the rule that resolved it); flags follow from the
    rules chosen.
    """
    lead = ranker(draft.lead_candidates)
    support = ranker(draft.support_candidates)
    deadline = ranker(draft.deadline_candidates)
    draft.leads = list(lead.value) if lead is not None else []
    draft.supports = list(support.value) if support is not None else []
    draft.deadline = deadline.value if deadline is not None else None
    # An empty lead chosen on purpose ("lead.request_names_nobody") is evidence too.
    lead_rules = [lead.rule] if lead is not None else []
    if lead is not None and lead.value and lead.origin is not None:
        lead_rules.append(lead.origin)
    if any(ref.resolved for ref in draft.leads):
        lead_rules.append(known("lead.back_reference"))
    draft.evidence = {
        "description": list(dict.fromkeys(draft.description_rules)),
        "lead": lead_rules,
        "support": [support.rule] if support is not None and support.value else [],
        "deadline": [deadline.rule] if deadline is not None else [],
    }
    flags = [m for m in _MARK_ORDER if m in draft.marks]
    flags += [m for m in draft.marks if m not in _MARK_ORDER]
    for chosen in (lead, deadline):
        if chosen is not None and chosen.value:
            flags += rule_flags(chosen.rule)
    if any(ref.resolved for ref in draft.leads):
        flags.append("resolved_reference")
    draft.flags = list(dict.fromkeys(flags))
    return draft


def _without_topic_opener(heading: str) -> str:
    """ "1. Về đánh giá tình hình …" names its section by what follows "Về"."""
    lowered = heading.lower()
    for word in structure()["topic_openers"]:
        if lowered.startswith(word + " "):
            return heading[len(word) + 1 :].lstrip()
    return heading


def _refs(candidate: Candidate[Leads] | None) -> Leads:
    return list(candidate.value) if candidate is not None else []


class _Walker(ClauseReader):
    """Walks the paragraphs in order, carrying the context a reader carries,
    and proposes drafts with their candidates."""

    def __init__(
        self,
        doc: Doc,
        paragraphs: list[Paragraph],
        matches: Matches,
        deadlines: list[Phrase],
        ranker: Ranker,
    ) -> None:
        super().__init__(doc, matches, deadlines)
        self.paragraphs = paragraphs
        self.ranker = ranker
        self.drafts: list[Draft] = []
        self.history: list[Mention] = []  # bodies given tasks, most recent last
        self.heading_leads: dict[int, Leads] = {}
        # The rule that read a heading's leads where it is not the clause's own.
        self.heading_origin: dict[int, str] = {}
        # A group's deadline (from a count, an intro, a heading) by paragraph.
        self.group_deadline: dict[int, Candidate[Phrase]] = {}
        self.verb_headings: set[int] = set()
        # Inside a section whose heading announces the orders ("NỘI DUNG HOẠT
        # ĐỘNG TRIỂN KHAI", "NHIỆM VỤ, GIẢI PHÁP").
        self.in_order_section = False
        self.intro_leads: Leads = []
        self.intro_deadline: Candidate[Phrase] | None = None
        self.intro_item_level: int | None = None
        self.carry_leads: Leads = []
        self.last_header: list[Cell] | None = None
        self.tails = self._tail_regions()
        self.addressees = self._addressee_regions()
        self.notice_addressee = self._notice_addressee()
        self.has_children = self._headings()
        self.body_start = self._body_start()

    def settle(self, draft: Draft) -> Draft:
        return resolve(draft, self.ranker)

    def in_tail(self, p: Paragraph) -> bool:
        return any(a <= p.start < b for a, b in self.tails + self.addressees)

    def _headings(self) -> set[int]:
        """Paragraphs that head others: a marked item below them, or plain
        text below a line that does not end like a sentence. Label lines
        ("Đơn vị chủ trì: …") below an item do not make it a heading."""
        headings: set[int] = set()
        # The recipients' list after the last item is not that item's content.
        for p in self.paragraphs:
            if p.parent is None or self.in_tail(p):
                continue
            parent = self.paragraphs[p.parent]
            if p.marker is not None and self.is_label(p) is None:
                headings.add(parent.index)
            elif not self.text[parent.start : parent.end].rstrip().endswith((".", ";")):
                if self.is_label(p) is None:
                    headings.add(parent.index)
        return headings

    def resolve(self, mentions: list[Mention]) -> Leads:
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

    def remember(self, refs: Leads) -> None:
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

    def headings(self, p: Paragraph) -> tuple[str, ...]:
        """The headings above ``p`` without their markers, so that a section
        inserted before them (``II.`` becoming ``III.``) leaves them alone."""
        heads = [a for a in reversed(self.ancestors(p)) if a.index in self.has_children]
        return tuple(self.content(h).strip() for h in heads)

    def section_kind(self, p: Paragraph) -> str:
        own = self.content(p).strip()
        topic = _without_topic_opener(own)
        # "Về tồn tại, hạn chế: Ban Chỉ đạo … chỉ ra …": a topic written
        # inside the line names its part as a heading would.
        inline = [p] if topic != own and ":" in topic else []
        for a in inline + self.ancestors(p):
            heading = _without_topic_opener(self.content(a).strip())
            if starts_with_any(heading, "non_task_sections"):
                return "none"
            if starts_with_any(heading, "aims_sections"):
                return "aims"
            if starts_with_any(heading, "order_sections"):
                return "orders"
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
        pending: list[Draft] = []
        label_block: list[Paragraph] = []
        table: list[Paragraph] = []
        for p in self.paragraphs:
            if any(a <= p.start < b for a, b in self.addressees):
                self.fire("skip.addressees", p.start, p.end)
                continue
            if self.in_tail(p):
                self.fire("skip.tail_block", p.start, p.end)
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
            if label_block and self._label_value_line(label_block, p):
                # "- Cơ quan thực hiện:" then "+ Sở Văn hóa và Thể thao chủ trì,
                # phối hợp với …" (kh_174): the label's value on the lines
                # under it, no task of its own.
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
            if kind == "none":
                self.fire("skip.non_task_section", p.start, p.end)
                continue
            formality = self._formality(p)
            if formality is not None:
                self.fire(formality, p.start, p.end)
                continue
            self.in_order_section = kind == "orders"
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
        if self.notice_addressee:
            for draft in self.drafts:
                if not draft.lead_candidates:
                    # "… thông báo để Ủy ban nhân dân tỉnh Phú Thọ … biết, thực
                    # hiện": the orders that name nobody are the addressee's.
                    draft.lead_candidates.append(
                        Candidate(known("lead.notice_addressee"), self.notice_addressee)
                    )
                    self.settle(draft)
        # A verb-led item that never met a body is a statement of content
        # ("Đánh giá những kết quả …" under "Nội dung kế hoạch"), not an order.
        kept = []
        for draft in self.drafts:
            if draft.leads or not draft.provisional:
                kept.append(draft)
            else:
                self.fire("skip.bare_item_without_body", draft.start, draft.end)
        return kept

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
            path = " > ".join(x for x in (section, table_section) if x) or None
            draft = Draft(start, end, (p.start, p.end), path, p.level)
            draft.headings = self.headings(rows[0]) + ((table_section,) if table_section else ())
            draft.mark("from_table")
            draft.description_rules.append(known("description.table_row"))
            if frame is not None and frame.action is not None:
                # "Bộ Công an chủ trì, phối hợp với …: xây dựng …" inside the cell.
                draft.lead_candidates.append(
                    Candidate(known("lead.table_cell_frame"), self.resolve(frame.leads))
                )
                draft.support_candidates.append(
                    Candidate(known("support.table_cell_frame"), self.resolve(frame.supports))
                )
                described_span = self.description(
                    frame.action, te, self.clause_deadlines(ts, te)
                )
                if described_span is not None:
                    (draft.start, draft.end), cut_rules = described_span
                    draft.description_rules += frame.rules + cut_rules
            if "lead" in row.fields:
                draft.lead_candidates.append(
                    Candidate(known("lead.table_column"), self._cell_bodies(row.fields["lead"]))
                )
            if "support" in row.fields:
                draft.support_candidates.append(
                    Candidate(
                        known("support.table_column"), self._cell_bodies(row.fields["support"])
                    )
                )
            if "deadline" in row.fields:
                cell = row.fields["deadline"]
                found = self.deadlines_in(cell.start, cell.end)
                phrase = found[0] if found else Phrase(cell.start, cell.end, cell.text)
                draft.deadline_candidates.append(Candidate(known("deadline.table_column"), phrase))
            # An empty column does not hide what the cell's own frame found.
            draft.lead_candidates = [c for c in draft.lead_candidates if c.value]
            draft.support_candidates = [c for c in draft.support_candidates if c.value]
            self.settle(draft)
            self.drafts.append(draft)
            if draft.leads:
                self.remember(draft.leads)

    def _cell_bodies(self, cell: Cell) -> Leads:
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
                if p.marker is None and starts_with_any(text, "tail_openers"):
                    start = p.start
                continue
            if self._restarts(text):
                regions.append((start, p.start))
                start = None
        if start is not None:
            regions.append((start, len(self.text)))
        return regions

    def _notice_addressee(self) -> Leads:
        """The first body after "thông báo để" in a notice's closing line."""
        openers = phrases("notice_addressee_openers")
        for p in reversed(self.paragraphs):
            ts, te = self.token_range(p.start, p.end)
            for k in range(ts, te):
                end = openers.longest_at(self.keys, k)
                if end == k:
                    continue
                while end < te and end not in self.mention_at and self.doc[end].is_space:
                    end += 1
                mention = self.mention_at.get(end)
                if mention is not None and mention.kind in ("body", "post"):
                    return [BodyRef(mention)]
                return []
        return []

    def _addressee_regions(self) -> list[tuple[int, int]]:
        """ "Kính gửi: - Bộ …; - …" and "Đồng kính gửi: …": the list of whom a
        letter goes to holds no task ("(để báo cáo)" is not an order)."""
        opener = re.compile(structure()["metadata"]["addressee_line"])
        regions: list[tuple[int, int]] = []
        start: int | None = None
        for p in self.paragraphs:
            text = self.text[p.start : p.end].strip()
            if start is not None and p.marker in _BULLETS:
                continue
            if start is not None:
                regions.append((start, p.start))
                start = None
            if opener.match(text):
                start = p.start
        if start is not None:
            regions.append((start, len(self.text)))
        return regions

    def _restarts(self, text: str) -> bool:
        words = structure()
        lowered = text.lower()
        if text.isupper() and lowered in words["doc_types"]:
            return True
        if any(lowered.startswith(word.lower()) for word in words["appendix_words"]):
            return True
        return any(lowered.startswith(h.lower()) for h in words["metadata"]["header_end"])

    def _introducing(
        self,
        context: Candidate[Leads] | None,
        own: Leads,
        new: list[Draft],
        origin: str | None = None,
    ) -> Candidate[Leads]:
        """The bodies that introduce what follows. Bodies listed across ";"
        with no order between them ("1. Thủ trưởng các sở, ban, ngành tỉnh;
        Chủ tịch UBND các xã, phường", ct_012) introduce together."""
        listed = (
            context.value
            if context is not None and not new and context.rule == "lead.introducer"
            else []
        )
        return Candidate(known("lead.introducer"), listed + own, origin)

    def _formality(self, p: Paragraph) -> str | None:
        """The rule by which a paragraph is no order at all, or None."""
        text = self.content(p).strip()
        lowered = normalise_string(text).lower()
        if any(f in lowered for f in structure()["closing_formulas"]):
            return "skip.closing_formula"
        if text.endswith("?") or (text.startswith("(") and text.endswith(")")):
            # A question is a news sub-heading ("Yêu cầu triển khai … ra
            # sao?"); "(Kèm theo Thông báo …)" says what an appendix belongs to.
            return "skip.question_or_caption"
        if p.marker is None and any(c.isalpha() for c in text) and text.upper() == text:
            # A plain title in capitals ("TỔNG HỢP CÁC NHIỆM VỤ CHẬM MUỘN …");
            # numbered ones ("IV. TỔ CHỨC THỰC HIỆN") still head their items.
            return "skip.capital_title"
        if p.index < self.body_start:
            return "skip.before_body"
        if p.marker is None and self._is_byline(p, text):
            return "skip.byline"
        if p.marker is None and (
            starts_with_any(text, "non_task_openers") or self._states_basis(p)
        ):
            return "skip.non_task_opener"
        return None

    def _is_byline(self, p: Paragraph, text: str) -> bool:
        """ "Theo TTXVN", "Nguồn: …": short, opening with a source word, no verb."""
        if len(text.split()) > structure()["byline_max_words"]:
            return False
        ts, te = self.token_range(p.content_start, p.end)
        opener = phrases("byline_openers").longest_at(self.keys, ts)
        return opener > ts and not any(self.is_verb(k) for k in range(opener, te))

    def _states_basis(self, p: Paragraph) -> bool:
        """ "Thực hiện Kế hoạch số …, …": the legal basis, not an order."""
        ts, te = self.token_range(p.content_start, p.end)
        opener = phrases("basis_openers").longest_at(self.keys, ts)
        return opener > ts and phrases("basis_objects").longest_at(self.keys, opener) > opener

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

    def inherited(
        self, p: Paragraph
    ) -> tuple[Candidate[Leads] | None, Candidate[Phrase] | None, bool]:
        """What a paragraph takes from the headings above it: their leads,
        a group's deadline, and whether its parent holds the verb."""
        leads: Candidate[Leads] | None = None
        deadline: Candidate[Phrase] | None = None
        verb_heading = False
        for a in self.ancestors(p):
            if leads is None and a.index in self.heading_leads:
                leads = Candidate(
                    known("lead.heading"),
                    self.heading_leads[a.index],
                    self.heading_origin.get(a.index),
                )
            if deadline is None and a.index in self.group_deadline:
                deadline = self.group_deadline[a.index]
            if a.index == p.parent and a.index in self.verb_headings:
                verb_heading = True
        return leads, deadline, verb_heading

    def paragraph_tasks(self, p: Paragraph, aims: bool) -> list[Draft]:
        if p.is_table_row:
            return []
        inherited_leads, inherited_deadline, verb_heading = self.inherited(p)
        if p.marker is not None and inherited_leads is None and self.intro_leads:
            inherited_leads = Candidate(known("lead.intro_line"), self.intro_leads)
        if p.marker is None and inherited_leads is None and self.carry_leads:
            inherited_leads = Candidate(known("lead.carried"), self.carry_leads)
        if p.marker is not None and inherited_deadline is None:
            inherited_deadline = self.intro_deadline
        is_heading = p.index in self.has_children
        content = self.content(p).rstrip()
        new: list[Draft] = []
        # Leads set by a count or an introducer, for the clauses after it.
        context_leads: Candidate[Leads] | None = None
        paragraph_leads: Leads = []  # the last explicit leads in this paragraph
        paragraph_supports: Leads = []  # and their partners
        group_deadline = inherited_deadline
        if verb_heading and p.marker is not None and self._names_only_objects(p):
            draft = self.object_item(p, inherited_leads, inherited_deadline)
            self.drafts.append(draft)
            return [draft]
        for sentence in p.sentences:
            sentence_deadline: Phrase | None = None
            label_deadline = self._label_sentence_deadline(sentence) if new else None
            if label_deadline is not None:
                # "- Tổng hợp kết quả kiểm kê …. Thời gian hoàn thành: Trước
                # ngày 31/5/2026." (qd_1627-qd-ubnd): a label sentence after
                # the item's task is that task's field, as a label line is.
                for draft in new:
                    draft.deadline_candidates.append(
                        Candidate(known("deadline.label_line"), label_deadline)
                    )
                    draft.mark("from_label")
                    self.settle(draft)
                continue
            if starts_with_any(self.text[sentence.start : sentence.end], "narrative_openers"):
                self.fire("skip.narrative_opener", sentence.start, sentence.end)
                continue
            for clause in self.clauses(sentence.start, sentence.end):
                ts, te = clause.start, clause.end
                frame = self.frame(ts, te)
                if frame.narrative:
                    self.fire("skip.past_narrative", *self.span_of(ts, te))
                    continue
                own = self.resolve(frame.leads)
                requested = frame.framed and self._assigned(ts, frame)
                supports = self.resolve(frame.supports)
                if (
                    own
                    and frame.action is not None
                    and not frame.framed
                    and self.is_stative(frame.action, te)
                    and self.count_end(frame.action, te) is None
                ):
                    # "UBND tỉnh ban hành kế hoạch như sau:": the issuer
                    # describes the plan; it gives itself no task.
                    self.fire("skip.issuer_describes_plan", *self.span_of(ts, te))
                    continue
                support_rule = "support.clause_partners"
                if own:
                    paragraph_leads = own
                    paragraph_supports = supports
                elif not supports and paragraph_leads:
                    # Later clauses of "X chủ trì, phối hợp với Y …; …" keep Y.
                    supports = paragraph_supports
                    support_rule = "support.paragraph_partners"
                lead_candidates: list[Candidate[Leads]] = []
                if requested and not own:
                    # "Thành ủy yêu cầu siết chặt …; kịp thời khắc phục …"
                    # (seed): the parts after a request that names nobody do
                    # not go back to a body named before it.
                    lead_candidates.append(Candidate(known("lead.request_names_nobody"), []))
                    paragraph_leads, context_leads = [], None
                else:
                    if own:
                        lead_candidates.append(Candidate(known(frame.lead_rule), own))
                    if paragraph_leads and not (
                        # The same bodies named by an introducer or a count
                        # are credited to that rule.
                        context_leads is not None and context_leads.value == paragraph_leads
                    ):
                        lead_candidates.append(
                            Candidate(known("lead.paragraph_subject"), paragraph_leads)
                        )
                    for inherited in (context_leads, inherited_leads):
                        if inherited is not None and inherited.value:
                            lead_candidates.append(inherited)
                chosen_lead = self.ranker(lead_candidates)
                leads = _refs(chosen_lead)
                action = frame.action
                deadlines = self.clause_deadlines(ts, te)
                if "description.opening_adverbial" in frame.rules and frame.leads:
                    # "Để đạt mục tiêu tăng trưởng 8% trong năm 2025, tỉnh …
                    # cần …": a date in the purpose is the aim's, not the task's.
                    deadlines = [d for d in deadlines if d.start >= frame.leads[0].start]
                origin = frame.lead_rule if frame.lead_rule != "lead.clause_subject" else None
                if action is None:
                    if own:
                        context_leads = self._introducing(context_leads, own, new, origin)
                        self.remember(own)
                    if deadlines and content.endswith(":"):
                        group_deadline = Candidate(known("deadline.intro_line_group"), deadlines[0])
                    continue
                if not own and not requested and self.enacts_itself(action, te):
                    self.fire("skip.self_enacting", *self.span_of(ts, te))
                    continue
                description_rules = list(frame.rules)
                count = self.count_end(action, te)
                if count is not None:
                    self.fire("skip.count", *self.span_of(ts, te))
                    if own:
                        context_leads = Candidate(known("lead.count_subject"), own, origin)
                        self.remember(own)
                    if deadlines and (own or paragraph_leads):
                        # "Các quận, huyện … có 3 nhóm nhiệm vụ cần thực hiện ngay
                        # trong năm 2018": a body's count dates its items; a count
                        # about the plan itself ("Kế hoạch … 2 nội dung") does not.
                        group_deadline = Candidate(known("deadline.count_group"), deadlines[0])
                        self.group_deadline[p.index] = group_deadline
                    rest = self.frame(count, te) if count < te else None
                    if rest is None or rest.action is None:
                        continue
                    action = rest.action
                    deadlines = [d for d in deadlines if d.start >= self.doc[count].idx]
                    framed = True
                    description_rules.append("description.count_items")
                else:
                    framed = frame.framed
                accepted = self._accept(
                    p,
                    ts,
                    te,
                    action,
                    own,
                    leads,
                    framed,
                    requested,
                    aims,
                    # "5. Nhiệm vụ về … a) Bộ Khoa học và Công nghệ: (1) trình
                    # …; (2) …" (02_tb-624): after a body heading inside the
                    # line, the clauses are its items even on a heading line.
                    is_heading and context_leads is None,
                    verb_heading,
                    content,
                )
                if accepted is None:
                    if own and is_heading and not new:
                        # A heading's bodies with a word after them that is no
                        # order ("1. Thủ trưởng các sở, ban, ngành tỉnh; …").
                        context_leads = self._introducing(context_leads, own, new)
                    continue
                described = self.description(action, te, deadlines)
                if described is None:
                    continue
                span, cut_rules = described
                stated = [d for d in deadlines if not self._is_immediate(d)]
                same_sentence = bool(new) and new[-1].sentence == (sentence.start, sentence.end)
                if same_sentence and deadlines and self._only_completion(span):
                    # "…; hoàn thành trước ngày 10 tháng 12 năm 2025": the
                    # date of the task before, not a task of its own.
                    previous = new[-1]
                    previous.deadline_candidates.append(
                        Candidate(known("deadline.completion_tail"), (stated or deadlines)[0])
                    )
                    self.settle(previous)
                    continue
                deadline_candidates: list[Candidate[Phrase]] = []
                clause_deadline = (stated or deadlines or [None])[0]
                if stated:
                    # "Khẩn trương rà soát …, trình Chính phủ trước ngày
                    # 26/11/2025": a stated date beats "khẩn trương"/"ngay".
                    deadline_candidates.append(
                        Candidate(known("deadline.clause_stated"), stated[0])
                    )
                elif deadlines:
                    deadline_candidates.append(
                        Candidate(known("deadline.clause_immediate"), deadlines[0])
                    )
                if (
                    stated
                    and clause.rule is None
                    and clause_deadline is not None
                    and clause_deadline.end <= span[0]
                    and sentence_deadline is None
                ):
                    # "Trong tháng 12/2025, A; B" dates both parts; an opening
                    # "Khẩn trương" is the manner of its own clause only.
                    sentence_deadline = clause_deadline
                if clause_deadline is None and sentence_deadline is not None:
                    deadline_candidates.append(
                        Candidate(known("deadline.sentence_opening"), sentence_deadline)
                    )
                if group_deadline is not None:
                    deadline_candidates.append(group_deadline)
                if clause.rule is not None:
                    description_rules.insert(0, clause.rule)
                draft = Draft(
                    span[0],
                    span[1],
                    (sentence.start, sentence.end),
                    self.section_path(p),
                    p.level,
                    headings=self.headings(p),
                    provisional=(
                        not leads
                        and not requested
                        and not verb_heading
                        and not self.in_order_section
                    ),
                    description_rules=[known(accepted), *description_rules, *cut_rules],
                    lead_candidates=lead_candidates,
                    support_candidates=(
                        [Candidate(known(support_rule), supports)] if supports else []
                    ),
                    deadline_candidates=deadline_candidates,
                )
                self.settle(draft)
                self.drafts.append(draft)
                new.append(draft)
                if own:
                    self.remember(own)
        if content.endswith(":"):
            leads = (
                _refs(context_leads)
                or paragraph_leads
                or self.resolve(self._heading_bodies(p))
                or self.resolve(self._intro_subjects(p))
            )
            if not leads and not new:
                leads = self.resolve(self._responsibility_bodies(p))
                if leads:
                    self.heading_origin[p.index] = known("lead.responsibility_heading")
            elif context_leads is not None and context_leads.origin is not None:
                self.heading_origin[p.index] = context_leads.origin
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
                    and not self._is_immediate(last.deadline)
                    and "inherited_deadline" not in last.flags
                ):
                    group_deadline = Candidate(known("deadline.intro_task_group"), last.deadline)
            if group_deadline is not None and group_deadline is not inherited_deadline:
                self.group_deadline[p.index] = group_deadline
            if not new and self._first_is_verb(p):
                self.verb_headings.add(p.index)
        elif is_heading and (context_leads is not None or (paragraph_leads and not new)):
            self.heading_leads[p.index] = _refs(context_leads) or paragraph_leads
            if context_leads is not None and context_leads.origin is not None:
                self.heading_origin[p.index] = context_leads.origin
        elif is_heading and not new:
            named = self._responsibility_bodies(p)
            if named:
                self.heading_leads[p.index] = self.resolve(named)
                self.heading_origin[p.index] = known("lead.responsibility_heading")
        if (
            is_heading
            and not new
            and group_deadline is inherited_deadline
            and len(p.sentences) == 1
            and ":" not in content
        ):
            # "2. Về nhiệm vụ trọng tâm từ nay đến tháng 6/2027": a heading's
            # deadline is stated for the group under it (guide).
            stated = self.deadlines_in(p.content_start, p.end)
            if stated:
                self.group_deadline[p.index] = Candidate(
                    known("deadline.heading_group"), stated[0]
                )
        if is_heading and not new and p.marker is not None and self._first_is_verb(p):
            # "3.1. Tham gia góp ý kiến vào dự thảo …" over items that name
            # only objects: each item is a task (guide).
            self.verb_headings.add(p.index)
        return new

    def _label_sentence_deadline(self, sentence: Sentence) -> Phrase | None:
        """The deadline of a sentence that opens with a time label ("Thời gian
        hoàn thành: …", "Thời hạn: …"), or None."""
        ts, te = self.token_range(sentence.start, sentence.end)
        for trig in self.triggers_at.get(ts, []):
            k = trig.token_end
            if trig.label == "LABEL_TIME" and k < te and self.doc[k].text == ":":
                value_start = self.doc[k].idx + 1
                found = [d for d in self.deadlines if value_start <= d.start < sentence.end]
                return found[0] if found else None
        return None

    def _names_only_objects(self, p: Paragraph) -> bool:
        """An item with no frame and no action at its start ("a) Nghị định quy
        định chi tiết …"), as opposed to "- Thường xuyên rà soát …"."""
        if not p.sentences:
            return False
        clauses = self.clauses(p.sentences[0].start, p.sentences[0].end)
        if not clauses:
            return False
        ts, te = clauses[0].start, clauses[0].end
        frame = self.frame(ts, te)
        if frame.leads or frame.framed:
            return False
        return frame.action is None or not self._only_edges_before(ts, frame.action)

    def _first_is_verb(self, p: Paragraph) -> bool:
        if starts_with_any(self.content(p).strip(), "topic_openers"):
            return False
        first = self.token_range(p.content_start, p.end)[0]
        return first < len(self.doc) and self.is_verb(first)

    def object_item(
        self,
        p: Paragraph,
        leads: Candidate[Leads] | None,
        deadline: Candidate[Phrase] | None,
    ) -> Draft:
        """An item under a verb heading: the whole item is the task."""
        content = self.content(p)
        stripped = content.rstrip(" .;:")
        start = p.content_start
        draft = Draft(
            start,
            start + len(stripped),
            (p.start, p.end),
            self.section_path(p),
            p.level,
            headings=self.headings(p),
            provisional=leads is None or not leads.value,
            marks=["from_heading"],
            description_rules=[known("description.object_item")],
            lead_candidates=[leads] if leads is not None and leads.value else [],
            deadline_candidates=[deadline] if deadline is not None else [],
        )
        return self.settle(draft)

    def _accept(
        self,
        p: Paragraph,
        ts: int,
        te: int,
        action: int,
        own: Leads,
        leads: Leads,
        framed: bool,
        requested: bool,
        aims: bool,
        is_heading: bool,
        verb_heading: bool,
        content: str,
    ) -> str | None:
        """The rule by which a clause with an action is a task, or None (the
        rule that refused it is in the trace)."""
        stative = self.is_stative(action, te)
        # "… Đồng Tháp quyết liệt chỉ đạo …": a manner word opens the action.
        acts = (
            self.is_verb(action)
            or (self.is_manner(action) and action + 1 < len(self.doc) and self.is_verb(action + 1))
            or self._opens_verb_series(action, te)
            or self._compound_verb_start(action, action, te)
        )
        if own and (framed or (acts and not stative)):
            return "description.named_body"
        refusal = None
        accepted = None
        starts_clause = self._only_edges_before(ts, action)
        if aims:
            refusal = "skip.aims_section"
        elif requested:
            accepted = "description.request"
        elif is_heading:
            if self.is_verb(action) and content.endswith(":"):
                self.verb_headings.add(p.index)
            refusal = "skip.heading_line"
        elif verb_heading and p.marker is not None:
            accepted = "description.verb_heading_item"
        elif stative and not framed:
            refusal = "skip.stative"
        elif leads and (framed or acts) and starts_clause:
            accepted = "description.inherited_subject_order"
        elif p.marker is not None and starts_clause and acts:
            accepted = (
                "description.order_section_item"
                if self.in_order_section
                else "description.bare_item"
            )
        else:
            refusal = "skip.no_order"
        if refusal is not None:
            self.fire(refusal, *self.span_of(ts, te))
        return accepted

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

    def _heading_bodies(self, p: Paragraph) -> list[Mention]:
        """The bodies of a heading that is only a list of bodies ("Bộ Công
        an:", "Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các xã:"); a
        line that says more ("Thủ tướng Chính phủ đã ban hành Chỉ thị …, Bộ
        … yêu cầu:") names its bodies for other reasons."""
        ts, te = self.token_range(p.content_start, p.end)
        if ts not in self.mention_at:
            return []
        mentions: list[Mention] = []
        i = ts
        while i < te:
            if i in self.mention_at:
                mentions.append(self.mention_at[i])
                i = self.mention_at[i].token_end
            elif self.doc[i].is_space or self.doc[i].is_punct or self.keys[i] in squashed(
                "list_joiners"
            ):
                i += 1
            else:
                return []
        return [m for m in mentions if m.kind != "backref"]

    def _responsibility_bodies(self, p: Paragraph) -> list[Mention]:
        """ "Trách nhiệm của Sở Nội vụ", "3. Trách nhiệm của văn thư": the
        heading names whose duties its items are; the rest of the heading is
        that body, known to the gazetteer or not."""
        ts, te = self.token_range(p.content_start, p.end)
        opener = phrases("responsibility_openers").longest_at(self.keys, ts)
        if opener == ts:
            return []
        mentions = [self.mention_at[i] for i in range(opener, te) if i in self.mention_at]
        if mentions:
            return [m for m in mentions if m.kind != "backref"][:4]
        end = te
        while end > opener and self.doc[end - 1].text in ":.;":
            end -= 1
        named = self._noun_phrase(opener, end)
        return [named] if named is not None else []

    def apply_labels(self, block: list[Paragraph], targets: list[Draft]) -> None:
        """Label lines after items ("Đơn vị chủ trì: …", "Thời gian: …") are
        fields of each of those items; they beat the sentence's own reading."""
        if not targets:
            return
        leads: Leads = []
        supports: Leads = []
        deadline: Phrase | None = None
        current: str | None = None
        for p in block:
            label = self.is_label(p)
            if label is None:
                # A value line under an empty label: its frame says who leads
                # and who supports.
                ts, te = self.token_range(p.content_start, p.end)
                frame = self.frame(ts, te)
                named = self.resolve(frame.leads)
                if current == "LABEL_SUPPORT":
                    supports.extend(named + self.resolve(frame.supports))
                elif current == "LABEL_LEAD":
                    leads.extend(named)
                    supports.extend(self.resolve(frame.supports))
                continue
            current = label
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
                found = self.deadlines_in(v_start, v_end)
                deadline = found[0] if found else Phrase(v_start, v_end, stripped)
        for draft in targets:
            if leads:
                draft.lead_candidates.append(Candidate(known("lead.label_line"), list(leads)))
            if supports:
                draft.support_candidates.append(
                    Candidate(known("support.label_line"), list(supports))
                )
            if deadline is not None:
                draft.deadline_candidates.append(Candidate(known("deadline.label_line"), deadline))
            draft.mark("from_label")
            self.settle(draft)

    def _label_value_line(self, block: list[Paragraph], p: Paragraph) -> bool:
        """Whether ``p`` holds the value of the last body label of the block,
        written under it because its own line is empty."""
        label_line = next(
            (q for q in reversed(block) if self.is_label(q) is not None), None
        )
        if label_line is None or self.is_label(label_line) not in ("LABEL_LEAD", "LABEL_SUPPORT"):
            return False
        if self.text[label_line.content_start : label_line.end].rstrip()[-1:] != ":":
            return False
        return p.parent == label_line.index or (
            p.marker is not None and p.level > label_line.level and p.index > label_line.index
        )

    def _value_bodies(self, ts: int, te: int, v_start: int, v_end: int) -> Leads:
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
                or self.keys[i] in squashed("clause_joiners")
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
    doc: Doc,
    paragraphs: list[Paragraph],
    matches: Matches,
    deadlines: list[Phrase],
    ranker: Ranker = by_priority,
    trace: list[Firing] | None = None,
) -> list[Draft]:
    """Draft task records, in document order, each resolved with ``ranker``.

    ``trace``, when given, receives every rule that acted without making a
    record field (clause splits, the reasons a stretch gave no task).
    """
    walker = _Walker(doc, paragraphs, matches, deadlines, ranker)
    drafts = [resolve(draft, ranker) for draft in walker.run()]
    if trace is not None:
        trace.extend(walker.trace)
    return sorted(drafts, key=lambda d: (d.start, d.end))
