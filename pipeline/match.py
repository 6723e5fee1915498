"""Match stage: find the bodies and the task triggers in a tokenised Doc.

Triggers (``giao``, ``chủ trì``, ``phối hợp với``, ``phải`` …) are found by
spaCy's SpanRuler with phrase patterns from ``resources/triggers.jsonl``,
matched on ``NORM``; they are kept whole by the tokenizer's lexicon, so the
phrase patterns and the text agree on segmentation.

Body names are open-ended ("Sở" + any capitalised name) and underthesea
segments them inconsistently (it may return "Bộ Nông nghiệp và Môi trường"
as one word and "Bộ", "Tài chính" as two), so they are recognised by a
scanner over the tokens that compares squashed (space-free) normalised text
with the gazetteer in ``resources/bodies.yaml``: it needs no particular
segmentation, only that a name starts and ends on token boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Token

from pipeline.normalise import normalise_string
from pipeline.resources import load_jsonl, load_yaml
from pipeline.tokenise import get_nlp

TRIGGERS_KEY = "triggers"
BODIES_KEY = "bodies"
_MAX_PHRASE_TOKENS = 14
_MAX_LOWER_RUN = 3
# POS tags (underthesea's VLSP set) of words that may sit inside a name:
# nouns, adjectives, numerals; never verbs.
_NAME_TAGS = {"N", "Nc", "A", "M", "Np", "Ny"}
# Where a name may end after lower-case words: the end of a heading or a list.
_NAME_ENDS = {":", ";", ")"}
# Table cells are joined by " | " in the text as read; no name crosses one.
_CELL_SEPARATORS = {"|"}


@dataclass(frozen=True)
class Mention:
    """A body, group, post or back-reference, with offsets into ``doc.text``."""

    start: int
    end: int
    token_start: int
    token_end: int
    text: str
    kind: str  # "body" | "group" | "post" | "backref"
    head: str | None
    canonical: str | None


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    token_start: int
    token_end: int
    label: str


@dataclass
class Matches:
    bodies: list[Mention]
    triggers: list[Trigger]


class PhraseSet:
    """Phrases compared on squashed normalised text (no spaces, lower case),
    so a phrase matches whatever way the tokenizer split it."""

    def __init__(self, phrases: list[str], case_sensitive: bool = False) -> None:
        self.case_sensitive = case_sensitive
        self.full: dict[str, str] = {}
        self.prefixes: set[str] = set()
        for phrase in phrases:
            key = self.squash(normalise_string(phrase))
            self.full.setdefault(key, phrase)
            for i in range(1, len(key) + 1):
                self.prefixes.add(key[:i])

    def squash(self, text: str) -> str:
        text = re.sub(r"\s+", "", text)
        return text if self.case_sensitive else text.lower()

    def longest_at(self, keys: list[str], i: int) -> int:
        """End token index of the longest phrase starting at token ``i``, or
        ``i`` when none does. ``keys`` are the tokens' squashed forms ("" for
        whitespace, which no phrase may cross)."""
        best = i
        acc = ""
        for j in range(i, min(len(keys), i + _MAX_PHRASE_TOKENS)):
            if not keys[j]:
                break
            acc += keys[j] if self.case_sensitive else keys[j].lower()
            if acc in self.full:
                best = j + 1
            if acc not in self.prefixes:
                break
        return best


@dataclass(frozen=True)
class _Gazetteer:
    heads: PhraseSet
    single_syllable_heads: frozenset[str]
    heads_need_name: frozenset[str]
    head_abbreviations: PhraseSet
    standalone: PhraseSet
    posts: PhraseSet
    posts_alone: PhraseSet
    honorifics: PhraseSet
    connectors: frozenset[str]
    group_joiners: frozenset[str]
    suffixes: PhraseSet
    localities: PhraseSet
    group_openers: PhraseSet
    group_nouns: PhraseSet
    group_qualifiers: PhraseSet
    role_qualifiers: PhraseSet
    groups_alone: PhraseSet
    backref_followers: PhraseSet
    backref_phrases: PhraseSet
    trigger_words: PhraseSet
    action_words: PhraseSet


@cache
def _gazetteer() -> _Gazetteer:
    data = load_yaml("bodies.yaml")
    heads = data["heads"]
    backrefs = data["backreferences"]
    # Words that end a capitalised name; ACTION words may stand inside one.
    triggers = [row["pattern"] for row in load_jsonl("triggers.jsonl") if row["label"] != "ACTION"]
    return _Gazetteer(
        heads=PhraseSet(heads, case_sensitive=True),
        single_syllable_heads=frozenset(h for h in heads if " " not in h),
        heads_need_name=frozenset(normalise_string(h) for h in data["heads_need_name"]),
        head_abbreviations=PhraseSet(data["head_abbreviations"], case_sensitive=True),
        # "Bí thư tỉnh ủy": party committees are often written in lower case.
        standalone=PhraseSet(data["standalone"]),
        # Posts are often written in lower case mid-sentence ("thủ trưởng các sở").
        posts=PhraseSet(data["posts"]),
        posts_alone=PhraseSet(data["posts_alone"], case_sensitive=True),
        honorifics=PhraseSet(data["honorifics"], case_sensitive=True),
        connectors=frozenset(data["name_connectors"]),
        group_joiners=frozenset(data["group_joiners"]),
        suffixes=PhraseSet(data["name_suffixes"], case_sensitive=True),
        localities=PhraseSet(data["localities"]),
        group_openers=PhraseSet(data["group_openers"]),
        group_nouns=PhraseSet(data["group_nouns"]),
        group_qualifiers=PhraseSet(data["group_qualifiers"]),
        role_qualifiers=PhraseSet(data["role_qualifiers"]),
        groups_alone=PhraseSet(data["groups_alone"]),
        backref_followers=PhraseSet(backrefs["bare_heads_followed_by"]),
        backref_phrases=PhraseSet(backrefs["phrases"]),
        trigger_words=PhraseSet(triggers),
        action_words=PhraseSet(
            [row["pattern"] for row in load_jsonl("triggers.jsonl") if row["label"] == "ACTION"]
        ),
    )


@cache
def _abbreviation_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    table = load_yaml("abbreviations.yaml")["abbreviations"]
    keys = sorted(table, key=len, reverse=True)
    alternatives = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w&])"), table


def expand_abbreviations(name: str) -> str:
    """``UBND tỉnh`` → ``Ủy ban nhân dân tỉnh``; names only, never the text."""
    pattern, table = _abbreviation_pattern()
    return pattern.sub(lambda m: table[m.group(0)], normalise_string(name))


def canonical_name(name: str) -> str:
    expanded = re.sub(r"\s+", " ", expand_abbreviations(name)).strip(" ,;:.")
    return expanded[:1].upper() + expanded[1:]


@cache
def _trigger_ruler() -> SpanRuler:
    nlp = get_nlp()
    ruler = SpanRuler(
        nlp, name="vntasks_triggers", spans_key=TRIGGERS_KEY, phrase_matcher_attr="NORM"
    )
    patterns = [
        {"label": row["label"], "pattern": row["pattern"], "id": row["pattern"]}
        for row in load_jsonl("triggers.jsonl")
    ]
    ruler.add_patterns(patterns)
    return ruler


def _is_cap(token: Token) -> bool:
    if token.text in _CELL_SEPARATORS:
        return False
    first = token.text[:1]
    return first.isupper() or (first.isdigit() and len(token.text) > 1 and token.text.isalnum())


class _BodyScanner:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.gaz = _gazetteer()
        self.keys = ["" if t.is_space else re.sub(r"\s+", "", t.norm_) for t in doc]
        self.cased = [
            "" if t.is_space else re.sub(r"\s+", "", normalise_string(t.text)) for t in doc
        ]
        self.n = len(doc)

    def _at(self, phrases: PhraseSet, i: int) -> int:
        if i >= self.n:
            return i
        return phrases.longest_at(self.cased if phrases.case_sensitive else self.keys, i)

    def _is_trigger(self, i: int) -> bool:
        return self._at(self.gaz.trigger_words, i) > i

    def _lower_run(self, j: int, after_dash: bool = False) -> int:
        """Lower-case words inside a name ("Cục Thông tin cơ sở và Thông tin
        đối ngoại", "Bộ Giao thông vận tải"): up to three nouns, accepted only
        when what follows them closes or continues the name: a capitalised
        word, "và" + a capitalised word, the end of a heading, or a comma
        before another body."""
        k = j
        nouns_only = True
        while k < self.n and k - j < _MAX_LOWER_RUN:
            token = self.doc[k]
            if token.is_space or token.is_punct or token.text in _CELL_SEPARATORS:
                break
            if _is_cap(token) or self._is_trigger(k) or token.text in self.gaz.connectors:
                break
            if self._at(self.gaz.action_words, k) > k:
                return j  # "Sở Nội vụ rà soát tổ chức bộ máy;": an action, not a name
            # After "Cục Kinh tế - Quản lý" the words of the part are the
            # name's whatever the tagger read them as ("đầu tư xây dựng").
            nouns_only = nouns_only and (token.tag_ in _NAME_TAGS or after_dash)
            k += 1
        if k == j or k >= self.n:
            return j
        nxt = self.doc[k]
        after = self.doc[k + 1] if k + 1 < self.n else None
        if nxt.text == ":":
            # Right before a heading's colon the tagger's verbs ("đối ngoại")
            # are still part of the name.
            return k
        if not nouns_only:
            return j
        if _is_cap(nxt) or nxt.text in _NAME_ENDS:
            return k
        if nxt.text in self.gaz.connectors and after is not None:
            if nxt.text == "," and self._starts_other_body(k + 1, ","):
                return k
            if nxt.text != "," and _is_cap(after):
                return k
            if nxt.text == "," and _is_cap(after) and not self._is_trigger(k + 1):
                # "Vụ Khoa học công nghệ, Đào tạo và Môi trường": the name goes
                # on after the comma with its next capitalised part.
                return k
        return j

    def _name(self, i: int, started: bool = False) -> int:
        """Capitalised name tokens from ``i``, with connectors between them;
        ``started`` when the token before ``i`` already holds part of the name
        (a head glued to its first word: "Bộ Văn hóa" + ", Thể thao …")."""
        j = i
        after_dash = False
        while j < self.n:
            token = self.doc[j]
            if _is_cap(token) and not self._is_trigger(j):
                j += 1
                continue
            if j > i or started:
                k = self._lower_run(j, after_dash)
                if k > j:
                    j = k
                    continue
            first, _, rest = token.text.partition(" ")
            if (j > i or started) and first in self.gaz.connectors and rest[:1].isupper():
                # underthesea may glue the connector to the next part of a
                # name ("và Môi trường" in "… Đào tạo và Môi trường").
                j += 1
                continue
            if (j > i or started) and token.text in self.gaz.connectors and j + 1 < self.n:
                nxt = j + 1
                if self.doc[nxt].is_space:
                    break
                if self._at(self.gaz.action_words, nxt) > nxt and not self._dash_ahead(nxt):
                    # "Cục Kinh tế - Quản lý đầu tư xây dựng - Chỉ đạo rà soát …":
                    # an action word after the last dash is the action.
                    break
                if _is_cap(self.doc[nxt]) and not self._starts_other_body(nxt, token.text):
                    after_dash = after_dash or token.text in ("-", "–")
                    j = nxt
                    continue
            break
        return j

    def _dash_ahead(self, i: int) -> bool:
        """Another dash within a few words: "Quản lý đầu tư xây dựng - …" is
        a part of the name between two dashes."""
        for k in range(i + 1, min(self.n, i + _MAX_LOWER_RUN + 2)):
            if self.doc[k].text in ("-", "–"):
                return True
            if self.doc[k].is_punct or self.doc[k].is_space:
                return False
        return False

    def _starts_other_body(self, i: int, connector: str) -> bool:
        # "Bộ Dân tộc và Tôn giáo, Bộ Tài chính": a comma or "và" before a new
        # head starts a second body, not more of the same name.
        gaz = self.gaz
        return (
            self._at(gaz.heads, i) > i
            or self._at(gaz.standalone, i) > i
            or self._at(gaz.posts, i) > i
            or self._at(gaz.head_abbreviations, i) > i
            or self._merged_head(i)
        )

    def _tail(self, j: int) -> int:
        """Suffixes and localities after a name ("của Quốc hội", "tỉnh Lai Châu")."""
        for _ in range(3):
            k = self._at(self.gaz.suffixes, j)
            if k == j:
                k = self._locality_list(j)
            if k == j:
                return j
            j = self._name(k)
        return j

    def _locality_list(self, j: int) -> int:
        """Localities after a name, one or several ("UBND các huyện, thị xã",
        "UBND xã, phường, đặc khu"): a locality, then more single lower-case
        ones joined by "," or "và"; anything else ("… và các sở, ngành", "…,
        các cấp") ends the list."""
        if j >= self.n:
            return j
        end = self._at(self.gaz.localities, j)
        if end == j and self.keys[j] in self.gaz.group_openers.full and j + 1 < self.n:
            # "các huyện": a plural opener before a listed locality.
            end = self._at(self.gaz.localities, j + 1)
            if end == j + 1:
                return j
        if end == j:
            return j
        while end + 1 < self.n and self.doc[end].text in self.gaz.group_joiners:
            nxt = end + 1
            more = self._at(self.gaz.localities, nxt)
            if more == nxt or self.doc[nxt].text[:1].isupper() or more - nxt > 1:
                break
            if self.keys[nxt] in self.gaz.group_openers.full:
                break
            end = more
        return end

    def _merged_head(self, i: int) -> bool:
        # underthesea may return "Bộ Nông nghiệp và Môi trường" as one word.
        text = normalise_string(self.doc[i].text)
        first, _, rest = text.partition(" ")
        return bool(rest) and first in self.gaz.single_syllable_heads and rest[:1].isupper()

    def scan_body(self, i: int) -> tuple[int, str, str | None]:
        """(end, kind, head) of a body starting at token ``i``; end == i if none."""
        if i >= self.n:
            # A post that ends the text ("KT. BỘ TRƯỞNG, CHỦ NHIỆM").
            return i, "", None
        gaz = self.gaz
        k = self._at(gaz.honorifics, i)
        if k > i:
            end, kind, _ = self.scan_body(k)
            return (end, "post", None) if kind == "post" else (i, "", None)
        k = self._at(gaz.posts_alone, i)
        if k > i:
            return k, "post", None
        k = self._at(gaz.posts, i)
        if k > i:
            # Posts may be listed: "Bí thư tỉnh ủy và Chủ tịch Ủy ban nhân dân".
            end, kind, _ = self.scan_body(k)
            if end > k:
                return end, "post", None
            end = self._scan_group(k)
            if end == k:
                # "lãnh đạo cơ quan, địa phương": a post over group nouns.
                end = self._group_list(k)
            if end > k:
                return end, "post", None
            return i, "", None
        k = self._at(gaz.standalone, i)
        if k > i:
            return self._tail(self._name(k)), "body", None
        if self._merged_head(i):
            return self._tail(self._name(i + 1, started=True)), "body", None
        k = self._at(gaz.heads, i)
        abbreviation = False
        if k == i:
            k = self._at(gaz.head_abbreviations, i)
            abbreviation = k > i
        if k > i:
            head = self.keys[i] if k == i + 1 else None
            name_end = self._name(k)
            end = self._tail(name_end)
            if end > k:
                return end, "body", head
            if k < self.n and any(self.keys[k].startswith(f) for f in gaz.backref_followers.full):
                # "Ban cũng …": the follower may be glued to a frame word.
                return k, "backref", self.keys[i]
            single = k == i + 1 and self.doc[i].text in gaz.single_syllable_heads
            generic = normalise_string(self.doc[i:k].text) in gaz.heads_need_name
            role = self._at(gaz.role_qualifiers, k)
            if generic and role > k:
                # "Cơ quan được giao chủ trì soạn thảo văn bản có trách
                # nhiệm …" (37_ct): a body named by its role.
                return role, "body", head
            if abbreviation or not (single or generic):
                return k, "body", head
        return i, "", None

    def _scan_group(self, i: int) -> int:
        gaz = self.gaz
        k = self._at(gaz.groups_alone, i)
        if k > i:
            return self._group_tail(k)
        k = self._at(gaz.group_openers, i)
        if k == i:
            return i
        end = self._at(gaz.group_nouns, k)
        body_end, _, _ = self.scan_body(k)
        if body_end > end:
            # "các Sở Tư pháp", "Các Vụ Thị trường ngoài nước": an opener
            # before a named body (the noun is a group noun too).
            return body_end
        if end == k:
            return i
        while end < self.n:
            sep = end
            if self.doc[sep].text not in gaz.group_joiners:
                break
            nxt = sep + 1
            nxt = (
                self._at(gaz.group_openers, nxt) if self._at(gaz.group_openers, nxt) > nxt else nxt
            )
            more = self._at(gaz.group_nouns, nxt)
            if more == nxt:
                break
            end = more
        return self._group_tail(end)

    def _group_list(self, k: int) -> int:
        end = self._at(self.gaz.group_nouns, k)
        while end > k and end < self.n and self.doc[end].text in self.gaz.group_joiners:
            more = self._at(self.gaz.group_nouns, end + 1)
            if more == end + 1:
                break
            end = more
        return self._group_tail(end) if end > k else k

    def _group_tail(self, end: int) -> int:
        k = self._at(self.gaz.group_qualifiers, end)
        if k > end:
            return self._name(k)
        opener = self._at(self.gaz.group_openers, end)
        if opener > end and self._at(self.gaz.group_nouns, opener) > opener:
            # "Ủy ban nhân dân các tỉnh, thành phố", "các sở, ngành các
            # huyện": a group of the places that follow, one name.
            return self._group_list(opener)
        k = self._at(self.gaz.role_qualifiers, end)
        if k > end:
            return k
        if (
            end < self.n
            and _is_cap(self.doc[end])
            and not self._is_trigger(end)
            and not self._starts_other_body(end, "")
        ):
            # "Các tỉnh Nghệ An, Quảng Ngãi, Cao Bằng": the group's members.
            return self._name(end)
        return end

    def scan(self) -> list[Mention]:
        mentions: list[Mention] = []
        i = 0
        gaz = self.gaz
        while i < self.n:
            if self.doc[i].is_space or self.doc[i].is_punct:
                i += 1
                continue
            end, kind, head = self.scan_body(i)
            if end == i:
                end = self._at(gaz.backref_phrases, i)
                kind, head = "backref", None
            if end == i:
                end = self._scan_group(i)
                kind = "group"
            if end > i:
                if kind != "post":
                    end = self._colon_members(i, end)
                mentions.append(self._mention(i, end, kind, head))
                i = end
            else:
                i += 1
        return mentions

    def _colon_members(self, i: int, end: int) -> int:
        """The members a plural body lists after a colon on its line belong to
        its name as written: "Ủy ban nhân dân các thành phố: Hà Nội, Cần Thơ
        thực hiện …" (02_tb-624), "Ủy ban nhân dân các tỉnh, thành phố: Tuyên
        Quang, Đồng Nai, … quyết liệt chỉ đạo" (07_tb-627), "các Tập đoàn: …"
        (08_tb-634), "Các Cục: Di sản văn hóa, …" (15_cv-6225). Not after a
        post: the dev gold ends "Chủ tịch Ủy ban nhân dân các tỉnh: Đắk Lắk,
        …" (05_cd-227, cd_228-cd-ttg) at the colon. A colon before an action
        ("Các sở, ngành: Tổ chức quán triệt …") or a line break opens the
        group's items instead."""
        if end + 1 >= self.n or self.doc[end].text != ":":
            return end
        if not any(self.keys[k] in self.gaz.group_openers.full for k in range(i, end)):
            return end
        first = end + 1
        if (
            not _is_cap(self.doc[first])
            or self._is_trigger(first)
            or self._at(self.gaz.action_words, first) > first
        ):
            return end
        members = self._name(first)
        return members if members > first else end

    def _mention(self, i: int, end: int, kind: str, head: str | None) -> Mention:
        span = self.doc[i:end]
        text = span.text.rstrip(" ,;:")
        start = span.start_char
        canonical = None if kind == "backref" else canonical_name(text)
        return Mention(start, start + len(text), i, end, text, kind, head, canonical)


def match(doc: Doc) -> Matches:
    """Find triggers and body mentions; both are also stored in ``doc.spans``."""
    _trigger_ruler()(doc)
    triggers = [
        Trigger(s.start_char, s.end_char, s.start, s.end, s.label_)
        for s in sorted(doc.spans[TRIGGERS_KEY], key=lambda s: (s.start, -len(s)))
    ]
    bodies = _BodyScanner(doc).scan()
    doc.spans[BODIES_KEY] = [doc[b.token_start : b.token_end] for b in bodies]
    # Label phrases ("đơn vị chịu trách nhiệm:") name a field only at the start
    # of a line; they must not hide the frame words inside them in running
    # text ("…, đơn vị chịu trách nhiệm kiểm tra …"), so the two kinds are
    # kept apart when overlapping matches are resolved.
    labels = [t for t in triggers if t.label.startswith("LABEL_")]
    others = [t for t in triggers if not t.label.startswith("LABEL_")]
    kept = _longest_triggers(labels) + _longest_triggers(others)
    return Matches(bodies=bodies, triggers=sorted(kept, key=lambda t: (t.token_start, t.label)))


def _longest_triggers(triggers: list[Trigger]) -> list[Trigger]:
    """Keep the longest of overlapping triggers ("phối hợp với" over "phối hợp");
    equal spans keep every label, as "chủ trì" is both a frame and a label word."""
    # ``triggers`` come sorted by start, so ``kept`` is too, and only its
    # tail can overlap the next trigger: the look back stops at the longest
    # kept length, which keeps a document of thousands of triggers linear
    # (every trigger against every other was quadratic, issue 17).
    kept: list[Trigger] = []
    longest_kept = 0
    for trig in triggers:
        tail = len(kept)
        while tail > 0 and kept[tail - 1].token_start + longest_kept > trig.token_start:
            tail -= 1
        overlaps = [
            k for k in kept[tail:]
            if k.token_start < trig.token_end and trig.token_start < k.token_end
        ]
        longest_kept = max(longest_kept, trig.token_end - trig.token_start)
        if not overlaps:
            kept.append(trig)
            continue
        same = [
            k
            for k in overlaps
            if (k.token_start, k.token_end) == (trig.token_start, trig.token_end)
        ]
        if same:
            kept.append(trig)
            continue
        longest = max(overlaps, key=lambda k: k.token_end - k.token_start)
        if trig.token_end - trig.token_start > longest.token_end - longest.token_start:
            dropped = {id(k) for k in overlaps}
            kept[tail:] = [k for k in kept[tail:] if id(k) not in dropped]
            kept.append(trig)
    return sorted(kept, key=lambda t: (t.token_start, t.label))
