"""Reading one clause: its frame (requester, leads, partners, the action),
where it starts and ends, and how much of it is the task's description.

The reader works on the spaCy ``Doc`` of the whole document with the matches
and deadline phrases found in it; it holds no state across clauses, so the
assemble stage can ask it about any stretch of tokens. Every decision it
takes that changes a record is named by a rule of ``resources/rules.yaml``
(see :mod:`pipeline.rules`); the frame and the description report the ids of
the rules that made them.
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
from pipeline.rules import known

_SUBJECT_LOOKAHEAD = 20
# POS tags (underthesea's VLSP set) of the words of a noun phrase: nouns,
# classifiers, proper and foreign nouns, numerals, determiners, adjectives.
_NOUN_PHRASE_TAGS = frozenset({"N", "Nc", "Np", "Ny", "Nu", "M", "L", "A"})
_NOUN_TAGS = frozenset({"N", "Nc", "Np", "Ny"})
# Marks that may stand inside a body's name ("Cục Kinh tế - Quản lý đầu tư",
# "KH&CN", "Sở Văn hóa, Thể thao và Du lịch"); a cell separator never does.
_NAME_MARKS = frozenset({",", "-", "–", "&", "/", "(", ")"})
# Trigger labels that open a predicate after an aside ("… theo chức năng,
# nhiệm vụ được giao theo dõi …").
_PREDICATE_LABELS = frozenset({"LEAD", "MODAL", "SUPPORT", "ASSIGN", "EDGE"})
# Longest noun phrase read as a body by its place in the clause, in tokens.
_MAX_NOUN_PHRASE = 16
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


@dataclass(frozen=True)
class Firing:
    """A rule that acted, and the stretch of text it acted on."""

    rule: str
    start: int
    end: int


@dataclass
class Clause:
    """Token range ``[start, end)`` of a clause and the rule that split it
    off the clause before (None for a sentence's first clause)."""

    start: int
    end: int
    rule: str | None


@dataclass
class Frame:
    leads: list[Mention]
    supports: list[Mention]
    action: int | None  # token index where the action starts
    framed: bool
    narrative: bool
    deadlines: list[Phrase]
    # The rule that found the leads, and those that moved the action's start.
    lead_rule: str = "lead.clause_subject"
    rules: list[str] = field(default_factory=list)


@cache
def structure() -> dict:
    return load_yaml("structure.yaml")


@cache
def squashed(key: str) -> frozenset[str]:
    """A structure.yaml word list in the tokens' squashed NORM form."""
    return frozenset(normalise_string(w).lower().replace(" ", "") for w in structure()[key])


@cache
def phrases(key: str) -> PhraseSet:
    return PhraseSet(list(structure()[key]))


def plain(name: str) -> str:
    return normalise_string(name).lower()


@cache
def _completion_triggers() -> frozenset[str]:
    # The deadline vocabulary's own list: "hoàn thành", "hoàn tất", "xong".
    return frozenset(plain(v) for v in load_yaml("deadlines.yaml")["completion_triggers"])


@cache
def _agent_nouns() -> PhraseSet:
    return PhraseSet(list(load_yaml("bodies.yaml")["agent_nouns"]))


@cache
def _document_words() -> frozenset[str]:
    return frozenset(
        normalise_string(word).lower().replace(" ", "") for word in structure()["doc_types"]
    )


@cache
def _generic_heads() -> tuple[str, ...]:
    # The heads that name no body without what follows them ("Trung tâm …").
    return tuple(normalise_string(h) for h in load_yaml("bodies.yaml")["heads_need_name"])


@cache
def _requesters() -> frozenset[str]:
    return frozenset(plain(n) for n in load_yaml("bodies.yaml")["requesters"])


def starts_with_any(text: str, key: str) -> bool:
    lowered = text.lower()
    return any(lowered.startswith(word) for word in structure()[key])


class _OpenQuotes:
    """Whether a position of a sentence stands inside quotes or brackets:
    "(cấp tỉnh và cấp xã, trong đó …; đẩy mạnh …)" (11_kl-127) explains an
    object; its ";" splits nothing. The marks are counted once, from where
    the last question stopped, not again from the sentence start for every
    ";" (quadratic on a line of semicolons, issue 17)."""

    _MARKS = ("“", "”", '"', "(", ")")

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.position = start
        self.counts = dict.fromkeys(self._MARKS, 0)

    def inside(self, position: int) -> bool:
        if position > self.position:
            piece = self.text[self.position : position]
            for mark in self._MARKS:
                self.counts[mark] += piece.count(mark)
            self.position = position
        counts = self.counts
        return (
            counts["“"] > counts["”"]
            or counts['"'] % 2 == 1
            or counts["("] > counts[")"]
        )


class ClauseReader:
    def __init__(self, doc: Doc, matches: Matches, deadlines: list[Phrase]) -> None:
        self.doc = doc
        self.text = doc.text
        self.token_starts = [t.idx for t in doc]
        self.mention_at = {m.token_start: m for m in matches.bodies}
        self.triggers_at: dict[int, list[Trigger]] = {}
        for trig in matches.triggers:
            self.triggers_at.setdefault(trig.token_start, []).append(trig)
        self.deadlines = deadlines
        self.deadline_starts = [d.start for d in deadlines]
        self.keys = ["" if t.is_space else t.norm_.replace(" ", "") for t in doc]
        # Rules that acted without making a record field (splits, skips).
        self.trace: list[Firing] = []
        self._agent_tokens: dict[int, int] | None = None
        # Bodies the frame read by their place (no gazetteer entry): start →
        # end token, so that later questions about the clause see them too.
        self._read_bodies: dict[int, int] = {}

    def fire(self, rule: str, start: int, end: int) -> None:
        self.trace.append(Firing(known(rule), start, end))

    def span_of(self, ts: int, te: int) -> tuple[int, int]:
        """Character span of tokens ``[ts, te)``."""
        if te <= ts:
            start = self.doc[ts].idx if ts < len(self.doc) else len(self.text)
            return start, start
        return self.doc[ts].idx, self.doc[te - 1].idx + len(self.doc[te - 1])

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
        if self._names_document(token):
            return False
        return self.doc[token].tag_ in ("V", "Vb", "Vy") or "ACTION" in self.labels_of(token)

    def _possessed(self, i: int) -> bool:
        k = i - 1
        while k >= 0 and self.doc[k].is_space:
            k -= 1
        return k >= 0 and self.keys[k] in squashed("possessive_words")

    def _names_document(self, token: int) -> bool:
        """ "Quyết định số 50/2025/QĐ-UBND …", "Kế hoạch 96-KH/TU": a document
        type before its number is a name, whatever the tagger read it as."""
        nxt = token + 1
        if nxt >= len(self.doc) or self.keys[token] not in _document_words():
            return False
        following = self.doc[nxt].text
        return self.keys[nxt] in squashed("number_words") or following[:1].isdigit()

    def clauses(self, start: int, end: int) -> list[Clause]:
        """The clauses of a sentence: split at ";" and at "đồng thời" (guide:
        parts with their own main verb are separate tasks), each with the
        rule that split it off."""
        ts, te = self.token_range(start, end)
        cuts: list[tuple[int, str | None]] = [(ts, None)]
        quotes = _OpenQuotes(self.text, start)
        for i in range(ts, te):
            text = self.doc[i].text
            if text == ";" and quotes.inside(self.doc[i].idx):
                # The names of emulation movements listed inside quotes
                # ("“…”; “…”", 06_cd-224) are one object.
                self.fire("split.quoted_semicolon_kept", self.doc[i].idx, self.doc[i].idx + 1)
                continue
            if text == ";":
                cuts.append((i + 1, "split.semicolon"))
            elif (
                self.keys[i] in squashed("clause_splitters")
                and i > ts
                and self.doc[i - 1].text in ",;"
            ):
                cuts.append((i, "split.dong_thoi"))
            elif i > ts and self.doc[i - 1].text == ":" and self.enumerator_end(i) > i:
                # "Bộ Công an: (1) …; (2) …": the items of an inline list are
                # tasks when they open with an action, objects otherwise.
                if self._opens_clause(self.enumerator_end(i)):
                    cuts.append((i, "split.inline_enumeration"))
        cuts.append((te, None))
        ranges: list[Clause] = []
        for (a, rule), (b, _) in zip(cuts, cuts[1:], strict=False):
            while a < b and (self.doc[a].is_space or self.doc[a].text in ";,"):
                a += 1
            if a >= b:
                continue
            if ranges and not self._opens_clause(a):
                # "…; về cách chức, bãi nhiệm": no verb of its own, so the part
                # after ";" is more of the previous clause's object.
                self.fire("split.verbless_part_joins", *self.span_of(a, b))
                ranges[-1].end = b
            else:
                if rule:
                    self.fire(rule, *self.span_of(a, b))
                ranges.append(Clause(a, b, known(rule) if rule else None))
        return ranges

    def _only_completion(self, span: tuple[int, int]) -> bool:
        words = normalise_string(self.text[span[0] : span[1]]).lower().strip(" ,.;:")
        return words in _completion_triggers()

    def _inline_heading(self, ts: int, te: int) -> tuple[int, str | None]:
        """Where a clause really starts when a body heading stands inside the
        line ("5. Nhiệm vụ về … a) Bộ Khoa học và Công nghệ: (1) …"): at the
        first body followed by ":" (a later one is an object: "… chỉ đạo các
        cơ quan báo chí:"); otherwise at ``ts``. With it, the rule that moved
        the start, if any."""
        topic_end = self._topic_end(ts, te)
        if topic_end is not None:
            return topic_end, "description.topic_heading"
        start = ts
        for i in range(ts, te):
            if self.labels_of(i) & {"ASSIGN", "LEAD", "MODAL", "SUPPORT"}:
                # "Vụ X chủ trì, phối hợp với các Vụ: …": a frame came first.
                return ts, None
            mention = self.mention_at.get(i)
            if mention is not None and mention.token_end < te:
                if self.doc[mention.token_end].text == ":" and mention.kind != "backref":
                    start = i
                    break
        if start == ts:
            return ts, None
        # Back over the bodies listed with it ("Bí thư tỉnh ủy và Chủ tịch …:").
        ends = {m.token_end: m.token_start for m in self.mention_at.values()}
        j = start
        while j > ts:
            k = j - 1
            while k > ts and self.keys[k] in squashed("list_joiners"):
                k -= 1
            if k + 1 in ends and ends[k + 1] >= ts and k < j - 0:
                j = ends[k + 1]
            else:
                break
        return j, ("description.inline_heading" if j != ts else None)

    def _topic_end(self, ts: int, te: int) -> int | None:
        """After a topic heading written inside the line ("3. Về đề nghị sửa
        đổi Nghị quyết …: giao Bộ Nông nghiệp và Môi trường chủ trì …"): the
        topic restates what was asked, the order follows the colon."""
        first = self.enumerator_end(ts)
        if first >= te:
            return None
        topic = self.keys[first] in squashed("topic_openers")
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
        """End of an inline list number at token ``i`` ("(1)", "(ii)", "a)",
        "thứ nhất,"), or ``i``."""
        match = _ENUMERATOR.match(self.text, self.doc[i].idx)
        if match is not None:
            return self.token_range(match.end(), match.end())[0]
        ordinal = phrases("ordinal_enumerators").longest_at(self.keys, i)
        if ordinal > i and ordinal < len(self.doc) and self.doc[ordinal].text in ",:":
            return ordinal + 1
        return i

    def _opens_clause(self, i: int) -> bool:
        if i >= len(self.doc):
            return False
        enumerated = self.enumerator_end(i)
        if enumerated > i:
            return self._opens_clause(enumerated)
        if self.keys[i] in squashed("clause_splitters"):
            return True
        opener_end = phrases("subclause_openers").longest_at(self.keys, i)
        if opener_end > i:
            # "…; trong đó hỗ trợ nhà ở cho người có công … hoàn thành trước
            # ngày 24/7/2025" (27_tin): a part with its own verb.
            return opener_end < len(self.doc) and self.is_verb(opener_end)
        if self.is_manner(i) and i + 1 < len(self.doc) and self.is_verb(i + 1):
            # "…; sớm báo cáo cấp có thẩm quyền …" (07_tb-627): a manner
            # word before the part's own verb.
            return True
        return (
            self.is_verb(i)
            or i in self.mention_at
            or bool(self.triggers_at.get(i))
            or (self.deadline_at(i) is not None)
        )

    def frame(self, ts: int, te: int) -> Frame:
        leads: list[Mention] = []
        supports: list[Mention] = []
        deadlines: list[Phrase] = []
        role = "subject"
        framed = False
        lead_rule = "lead.clause_subject"
        rules: list[str] = []
        request_word: tuple[int, int] | None = None

        def done(action: int | None, narrative: bool = False) -> Frame:
            return Frame(
                leads, supports, action, framed, narrative, deadlines, lead_rule, rules
            )

        i, moved_by = self._inline_heading(ts, te)
        floor = self.enumerator_end(i) if i < te else i
        if moved_by is not None:
            rules.append(moved_by)
            if moved_by == "description.inline_heading":
                lead_rule = "lead.inline_heading"
        duty = self._duty_ahead(floor, te)
        leading = (
            self._leading_subject(floor, te)
            if floor not in self.mention_at and duty is None
            else None
        )
        if leading is not None:
            # "Các chủ đầu tư, ban quản lý dự án và nhà thầu thi công khẩn
            # trương hoàn thành …": a subject headed by a noun for people or
            # organisations that no list holds, before its predicate.
            leads.append(leading)
            lead_rule = "lead.subject_noun_phrase"
            i = leading.token_end
        if duty is not None:
            # "Lưu trữ hiện hành có trách nhiệm …", "Văn thư cơ quan, đơn vị
            # gửi văn bản có trách nhiệm …": before a duty frame, all that
            # opens the clause is its subject, whatever words it is made of.
            subject = self._noun_phrase(floor, duty.token_start, relative=True)
            if subject is not None:
                leads.append(subject)
                lead_rule = "lead.subject_noun_phrase"
                framed = True
                role = "after_lead"
                i = duty.token_end
        while i < te:
            enumerated = self.enumerator_end(i)
            if enumerated > i:
                i = enumerated
                continue
            task_label = self.trigger_of(i, ("LABEL_TASK",))
            if task_label is not None and task_label.token_end < te:
                if self.doc[task_label.token_end].text == ":":
                    rules.append("description.task_label")
                    i = task_label.token_end + 1
                    continue
            phrase = self.deadline_at(i)
            if phrase is not None:
                if phrase not in deadlines:
                    deadlines.append(phrase)
                i = max(i + 1, self.token_range(phrase.end, phrase.end)[0])
                continue
            mention = self.mention_at.get(i)
            if mention is None and role == "assigned" and not leads and request_word is not None:
                # "đề nghị doanh nghiệp đối chiếu …": a body the gazetteer
                # does not know, by its place after the request word.
                if self._may_name_unknown_body(*request_word, i):
                    mention = self.object_noun_phrase(i, te)
                if mention is not None:
                    lead_rule = "lead.assigned_noun_phrase"
            if mention is not None and role == "subject" and self._possessed(i):
                # "Quyết định số 43/2022/QĐ-UBND … của Ủy ban nhân dân tỉnh":
                # a body after "của" belongs to what precedes it.
                i = mention.token_end
                continue
            if mention is not None and mention.token_end <= te:
                if role == "support":
                    supports.append(mention)
                elif role in ("subject", "assigned") or (role == "after_lead" and not framed):
                    leads.append(mention)
                else:
                    return done(i)
                i = mention.token_end
                continue
            labels = self.labels_of(i)
            trig = self.trigger_of(i, ("ASSIGN", "LEAD", "MODAL", "SUPPORT", "PAST", "EDGE"))
            if "PAST" in labels and role != "assigned":
                if self.is_verb(i) and (
                    self._skip_joiners(trig.token_end, te) in self.mention_at
                    or self._reports(trig)
                ):
                    # "…; sớm báo cáo cấp có thẩm quyền …", "Định kỳ báo cáo
                    # kết quả …" (07_tb, 22_kh): reporting is an action; "theo
                    # báo cáo của …" is the narrative use.
                    rules.append("description.report_to_body")
                    return done(i)
                return done(None, narrative=True)
            if (
                self.keys[i] in squashed("directing_verbs")
                and i + 1 < te
                and self.labels_of(i + 1) & {"LEAD", "SUPPORT"}
            ):
                # "Bộ trưởng Bộ Nội vụ chỉ đạo chủ trì, phối hợp với … hướng
                # dẫn …" (06_cd-224): the minister has his ministry lead.
                lead_rule = "lead.directing_post"
                i += 1
                continue
            directed = self._directed_bodies(i, te) if role == "subject" else None
            if directed is not None:
                # "Sở … chỉ đạo Chi cục Biển đảo và Thủy sản thực hiện các nội
                # dung sau:" (kh_235), "Thứ trưởng … chỉ đạo Vụ Khoa học và Công
                # nghệ chủ trì, …" (34_ct): the body directed does the work.
                leads = directed
                lead_rule = "lead.directed_body"
                i = directed[-1].token_end
                continue
            if role == "subject" and self._issuer_hands_over(i, te, leads):
                # "Thủ tướng chỉ đạo Bộ Xây dựng …", "Thủ tướng yêu cầu, địa
                # phương nào …": the issuer asks; what follows is the task.
                leads = []
                role = "assigned"
                framed = True
                lead_rule = "lead.issuer_hands_over"
                i = self._skip_joiners(self._word_end(i), te)
                continue
            if "ASSIGN" in labels and role == "subject" and self._is_request(ts, i, te, leads):
                # Whoever stands before "giao"/"yêu cầu" is the requester.
                leads = []
                role = "assigned"
                framed = True
                lead_rule = "lead.assigned_body"
                request_word = (i, trig.token_end)
                i = trig.token_end
                continue
            if labels & {"LEAD", "MODAL"}:
                frame_word = self.trigger_of(i, ("LEAD", "MODAL"))
                passive = self._passive_after(frame_word.token_end)
                duty = self._duty_after_relative(floor, frame_word, te)
                if role == "subject" and not leads and duty is not None:
                    # "Người được giao giải quyết … có trách nhiệm lập hồ sơ":
                    # the frame word opened a relative clause of the subject.
                    subject = self._noun_phrase(floor, duty.token_start, relative=True)
                    if subject is not None:
                        leads.append(subject)
                        lead_rule = "lead.subject_noun_phrase"
                        framed = True
                        role = "after_lead"
                        i = duty.token_end
                        continue
                if role == "subject" and not leads and not passive:
                    # "Cán bộ, công chức có trách nhiệm …": the subject is a
                    # body whatever list holds it; after a bare modal only
                    # one headed by a noun for people or organisations.
                    subject = self.subject_noun_phrase(floor, i, "LEAD" not in labels)
                    if subject is not None:
                        leads.append(subject)
                        lead_rule = "lead.subject_noun_phrase"
                framed = True
                role = "after_lead"
                i = frame_word.token_end
                continue
            if "SUPPORT" in labels and not (
                # A bare "với" lists partners only where it opens the item.
                self.keys[i] in squashed("opening_partner_words")
                and (leads or not self._only_edges_before(ts, i))
            ):
                trig = self.trigger_of(i, ("SUPPORT",))
                nxt = self._skip_joiners(trig.token_end, te)
                if nxt in self.mention_at:
                    role = "support"
                elif nxt < te and not self.is_verb(nxt):
                    # "phối hợp với doanh nghiệp cung cấp dịch vụ triển khai …": a
                    # partner no list holds, before the action's verb.
                    partner = self._partner_phrase(nxt, te)
                    if partner is not None:
                        supports.append(partner)
                        role = "support"
                        framed = True
                        i = partner.token_end
                        continue
                framed = True
                i = trig.token_end
                continue
            if "EDGE" in labels and role != "support":
                i = self.trigger_of(i, ("EDGE",)).token_end
                continue
            token = self.doc[i]
            if token.is_space or token.is_punct or self.keys[i] in squashed("clause_joiners"):
                if role == "support" and self.keys[i] not in squashed("list_joiners"):
                    role = "after_lead"
                i += 1
                continue
            if role == "subject" and not leads and not self.is_verb(i):
                if self._opens_verb_series(i, te) or self._compound_verb_start(i, floor, te):
                    # "Thăm hỏi, động viên, hỗ trợ …", "Lồng ghép tổ chức Lễ
                    # phát động …": the tagger missed the first verb.
                    rules.append("description.verb_series")
                    return done(i)
                i += 1  # an opening adverbial ("Trong đó", "Đáng chú ý")
                continue
            if role == "subject" and leads and not self.is_verb(i) and self.doc[i - 1].text == ",":
                resume = self._after_aside(i, te)
                if resume is not None:
                    # "Sở Tài chính, trên cơ sở đề xuất của các cơ quan, chủ
                    # trì tổng hợp …" (18_kh-7360): an aside after the subject.
                    rules.append("description.aside_after_subject")
                    i = resume
                    continue
            if role == "subject" and leads and "STATIVE_WEAK" in self.labels_of(i):
                # "Các sở, ngành, các địa phương có thực hiện các Chương trình …
                # chủ trì, phối hợp với …" (36_ct): "có …" qualifies the subject
                # when its frame word follows.
                later = self._frame_word_ahead(i, te)
                if later is not None:
                    rules.append("description.aside_after_subject")
                    i = later
                    continue
            if role == "subject" and leads and self._opens_aside(i):
                # "Các bộ, ngành, địa phương căn cứ hướng dẫn của Bộ Công an tổ
                # chức rà soát …" (02_tb-624): an aside with no commas.
                resume = self._after_bare_aside(i, te)
                if resume is not None:
                    rules.append("description.aside_after_subject")
                    i = resume
                    continue
            if role == "subject" and leads and leads[-1].token_end == i and self.is_verb(i):
                # "Giám đốc Trung tâm phục vụ hành chính công tỉnh … chịu trách
                # nhiệm …": a generic head's name goes on in lower case, verbs
                # and all, up to the next body or the duty frame.
                end = self._generic_name_end(leads[-1], i, te)
                if end is not None:
                    leads[-1] = self._widened(leads[-1], end)
                    lead_rule = "lead.qualified_subject"
                    i = end
                    continue
            if role == "support" and supports and supports[-1].token_end in (i, i - 1):
                # "phối hợp với các sở, ban, ngành ở tỉnh, Ủy ban nhân dân các
                # xã …": the partners' list goes on as a subject's would.
                extension = self._subject_extension(i, te)
                if extension is not None and not self.is_verb(i):
                    end, joined = extension
                    if joined:
                        more = self._noun_phrase(i, end, relative=True)
                        if more is not None:
                            supports.append(more)
                    elif self.doc[i - 1].text != ":":
                        supports[-1] = self._widened(supports[-1], end)
                    i = end
                    continue
            # Only right after the last lead (or its joiner) does a phrase go
            # on with it.
            adjacent = leads and leads[-1].token_end in (i, i - 1)
            if role in ("subject", "assigned") and adjacent and not self.is_verb(i):
                extension = self._subject_extension(i, te)
                if extension is not None:
                    end, joined = extension
                    if self.doc[i - 1].text == ":":
                        # "Bộ trưởng các Bộ: Tài chính, Xây dựng, …": the list
                        # names the members of the group already read.
                        pass
                    elif joined:
                        # "Các cấp ủy đảng, chính quyền các cấp tăng cường …":
                        # another subject that no list holds.
                        more = self._noun_phrase(i, end, relative=True)
                        if more is not None:
                            leads.append(more)
                            lead_rule = "lead.qualified_subject"
                    else:
                        # "Chủ tịch UBND các tỉnh, thành phố từ Quảng Trị đến
                        # Khánh Hòa": the name goes on with its qualifier.
                        leads[-1] = self._widened(leads[-1], end)
                        lead_rule = "lead.qualified_subject"
                    i = end
                    continue
            if role in ("subject", "assigned") and leads and self._is_name(i):
                # Appositions after a subject: "… các tỉnh: Đắk Lắk, Khánh Hòa",
                # a person's name after a post.
                i += 1
                continue
            if role == "subject" and not leads and self._subject_ahead(i, te):
                i += 1
                continue
            if role == "subject" and not leads and self._opens_adverbial(floor):
                # "Để tiếp tục tháo gỡ …, tỉnh Đắk Lắk cần tiếp tục thực hiện …",
                # "Để bảo đảm tiến độ, đề nghị các Bộ …": an opening purpose or
                # condition, then the subject or the request after a comma.
                later = self._subject_after_comma(i, te)
                if isinstance(later, Mention):
                    leads.append(later)
                    lead_rule = "lead.subject_noun_phrase"
                    rules.append("description.opening_adverbial")
                    i = later.token_end
                    continue
                if later is not None:
                    rules.append("description.opening_adverbial")
                    i = later
                    continue
            return done(i)
        return done(None)

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
        if any(plain(m.text) not in _requesters() for m in leads):
            return False
        if "ASSIGN" in self.labels_of(i):
            return True
        return self.keys[i] in squashed("directing_verbs") and (
            self._skip_joiners(i + 1, te) in self.mention_at
        )

    def _directed_bodies(self, i: int, te: int) -> list[Mention] | None:
        """The bodies after a directing verb ("chỉ đạo") when what follows them
        is their own frame word or a verb that announces a list; else None
        (the one who directs is then the lead: "Bộ trưởng chỉ đạo Quân khu 5
        … hỗ trợ …")."""
        if self.keys[i] not in squashed("directing_verbs"):
            return None
        bodies: list[Mention] = []
        k = self._skip_joiners(i + 1, te)
        while k < te and k in self.mention_at and self.mention_at[k].kind != "backref":
            bodies.append(self.mention_at[k])
            k = self._skip_list_joiners(self.mention_at[k].token_end, te)
        if not bodies or k >= te:
            return None
        if "LEAD" in self.labels_of(k):
            return bodies
        if self.is_verb(k) and self.count_end(k, te) is not None:
            return bodies
        return None

    def _word_end(self, i: int) -> int:
        trig = self.trigger_of(i, ("ASSIGN",))
        return trig.token_end if trig is not None else i + 1

    def _may_name_unknown_body(self, word_start: int, word_end: int, nxt: int) -> bool:
        """After "đề nghị", "yêu cầu" any noun phrase may be the body asked;
        after "giao", "phân công" only a capitalised name."""
        word = "".join(self.keys[word_start:word_end])
        return word in squashed("requests_to_anyone") or self.doc[nxt].text[:1].isupper()

    def _duty_ahead(self, floor: int, te: int) -> Trigger | None:
        """A duty frame ("có trách nhiệm") that only the subject precedes: no
        known body, no other frame word, no opening adverbial before it."""
        if floor >= te or self._opens_adverbial(floor) or self.enumerator_end(floor) > floor:
            return None
        if self.doc[floor].tag_ in ("A", "R"):
            return None  # "Quyết liệt trong chỉ đạo, … chịu trách nhiệm đến cùng": a manner
        for k in range(floor, min(te, floor + 2 * _MAX_NOUN_PHRASE)):
            if k in self.mention_at or self.doc[k].text in ";:":
                return None
            trig = self.trigger_of(k, ("ASSIGN", "LEAD", "MODAL", "SUPPORT", "PAST", "LABEL_TASK"))
            if trig is None:
                continue
            name = "".join(self.keys[trig.token_start : trig.token_end])
            if k > floor and trig.label == "LEAD" and name in squashed("duty_frames"):
                # "Quyết liệt trong chỉ đạo, điều hành, chịu trách nhiệm …": a
                # preposition before a verb makes the opening a manner.
                manner = any(
                    self.doc[m].tag_ == "E" and self.is_verb(m + 1) for m in range(floor, k - 1)
                )
                return None if manner else trig
            return None
        return None

    def _opens_adverbial(self, floor: int) -> bool:
        return phrases("adverbial_openers").longest_at(self.keys, floor) > floor

    def _subject_after_comma(self, i: int, te: int) -> Mention | int | None:
        """After an opening adverbial: a subject the gazetteer does not know,
        after a comma and right before its frame word; or the index of a
        request word right after a comma."""
        for k in range(i + 1, te):
            if self.doc[k].text in ";:":
                return None
            if self.doc[k - 1].text == "," and "ASSIGN" in self.labels_of(k):
                return k
            frame_word = self.trigger_of(k, ("LEAD", "MODAL"))
            if frame_word is None or self._passive_after(frame_word.token_end):
                continue
            labels = self.labels_of(k)
            subject = self.subject_noun_phrase(i, k, "LEAD" not in labels)
            if subject is not None and self.doc[subject.token_start - 1].text == ",":
                return subject
        return None

    def _reports(self, trig: Trigger) -> bool:
        """ "báo cáo" as a verb: not after "theo", "nghe" … nor before "của" …"""
        word = "".join(self.keys[trig.token_start : trig.token_end])
        if word not in squashed("report_words"):
            return False
        before = trig.token_start - 1
        if before >= 0 and self.keys[before] in squashed("report_noun_before"):
            return False
        return phrases("report_noun_after").longest_at(self.keys, trig.token_end) == trig.token_end

    def is_stative(self, action: int, te: int) -> bool:
        """Whether the action describes rather than orders: a stative verb,
        or a weak one ("ban hành", "có") before a document type ("ban hành Kế
        hoạch", "có Công điện") or in a clause that announces a list."""
        labels = self.labels_of(action)
        if "STATIVE" in labels:
            return True
        if "STATIVE_WEAK" not in labels:
            return False
        verb = self.trigger_of(action, ("STATIVE_WEAK",))
        if verb.token_end < te and self._skip_joiners(verb.token_end, te) in self.mention_at:
            # "Tại điểm cầu Trụ sở Chính phủ có Phó Thủ tướng …": who is there.
            return True
        if phrases("describing_objects").longest_at(self.keys, verb.token_end) > verb.token_end:
            return True
        if self.doc[verb.token_end].text[:1].isupper() if verb.token_end < te else False:
            typed = normalise_string(self.doc[verb.token_end].text).lower()
            if any(typed.startswith(word) for word in structure()["doc_types"]):
                return True
        tail = self.text[self.doc[action].idx : self.span_of(action, te)[1]].rstrip()
        closers = phrases("list_closers")
        return tail.endswith(":") or any(
            closers.longest_at(self.keys, k) > k for k in range(verb.token_end, te)
        )

    def is_manner(self, k: int) -> bool:
        """An adverb of manner or frequency before a verb ("sớm", "quyết
        liệt", "định kỳ"): the tagger reads most as A or R, some as N."""
        return self.doc[k].tag_ in ("A", "R") or self.keys[k] in squashed("manner_words")

    def _passive_after(self, k: int) -> bool:
        return k < len(self.doc) and self.keys[k] in squashed("passive_markers")

    def _is_request(self, ts: int, i: int, te: int, leads: list[Mention]) -> bool:
        """ "yêu cầu", "đề nghị" are also nouns ("mục đích, yêu cầu nêu …"); they
        open a request when a body or ":" follows, or when the requester or the
        clause's start stands right before them."""
        trig = self.trigger_of(i, ("ASSIGN",))
        nxt = self._skip_joiners(trig.token_end, te)
        if nxt in self.mention_at or (nxt < te and self.doc[nxt].text == ":") or nxt >= te:
            return True
        names_body = self._may_name_unknown_body(
            i, trig.token_end, nxt
        ) and self.object_noun_phrase(nxt, te) is not None
        if not names_body and not self.is_verb(nxt) and not self.doc[nxt].text[:1].isupper():
            # "Phân công cán bộ …": the frame word is the action's own verb;
            # a capitalised word is a body the gazetteer does not know.
            return False
        before = [k for k in range(ts, i) if not (self.doc[k].is_space or self.doc[k].is_punct)]
        # "Do vậy, đề nghị …": an opening connective and its comma.
        after_comma = i > ts and self.doc[i - 1].text == ","
        return not before or after_comma or bool(leads and leads[-1].token_end == i)

    def _opens_verb_series(self, i: int, te: int) -> bool:
        return (
            i + 2 < te
            and self.doc[i + 1].text == ","
            and self.is_verb(i + 2)
            and not self.doc[i].is_punct
            and self.doc[i].tag_ not in ("E", "P", "C", "Cc", "L", "M", "T", "R")
            and i not in self.mention_at
        )

    def _compound_verb_start(self, i: int, floor: int, te: int) -> bool:
        """An item that opens with a word the tagger read as a noun, right
        before a verb ("- Lồng ghép tổ chức Lễ phát động"): the two are the
        action, when nothing in the clause names a body."""
        return (
            i == floor
            and i + 1 < te
            and self.doc[i].tag_ == "N"
            and self.doc[i].text[:1].isupper()
            and not self.triggers_at.get(i)
            and self.is_verb(i + 1)
            and not self.labels_of(i + 1) & {"STATIVE", "STATIVE_WEAK", "PAST"}
            and not self._passive_after(i + 1)
            and not any(k in self.mention_at for k in range(i, te))
            and not self._in_agent_noun(i)
            and not self.is_manner(i)
            and not self._opens_adverbial(i)  # "Trường hợp phát sinh …, X phải …"
            # "b) Nghị định quy định về …": a document that says something.
            and self.keys[i] not in _document_words()
        )

    def _is_name(self, i: int) -> bool:
        token = self.doc[i]
        return token.text[:1].isupper() and not self.is_verb(i) and not self.triggers_at.get(i)

    def _skip_joiners(self, i: int, te: int) -> int:
        while i < te and (self.doc[i].is_space or self.keys[i] in squashed("clause_joiners")):
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
                phrase = self.deadline_at(k) if k < te else None
                if phrase is not None:
                    # "Theo đó, các bộ khẩn trương rà soát …": a deadline or
                    # manner word between the subject and its verb.
                    k = self._skip_joiners(self.token_range(phrase.end, phrase.end)[0], te)
                if k < te and self.labels_of(k) & {"ASSIGN", "LEAD", "MODAL", "SUPPORT", "EDGE"}:
                    return True
                # "Trên cơ sở tài liệu do Trung ương biên soạn, các cơ quan,
                # đơn vị tổ chức tuyên truyền …": a subject after a comma.
                return self.doc[j - 1].text == "," and k < te and self.is_verb(k)
        return False

    def description(
        self, action: int, te: int, deadlines: list[Phrase]
    ) -> tuple[tuple[int, int], list[str]] | None:
        """The description's span, from the action to the clause's end less a
        deadline phrase at either edge and the frame words it opens with, and
        the rules that cut it; None when too little is left."""
        start = self.doc[action].idx
        end = self.doc[te - 1].idx + len(self.doc[te - 1]) if te > action else start
        rules: list[str] = []
        changed = True
        while changed and start < end:
            changed = False
            for phrase in deadlines:
                if phrase.start <= start < phrase.end:
                    start, changed = phrase.end, True
                    rules.append("description.deadline_cut")
                elif start < phrase.start < end and (
                    phrase.end >= end or not self.text[phrase.end : end].strip(" .;,:)(")
                ):
                    end, changed = phrase.start, True
                    rules.append("description.deadline_cut")
            stripped_start = self._skip_edges(start, end)
            if stripped_start != start:
                if self.text[start:stripped_start].strip(" ,;:.-–()\n\t"):
                    rules.append("description.frame_words_cut")
                start, changed = stripped_start, True
            trimmed = len(self.text[start:end].rstrip(" .;,:(-–\n\t"))
            if start + trimmed != end:
                end, changed = start + trimmed, True
        if end - start < 3:
            return None
        return (start, end), list(dict.fromkeys(rules))

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
                k = phrases("count_nouns").longest_at(self.keys, i + 1)
                if k > i + 1:
                    for j in range(k, te):
                        f = phrases("count_followers").longest_at(self.keys, j)
                        if f > j:
                            return f
                    return te
            if self._announces_list(i, te):
                return te
        verb_end = phrases("list_verbs").longest_at(self.keys, action)
        if verb_end > action and self._colon_ends_line(verb_end, te):
            return te
        return None

    def enacts_itself(self, action: int, te: int) -> bool:
        """Whether the action is an enactment the text performs ("Bãi bỏ khoản
        2 Điều 1 Nghị quyết số …"): an enacting verb right before a cited
        provision or document type."""
        verb_end = phrases("enacting_verbs").longest_at(self.keys, action)
        if verb_end <= action or verb_end >= te:
            return False
        return (
            phrases("cited_provisions").longest_at(self.keys, verb_end) > verb_end
            or self.keys[verb_end] in _document_words()
        )

    def _colon_ends_line(self, k: int, te: int) -> bool:
        """Only a colon (and the line's end) after ``k`` in the clause."""
        rest = [t for t in self.doc[k:te] if not t.is_space]
        if not rest or rest[0].text != ":" or any(not t.is_punct for t in rest):
            return False
        end = self.doc[te - 1].idx + len(self.doc[te - 1]) if te > 0 else 0
        return self.doc.text[end : end + 1] in ("", "\n", "\r")

    def _announces_list(self, i: int, te: int) -> bool:
        """ "… cần tập trung một số nhiệm vụ trọng tâm sau:": a count with no
        number, naming the list that follows rather than a task."""
        q = phrases("count_quantifiers").longest_at(self.keys, i)
        if q <= i:
            return False
        k = phrases("count_nouns").longest_at(self.keys, q)
        if k <= q:
            return False
        for j in range(k, min(te, k + _LIST_CLOSER_WINDOW)):
            c = phrases("list_closers").longest_at(self.keys, j)
            if c > j:
                return all(t.is_punct or t.is_space for t in self.doc[c:te])
        return False

    def clause_deadlines(self, ts: int, te: int) -> list[Phrase]:
        start = self.doc[ts].idx
        end = self.doc[te - 1].idx + len(self.doc[te - 1])
        return self.deadlines_in(start, end)

    def deadlines_in(self, start: int, end: int) -> list[Phrase]:
        """The deadlines that start in ``[start, end)``, in order: a
        bisection, so asking for every clause stays linear (issue 17)."""
        first = bisect.bisect_left(self.deadline_starts, start)
        last = bisect.bisect_left(self.deadline_starts, end, lo=first)
        return self.deadlines[first:last]

    def _assigned(self, ts: int, frame: Frame) -> bool:
        """Whether the clause's frame is a request ("giao", "yêu cầu") before its action."""
        end = frame.action if frame.action is not None else ts
        return any("ASSIGN" in self.labels_of(i) for i in range(ts, end))

    def _only_edges_before(self, ts: int, action: int) -> bool:
        """Whether only frame material stands before the action: numbering,
        deadlines, frame words, partners ("Phối hợp với Bộ … tiếp tục …")."""
        i = ts
        while i < action:
            token = self.doc[i]
            if i in self.mention_at or i in self._read_bodies:
                # A body, as the gazetteer found it or as the frame read it.
                i = max(self.mention_at[i].token_end if i in self.mention_at else i + 1,
                        self._read_bodies.get(i, i + 1))
                continue
            enumerated = self.enumerator_end(i)
            if enumerated > i:
                i = enumerated
                continue
            opener_end = phrases("subclause_openers").longest_at(self.keys, i)
            if opener_end > i:
                i = opener_end
                continue
            if i + 1 == action and self.is_manner(i) and i not in self.mention_at:
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
            if self.keys[i] in squashed("clause_joiners") or self.labels_of(i) & {
                "EDGE",
                "MODAL",
                "LEAD",
                "SUPPORT",
            }:
                i += 1
                continue
            return False
        return True

    def _skip_list_joiners(self, i: int, te: int) -> int:
        while i < te and (self.doc[i].is_space or self.keys[i] in squashed("list_joiners")):
            i += 1
        return i

    def _is_immediate(self, phrase: Phrase) -> bool:
        from pipeline.deadlines import parse_deadline

        return parse_deadline(phrase.text, None).kind == "immediate"

    # -- bodies by their place in the clause ---------------------------
    def _in_agent_noun(self, k: int) -> bool:
        """Inside a noun for people or organisations, whatever the tagger read
        its parts as ("chủ đầu tư": "đầu tư" is tagged a verb)."""
        return k in self._agent_starts()

    def _agent_starts(self) -> dict[int, int]:
        """Token → the start of the noun for people or organisations it is in."""
        if self._agent_tokens is None:
            covered: dict[int, int] = {}
            agents = _agent_nouns()
            for start in range(len(self.doc)):
                for k in range(start, agents.longest_at(self.keys, start)):
                    covered.setdefault(k, start)
            self._agent_tokens = covered
        return self._agent_tokens

    def _after_bare_aside(self, i: int, te: int) -> int | None:
        """Where the predicate starts after an aside opener and its noun
        phrase (the first word after the opener is the phrase's, whatever the
        tagger read it as), or None when no verb or frame word follows."""
        k = phrases("aside_openers").longest_at(self.keys, i) + 1
        while k < te:
            if k in self.mention_at:
                k = self.mention_at[k].token_end
                continue
            if self.is_verb(k) or self.labels_of(k) & _PREDICATE_LABELS:
                return k
            if not (self._in_noun_phrase(k) or self.labels_of(k) & {"LABEL_TASK"}):
                return None
            k += 1
        return None

    def _frame_word_ahead(self, i: int, te: int) -> int | None:
        """A lead frame word ("chủ trì") after "có …" that qualifies the
        subject; none where "có" counts tasks ("có 3 nhóm nhiệm vụ cần …")."""
        if self.count_end(i, te) is not None:
            return None
        for k in range(i + 1, min(te, i + 2 * _MAX_NOUN_PHRASE)):
            if self.doc[k].text in ";:" or k in self.mention_at:
                return None
            if "LEAD" in self.labels_of(k):
                return k
        return None

    def _predicate_at(self, k: int) -> bool:
        manner = (
            self.is_manner(k) and k + 1 < len(self.doc) and self.is_verb(k + 1)
        )
        return (
            self.is_verb(k)
            or bool(self.labels_of(k) & _PREDICATE_LABELS)
            or self.deadline_at(k) is not None
            or manner
        )

    def _noun_phrase_end(self, i: int, te: int) -> int:
        """Where a noun phrase from ``i`` ends: known bodies, nouns, links and
        the qualifiers "từ … đến …"; a verb the tagger read inside a name
        ("nhà thầu thi công khẩn trương …") stays in it when a deadline or
        frame word follows it at once."""
        k = i
        while k < te and k - i <= _MAX_NOUN_PHRASE:
            if k in self.mention_at:
                k = self.mention_at[k].token_end
                continue
            link_end = phrases("noun_phrase_links").longest_at(self.keys, k)
            if link_end > k + 1 or (link_end > k and self.is_manner(k)):
                k = link_end  # "trên địa bàn", "khác có liên quan"
                continue
            if self._predicate_at(k) and self.is_manner(k):
                break  # "… Đồng Tháp quyết liệt chỉ đạo": a manner word, then the verb
            if self._in_noun_phrase(k) or self.keys[k] in squashed("range_words"):
                k += 1
                continue
            if (
                self.is_verb(k)
                and not self.triggers_at.get(k)
                and k + 1 < te
                and (
                    self.deadline_at(k + 1) is not None
                    or self.labels_of(k + 1) & {"LEAD", "MODAL"}
                )
            ):
                k += 1
                continue
            break
        return k

    def _partner_phrase(self, i: int, te: int) -> Mention | None:
        """A partner the gazetteer does not know after "phối hợp với": a noun
        phrase headed by a noun for people or organisations, then the verb."""
        if not self._in_agent_noun(i) and not (
            self.keys[i] in squashed("noun_phrase_links") and self._in_agent_noun(i + 1)
        ):
            return None
        end = self._noun_phrase_end(i, te)
        if end >= te or end == i or not self._predicate_at(end) or "PAST" in self.labels_of(end):
            return None
        return self._noun_phrase(i, end, relative=True)

    def _leading_subject(self, floor: int, te: int) -> Mention | None:
        """A subject no list holds that opens the clause: a noun phrase headed
        by a noun for people or organisations (after "các", "những" …),
        before its predicate."""
        head = floor
        if head >= te:
            return None
        if self.keys[head] in squashed("noun_phrase_links"):
            head += 1
        if head >= te or not self._in_agent_noun(head) or "ACTION" in self.labels_of(head):
            return None
        end = self._noun_phrase_end(floor, te)
        if end >= te or end == floor or not self._predicate_at(end):
            return None
        if "PAST" in self.labels_of(end):
            return None
        frame_word = self.trigger_of(end, ("LEAD",))
        if frame_word is not None and self._duty_after_relative(floor, frame_word, te):
            return None  # "Người được giao … có trách nhiệm …": read in the frame
        return self._noun_phrase(floor, end, relative=True)

    def _subject_extension(self, i: int, te: int) -> tuple[int, bool] | None:
        """A subject's continuation at ``i``: another noun phrase after a
        joiner, or a qualifier or a colon's list after the name; with where it
        ends (at the predicate) and whether it is another subject."""
        joined = i > 0 and self.keys[i - 1] in squashed("list_joiners")
        if not joined:
            link = (
                self.keys[i] in squashed("noun_phrase_links")
                or self.keys[i] in squashed("range_words")
                # "các tổ chức tín dụng trên địa bàn": a noun that goes on with
                # the group's name.
                or (self.doc[i].tag_ in _NOUN_TAGS and self.doc[i].text[:1].islower())
            )
            # "Bộ trưởng các Bộ: Tài chính, Xây dựng, …": the list after a colon.
            listed = i > 0 and self.doc[i - 1].text == ":" and self.doc[i].text[:1].isupper()
            if not (link or listed):
                return None
        start = i
        end = self._noun_phrase_end(start, te)
        if end == start or (end < te and "PAST" in self.labels_of(end)):
            # "đơn vị được lựa chọn quan trắc …": a passive relative clause
            # whose end cannot be told from the predicate's start.
            return None
        if end < te and not self._predicate_at(end):
            return None
        if end >= te and joined:
            return None  # "…, Bộ Y tế." ends the line: nothing says it is a subject
        return end, joined

    def _generic_name_end(self, mention: Mention, i: int, te: int) -> int | None:
        """Where the lower-case name after a generic head ("Trung tâm", "Cơ
        quan") ends, when a duty frame closes the subject; else None."""
        last = normalise_string(mention.text).split()
        if not any(
            " ".join(last[-len(head.split()) :]) == head for head in _generic_heads()
        ):
            return None
        k = i
        while k < min(te, i + _MAX_NOUN_PHRASE):
            if self.doc[k].text in ";:.":
                return None
            joiner = self.keys[k] in squashed("list_joiners")
            if joiner and k + 1 in self.mention_at:
                break
            if self.labels_of(k) & {"LEAD", "MODAL", "ASSIGN", "SUPPORT"}:
                break
            k += 1
        else:
            return None
        for j in range(k, min(te, k + 2 * _MAX_NOUN_PHRASE)):
            duty = self.trigger_of(j, ("LEAD",))
            if duty is not None:
                name = "".join(self.keys[duty.token_start : duty.token_end])
                return k if name in squashed("duty_frames") and k > i else None
            if self.doc[j].text in ";:":
                return None
            if self.is_verb(j) and not self.triggers_at.get(j) and not self._in_noun_phrase(j):
                return None  # an action of its own before any duty frame
        return None

    def _widened(self, mention: Mention, end: int) -> Mention:
        self._read_bodies[mention.token_start] = end
        char_end = self.span_of(mention.token_start, end)[1]
        text = self.text[mention.start : char_end]
        return Mention(
            mention.start,
            char_end,
            mention.token_start,
            end,
            text,
            mention.kind,
            mention.head,
            mention.canonical,
        )

    def _opens_aside(self, k: int) -> bool:
        return phrases("aside_openers").longest_at(self.keys, k) > k

    def _in_noun_phrase(self, k: int) -> bool:
        token = self.doc[k]
        if self._opens_aside(k):
            return False
        inside_agent = self._agent_starts().get(k, k) < k  # "ban quản lý"
        if "ACTION" in self.labels_of(k) and k + 1 < len(self.doc) and not inside_agent:
            # "… phường tổ chức tuyên truyền": "tổ chức" is the verb unless a
            # list goes on after it ("tổ chức, cá nhân").
            nxt = self.doc[k + 1]
            if not (nxt.is_punct or self.keys[k + 1] in squashed("list_joiners")):
                return False
        if self._in_agent_noun(k):
            return True
        if token.is_space or token.text == "|":
            return False
        if token.text in _NAME_MARKS:
            return True
        if self.triggers_at.get(k) or self.deadline_at(k) is not None:
            return False
        if self.keys[k] in squashed("noun_phrase_links"):
            return True
        if token.text[:1].isupper() and k > 0 and not self.doc[k - 1].is_space:
            # Inside a sentence a capital starts a name, whatever the tagger
            # read it as ("Bộ trưởng các Bộ: Tài chính, Xây dựng, …").
            return self.doc[k - 1].text not in ".;!?"
        if self.is_verb(k):
            return False
        return token.tag_ in _NOUN_PHRASE_TAGS or token.text[:1].isupper()

    def _duty_after_relative(self, floor: int, frame_word: Trigger, te: int) -> Trigger | None:
        """The duty frame ("có trách nhiệm") after a relative frame word at
        the subject's place, when the subject opens with a noun for people or
        organisations; None otherwise."""
        word = "".join(self.keys[frame_word.token_start : frame_word.token_end])
        if word not in squashed("relative_frames") or not self._in_agent_noun(floor):
            return None
        for k in range(frame_word.token_end, min(te, frame_word.token_end + _MAX_NOUN_PHRASE)):
            if self.doc[k].text in ";.:":
                return None
            duty = self.trigger_of(k, ("LEAD",))
            if duty is not None:
                name = "".join(self.keys[duty.token_start : duty.token_end])
                return duty if name in squashed("duty_frames") else None
        return None

    def _noun_phrase(self, start: int, end: int, relative: bool = False) -> Mention | None:
        """A body named by ``[start, end)``: trimmed of joiners at both ends,
        holding a noun, not crossing a known body (``relative``: it may hold
        a relative clause, and then a known body inside it is its object)."""
        while start < end and (
            self.doc[start].is_punct or self.keys[start] in squashed("list_joiners")
        ):
            start += 1
        while end > start and (
            self.doc[end - 1].is_punct or self.keys[end - 1] in squashed("list_joiners")
        ):
            end -= 1
        if end <= start or end - start > _MAX_NOUN_PHRASE * (2 if relative else 1):
            return None
        if not any(self.doc[k].tag_ in _NOUN_TAGS for k in range(start, end)):
            return None
        if not relative and any(k in self.mention_at for k in range(start, end)):
            return None
        char_start, char_end = self.span_of(start, end)
        text = self.text[char_start:char_end]
        self._read_bodies[start] = end
        return Mention(char_start, char_end, start, end, text, "body", None, None)

    def subject_noun_phrase(self, floor: int, j: int, agentive_only: bool) -> Mention | None:
        """The subject right before the frame word at ``j`` when no known body
        stands there: the noun phrase that opens the clause or follows an
        opening adverbial's comma ("Cán bộ, công chức có trách nhiệm …").
        After a modal ("phải", "cần") the subject may be a thing ("Văn bản
        phải …"), so there it must be headed by a noun that names people or
        organisations."""
        k = j
        while k > floor and j - k <= _MAX_NOUN_PHRASE and self._in_noun_phrase(k - 1):
            k -= 1
        if k > floor and self.doc[k - 1].text != ",":
            # A verb or preposition before the run: its start is an object. A
            # comma inside the run may still open the subject ("…, vướng mắc
            # trong phát triển kinh tế - xã hội, tỉnh Đắk Lắk cần …").
            commas = [c for c in range(k, j) if self.doc[c].text == ","]
            if not commas:
                return None
            k = commas[-1] + 1
        mention = self._noun_phrase(k, j)
        if mention is None:
            return None
        if agentive_only and _agent_nouns().longest_at(self.keys, mention.token_start) == (
            mention.token_start
        ):
            first = mention.token_start
            if self.keys[first] in squashed("noun_phrase_links"):
                first += 1
            if _agent_nouns().longest_at(self.keys, first) == first:
                return None
        return mention

    def object_noun_phrase(self, i: int, te: int) -> Mention | None:
        """The body right after a request word when no known body stands
        there ("đề nghị doanh nghiệp đối chiếu …", "đề nghị Thuế tỉnh Gia Lai
        báo cáo …"): a noun phrase that its own verb or frame word follows."""
        k = i
        while k < te and k - i < _MAX_NOUN_PHRASE and self._in_noun_phrase(k):
            k += 1
        if k >= te or k == i:
            return None
        predicate = self.is_verb(k) or self.labels_of(k) & {"LEAD", "MODAL", "SUPPORT"}
        if not predicate and not self._opens_aside(k):
            return None
        if self.doc[i].tag_ not in _NOUN_TAGS | {"L"} and not self.doc[i].text[:1].isupper():
            return None
        if "ACTION" in self.labels_of(i):
            return None  # "đề nghị tổ chức hội nghị …": the request's own action
        return self._noun_phrase(i, k)

