"""The task register: documents and their tasks across directives, kept in
one database so staff can ask what is due, what is overdue and who holds it.

``Register(url)`` opens (and on first use creates) the database: a file
path means SQLite (the default, ``vntasks.db``), anything with ``://`` is a
SQLAlchemy URL (``postgresql+psycopg://user@host/db`` for a shared server).
The Python API, which the command line (``vntasks register …``) and a server
call alike:

- :meth:`Register.add` stores one v1 record (from ``vntasks extract`` or
  :func:`pipeline.export.to_dict`) and says what it did
  (:class:`AddOutcome`);
- :meth:`Register.tasks` answers the task queries (body, due date, overdue,
  status, document), :meth:`Register.bodies` the per-body counts,
  :meth:`Register.documents` and :meth:`Register.document` the documents,
  their versions and their links both ways;
- :meth:`Register.set_status` records what the user says of a task
  (``open``, ``done``, ``cancelled``); re-imports never change it.

Documents are keyed by ``document.id`` (or a key the caller gives; a news
report's key adds its text hash, :func:`default_key`). Adding
a record whose key is known with the same ``text_sha256`` changes nothing;
with another ``text_sha256`` it is a new version: its tasks are matched to
the stored ones, first by task id within the document (the record's task
id without its document id prefix, whatever id scheme made it), then, for
a task whose wording changed, by description similarity
(:data:`UPDATE_THRESHOLD`). A matched task keeps its register id and status
and gets the new record; a new one is added; a stored one with no match is
marked ``removed``, never deleted. ``task_history`` keeps which version
added, changed, removed or restored each task, and when.

A register task's ``id`` is the record id it had when first seen and never
changes; ``current_id`` is the id in the latest version of its document.
Either finds it in :meth:`Register.set_status` and :meth:`Register.task`.

A news report of a directive (its number read from its opening sentences,
:attr:`pipeline.metadata.Metadata.reported`) links to the directive of that
number when both are in the register, and each of its tasks whose
description matches a directive task (:data:`MERGE_THRESHOLD`) is merged
into it: queries show the directive's task once, with both documents as its
``sources``.

Bodies are matched case- and diacritic-insensitively as a substring of the
name as written or of the gazetteer's canonical name: ``--body "Sở Tài
chính"`` finds "Sở Tài chính tỉnh Lai Châu" and "sở tài chính", and "Tài
chính" finds "Bộ Tài chính" too.

Schema: tables are created on first use; ``meta.schema_version`` holds
:data:`SCHEMA_VERSION`; a database written by a newer vntasks is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.evaluate import (
    best_first_pairs,
    description_key,
    multiset_f1,
    number_key,
    strip_marks,
)
from pipeline.links import find_links
from pipeline.metadata import extract_metadata
from pipeline.normalise import normalise_string

SCHEMA_VERSION = 1
DEFAULT_DB = "vntasks.db"
STATUSES = ("open", "done", "cancelled")
CURRENT, REMOVED = "current", "removed"
# A task of a new version whose wording changed is the same task when its
# description's syllables (marks and case ignored) have this F1 with the
# stored one (2 x common / (len a + len b)); pairs are made one to one, best
# first, among the tasks left unmatched by id only. Adding three syllables
# to a task of ten gives 20/23 = 0.87; replacing three of its ten gives
# 14/20 = 0.70, the limit. It does not tell look-alikes apart: over the
# shared corpus (benchmarks/bench_register.py), 156 of 364 documents hold
# two distinct tasks at 0.7 or more (lists that repeat one task for each
# body), which is why matching by id comes first and pairing is best first.
UPDATE_THRESHOLD = 0.7
# A news report's task is its directive's task at this F1 or more, paired
# one to one, best first. The report of 227/CĐ-TTg (26_tom-tat) quotes its 9
# tasks at 1.0, and each one's second-best directive task is at most 0.47.
# Distinct tasks of one document reach 0.8 in 122 of 364 documents of the
# shared corpus, so a report task that is not in the directive can merge
# with a look-alike of it: a known limit.
MERGE_THRESHOLD = 0.8

_meta = sa.MetaData()
_text = sa.Text
_key = sa.String(200)

META = sa.Table(
    "meta", _meta,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", _text, nullable=False),
)
DOCUMENTS = sa.Table(
    "documents", _meta,
    sa.Column("key", _key, primary_key=True),
    sa.Column("doc_id", _key, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("source", _text),
    sa.Column("doc_type", _text),
    sa.Column("number", _text),
    sa.Column("number_key", _key, index=True),
    sa.Column("title", _text),
    sa.Column("issuer", _text),
    sa.Column("issued_date", sa.String(10)),
    sa.Column("reported", sa.Boolean, nullable=False),
    sa.Column("added_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Column("record", _text, nullable=False),
)
VERSIONS = sa.Table(
    "versions", _meta,
    sa.Column("document_key", _key, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("doc_id", _key, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False),
    sa.Column("source", _text),
    sa.Column("added_at", sa.String(32), nullable=False),
    sa.Column("tasks", sa.Integer, nullable=False),
)
TASKS = sa.Table(
    "tasks", _meta,
    sa.Column("id", _key, primary_key=True),
    sa.Column("current_id", _key, nullable=False, index=True),
    sa.Column("document_key", _key, nullable=False, index=True),
    sa.Column("local_key", _key, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("description", _text, nullable=False),
    sa.Column("section", _text),
    sa.Column("due", sa.String(10), index=True),
    sa.Column("deadline_text", _text),
    sa.Column("deadline_kind", sa.String(16)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("merged_into", _key, index=True),
    sa.Column("first_version", sa.Integer, nullable=False),
    sa.Column("changed_version", sa.Integer, nullable=False),
    sa.Column("removed_version", sa.Integer),
    sa.Column("added_at", sa.String(32), nullable=False),
    sa.Column("changed_at", sa.String(32), nullable=False),
    sa.Column("record", _text, nullable=False),
)
TASK_BODIES = sa.Table(
    "task_bodies", _meta,
    sa.Column("task_id", _key, nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("name", _text, nullable=False),
    sa.Column("canonical", _text),
    # name and canonical, marks and case folded: what --body searches.
    sa.Column("folded", _text, nullable=False),
)
HISTORY = sa.Table(
    "task_history", _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("task_id", _key, nullable=False, index=True),
    sa.Column("document_key", _key, nullable=False),
    sa.Column("version", sa.Integer),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("record_id", _key),
    sa.Column("detail", _text),
    sa.Column("at", sa.String(32), nullable=False),
)
LINKS = sa.Table(
    "links", _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_key", _key, nullable=False, index=True),
    sa.Column("relation", sa.String(32), nullable=False),
    sa.Column("number", _text, nullable=False),
    sa.Column("number_key", _key, nullable=False, index=True),
    sa.Column("doc_type", _text),
)


class RegisterError(Exception):
    """A request the register cannot carry out (unknown task, bad status,
    a database from a newer vntasks); its message is for the user."""


class NotInRegister(RegisterError, LookupError):
    """The document asked for is not in the register."""


@dataclass
class AddOutcome:
    """What :meth:`Register.add` did with one record. ``event`` is
    ``added`` (a new document), ``unchanged`` (same key and text: nothing
    done) or ``new_version``; the counts are of its tasks."""

    key: str
    event: str
    version: int
    added: int = 0
    updated: int = 0
    removed: int = 0
    restored: int = 0
    unchanged: int = 0
    merged: int = 0


@dataclass
class BodyCount:
    """One body of the per-body view: its tasks by status (current tasks
    only), and how many open ones are overdue."""

    name: str
    open: int = 0
    overdue: int = 0
    done: int = 0
    cancelled: int = 0
    tasks: set[str] = field(default_factory=set, repr=False)

    @property
    def total(self) -> int:
        return self.open + self.done + self.cancelled


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL for ``db``: a URL as given, a path as SQLite."""
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def fold(text: str) -> str:
    """``text`` for body matching: normalised, marks stripped, case folded,
    spaces collapsed."""
    return " ".join(strip_marks(normalise_string(text)).casefold().split())


def default_key(document: Mapping[str, Any], reported: bool) -> str:
    """The key a record is stored under when the caller names none: its
    ``document.id``. A news report carries the number of the directive it
    reports, so an id made from issuer, type and number would be the
    directive's: a report's key adds its text hash, and it never becomes a
    version of the directive."""
    if reported:
        return f"{document['id']}~report-{document['text_sha256'][:12]}"
    return document["id"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _local_key(task_id: str, doc_id: str) -> str:
    """A task's id within its document: the record id without the
    document id it starts with (both id schemes prefix it)."""
    return task_id[len(doc_id):] if task_id.startswith(doc_id) else task_id


def _content(task: Mapping[str, Any]) -> str:
    """What a task says, without offsets or ids (which move when other
    text changes): equal contents mean an unchanged task."""
    deadline = task.get("deadline") or {}
    bodies = [(b["role"], b["name"], b.get("canonical")) for b in task["responsible"]]
    kept = {k: deadline.get(k) for k in ("text", "kind", "due", "start", "rrule")}
    return json.dumps(
        [task["description"], bodies, kept, task.get("section")], ensure_ascii=False
    )


def _pairs(
    left: Sequence[Mapping[str, Any]], right: Sequence[Mapping[str, Any]], threshold: float
) -> list[tuple[int, int, float]]:
    """One-to-one pairs (index in left, index in right, F1) of descriptions
    at ``threshold`` or more, best first."""
    keys = [description_key(item["description"]) for item in right]
    scored = []
    for i, item in enumerate(left):
        mine = description_key(item["description"])
        for j, other in enumerate(keys):
            score = multiset_f1(mine, other)
            if score >= threshold:
                scored.append((-score, i, j, score))
    return best_first_pairs(sorted(scored))


class Register:
    """A task register in the database at ``url`` (see the module's
    docstring). Safe to share between threads of one process; each call is
    one transaction."""

    def __init__(self, url: str | Path = DEFAULT_DB) -> None:
        self.url = database_url(url)
        self.engine = sa.create_engine(self.url)
        self._migrate()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- schema ---------------------------------------------------------

    def _migrate(self) -> None:
        _meta.create_all(self.engine)
        with self.engine.begin() as conn:
            stored = conn.execute(
                sa.select(META.c.value).where(META.c.name == "schema_version")
            ).scalar()
            if stored is None:
                conn.execute(META.insert().values(name="schema_version", value=str(SCHEMA_VERSION)))
            elif int(stored) > SCHEMA_VERSION:
                raise RegisterError(
                    f"the register is at schema version {stored}, newer than this "
                    f"vntasks reads ({SCHEMA_VERSION}); upgrade vntasks"
                )

    def known_texts(self) -> set[tuple[str, str]]:
        """(source, ``text_sha256``) of every document's current version."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(DOCUMENTS.c.source, DOCUMENTS.c.text_sha256))
            return {(source, sha) for source, sha in rows}

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(
                sa.select(META.c.value).where(META.c.name == "schema_version")
            ).scalar_one())

    # --- adding ---------------------------------------------------------

    def add(
        self, record: Mapping[str, Any], key: str | None = None, text: str | None = None
    ) -> AddOutcome:
        """Store one v1 record. ``key`` (default ``document.id``) names the
        document across versions; ``text`` (default the record's
        ``document.text``, present with ``--with-text``) is read for links
        and to tell a news report; without it neither is recorded."""
        document = dict(record["document"])
        text = text if text is not None else document.pop("text", None)
        document.pop("text", None)
        now = _now()
        reported, links = False, []
        if text is not None:
            reported = extract_metadata(normalise_string(text)).reported
            links = find_links(text, document.get("number"), reported)
        key = key or default_key(document, reported)
        with self.engine.begin() as conn:
            stored = conn.execute(
                sa.select(DOCUMENTS).where(DOCUMENTS.c.key == key)
            ).mappings().first()
            if stored is not None and stored["text_sha256"] == document["text_sha256"]:
                return AddOutcome(key, "unchanged", stored["version"],
                                  unchanged=len(record["tasks"]))
            version = 1 if stored is None else stored["version"] + 1
            row = {
                "doc_id": document["id"],
                "text_sha256": document["text_sha256"],
                "version": version,
                "source": document.get("source"),
                "doc_type": document.get("doc_type"),
                "number": document.get("number"),
                "number_key": number_key(document["number"]) if document.get("number") else None,
                "title": document.get("title"),
                "issuer": document.get("issuer"),
                "issued_date": document.get("issued_date"),
                "reported": reported,
                "updated_at": now,
                "record": json.dumps(document, ensure_ascii=False),
            }
            if stored is None:
                conn.execute(DOCUMENTS.insert().values(key=key, added_at=now, **row))
                outcome = AddOutcome(key, "added", version)
            else:
                conn.execute(DOCUMENTS.update().where(DOCUMENTS.c.key == key).values(**row))
                outcome = AddOutcome(key, "new_version", version)
            conn.execute(VERSIONS.insert().values(
                document_key=key, version=version, doc_id=document["id"],
                text_sha256=document["text_sha256"], source=document.get("source"),
                added_at=now, tasks=len(record["tasks"]),
            ))
            self._store_tasks(conn, key, document["id"], record["tasks"], version, now, outcome)
            conn.execute(LINKS.delete().where(LINKS.c.document_key == key))
            if links:
                conn.execute(LINKS.insert(), [
                    {"document_key": key, "relation": link.relation, "number": link.number,
                     "number_key": link.key, "doc_type": link.doc_type or None}
                    for link in links
                ])
            if row["number_key"] is not None:
                outcome.merged = self._merge_reports(conn, row["number_key"])
        return outcome

    def _store_tasks(
        self, conn: sa.Connection, key: str, doc_id: str, tasks: Sequence[Mapping[str, Any]],
        version: int, now: str, outcome: AddOutcome,
    ) -> None:
        old = list(conn.execute(
            sa.select(TASKS).where(TASKS.c.document_key == key)
        ).mappings())
        by_local = {row["local_key"]: row for row in old}
        matched: dict[int, Mapping[str, Any]] = {}
        for index, task in enumerate(tasks):
            row = by_local.get(_local_key(task["id"], doc_id))
            if row is not None:
                matched[index] = row
        used = {row["id"] for row in matched.values()}
        # A task whose wording changed has a new id under any id scheme
        # built on its description: pair it with a stored one by wording.
        loose_new = [i for i in range(len(tasks)) if i not in matched]
        loose_old = [r for r in old if r["id"] not in used and r["state"] == CURRENT]
        for i, j, _ in _pairs([tasks[i] for i in loose_new], loose_old, UPDATE_THRESHOLD):
            matched[loose_new[i]] = loose_old[j]
            used.add(loose_old[j]["id"])
        for index, task in enumerate(tasks):
            row = matched.get(index)
            fields = self._task_fields(task, doc_id, index)
            if row is None:
                register_id = self._free_id(conn, task["id"])
                conn.execute(TASKS.insert().values(
                    id=register_id, document_key=key, status="open", state=CURRENT,
                    first_version=version, changed_version=version, added_at=now,
                    changed_at=now, **fields,
                ))
                self._history(conn, register_id, key, version, "added", task, now)
                self._store_bodies(conn, register_id, task)
                outcome.added += 1
                continue
            changed = _content(json.loads(row["record"])) != _content(task)
            event = ("restored" if row["state"] == REMOVED
                     else "updated" if changed else None)
            values = dict(fields, state=CURRENT, removed_version=None)
            if event is not None:
                values.update(changed_version=version, changed_at=now)
                self._history(conn, row["id"], key, version, event, task, now)
            conn.execute(TASKS.update().where(TASKS.c.id == row["id"]).values(**values))
            self._store_bodies(conn, row["id"], task)
            if event == "restored":
                outcome.restored += 1
            elif event == "updated":
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        for row in old:
            if row["id"] in used or row["state"] == REMOVED:
                continue
            conn.execute(TASKS.update().where(TASKS.c.id == row["id"]).values(
                state=REMOVED, removed_version=version, changed_at=now,
            ))
            self._history(conn, row["id"], key, version, "removed", None, now)
            outcome.removed += 1

    @staticmethod
    def _task_fields(task: Mapping[str, Any], doc_id: str, index: int) -> dict[str, Any]:
        deadline = task.get("deadline") or {}
        return {
            "current_id": task["id"],
            "local_key": _local_key(task["id"], doc_id),
            "position": index,
            "description": task["description"],
            "section": task.get("section"),
            "due": deadline.get("due"),
            "deadline_text": deadline.get("text"),
            "deadline_kind": deadline.get("kind"),
            "record": json.dumps(task, ensure_ascii=False),
        }

    @staticmethod
    def _free_id(conn: sa.Connection, wanted: str) -> str:
        """``wanted``, or with ``~2``, ``~3`` … when the same text was added
        under another key and its task ids are taken."""
        candidate, n = wanted, 1
        while conn.execute(sa.select(TASKS.c.id).where(TASKS.c.id == candidate)).first():
            n += 1
            candidate = f"{wanted}~{n}"
        return candidate

    @staticmethod
    def _store_bodies(conn: sa.Connection, register_id: str, task: Mapping[str, Any]) -> None:
        conn.execute(TASK_BODIES.delete().where(TASK_BODIES.c.task_id == register_id))
        rows = [
            {"task_id": register_id, "role": b["role"], "name": b["name"],
             "canonical": b.get("canonical"),
             "folded": fold(b["name"]) + " | " + fold(b.get("canonical") or "")}
            for b in task["responsible"]
        ]
        if rows:
            conn.execute(TASK_BODIES.insert(), rows)

    @staticmethod
    def _history(
        conn: sa.Connection, register_id: str, key: str, version: int | None, event: str,
        task: Mapping[str, Any] | None, now: str, detail: str | None = None,
    ) -> None:
        conn.execute(HISTORY.insert().values(
            task_id=register_id, document_key=key, version=version, event=event,
            record_id=task["id"] if task is not None else None,
            detail=detail if detail is not None else (task["description"] if task else None),
            at=now,
        ))

    def _merge_reports(self, conn: sa.Connection, key: str) -> int:
        """Merge the tasks of the news reports of number ``key`` into the
        tasks of its directives (see the module's docstring); how many
        report tasks are merged now."""
        documents = list(conn.execute(
            sa.select(DOCUMENTS.c.key, DOCUMENTS.c.reported).where(DOCUMENTS.c.number_key == key)
        ))
        reports = [d.key for d in documents if d.reported]
        directives = [d.key for d in documents if not d.reported]
        if not reports:
            return 0
        conn.execute(TASKS.update().where(TASKS.c.document_key.in_(reports)).values(
            merged_into=None
        ))
        if not directives:
            return 0
        targets = list(conn.execute(sa.select(TASKS.c.id, TASKS.c.description).where(
            TASKS.c.document_key.in_(directives), TASKS.c.state == CURRENT,
        )).mappings())
        merged = 0
        for report in reports:
            own = list(conn.execute(sa.select(TASKS.c.id, TASKS.c.description).where(
                TASKS.c.document_key == report, TASKS.c.state == CURRENT,
            )).mappings())
            for i, j, _ in _pairs(own, targets, MERGE_THRESHOLD):
                conn.execute(TASKS.update().where(TASKS.c.id == own[i]["id"]).values(
                    merged_into=targets[j]["id"]
                ))
                merged += 1
        return merged

    # --- the user's word ------------------------------------------------

    def _find(self, conn: sa.Connection, task_id: str) -> Mapping[str, Any]:
        row = conn.execute(sa.select(TASKS).where(
            sa.or_(TASKS.c.id == task_id, TASKS.c.current_id == task_id)
        )).mappings().first()
        if row is None:
            row = conn.execute(sa.select(TASKS).join(
                HISTORY, HISTORY.c.task_id == TASKS.c.id
            ).where(HISTORY.c.record_id == task_id)).mappings().first()
        if row is None:
            raise RegisterError(f"no task {task_id!r} in the register")
        return row

    def set_status(self, task_id: str, status: str) -> str:
        """Set a task's status (one of :data:`STATUSES`); ``task_id`` is its
        register id or any record id it had. Returns the register id."""
        if status not in STATUSES:
            raise RegisterError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        with self.engine.begin() as conn:
            row = self._find(conn, task_id)
            target = row["merged_into"] or row["id"]
            conn.execute(TASKS.update().where(TASKS.c.id == target).values(status=status))
            self._history(conn, target, row["document_key"], None, "status", None, _now(),
                          detail=status)
            return target

    # --- queries --------------------------------------------------------

    def tasks(
        self,
        body: str | None = None,
        role: str | None = None,
        due_before: date | None = None,
        overdue: bool = False,
        status: str | None = None,
        document: str | None = None,
        today: date | None = None,
        include_removed: bool = False,
    ) -> list[dict[str, Any]]:
        """Register tasks, by document then position. ``body``: a lead or
        support body (``role`` to restrict) whose name or canonical name
        holds it, marks and case ignored; ``due_before``: due on or before
        that day; ``overdue``: open and due before ``today`` (default: the
        current date); ``status``; ``document``: a document key. Merged
        report tasks appear as ``sources`` of their directive's task."""
        today = today or date.today()
        query = sa.select(TASKS).where(TASKS.c.merged_into.is_(None))
        if not include_removed:
            query = query.where(TASKS.c.state == CURRENT)
        if status is not None:
            query = query.where(TASKS.c.status == status)
        if document is not None:
            query = query.where(TASKS.c.document_key == document)
        if due_before is not None:
            query = query.where(TASKS.c.due.is_not(None), TASKS.c.due <= due_before.isoformat())
        if overdue:
            query = query.where(TASKS.c.status == "open", TASKS.c.due.is_not(None),
                                TASKS.c.due < today.isoformat())
        if body is not None:
            pattern = "%" + fold(body).replace("\\", "\\\\").replace("%", "\\%").replace(
                "_", "\\_") + "%"
            holders = sa.select(TASK_BODIES.c.task_id).where(
                TASK_BODIES.c.folded.like(pattern, escape="\\")
            )
            if role is not None:
                holders = holders.where(TASK_BODIES.c.role == role)
            query = query.where(TASKS.c.id.in_(holders))
        query = query.order_by(TASKS.c.document_key, TASKS.c.position)
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
            return list(self._describe(conn, rows, today))

    def task(self, task_id: str, today: date | None = None) -> dict[str, Any]:
        """One task by register id or any record id it had, with its
        history."""
        with self.engine.connect() as conn:
            row = self._find(conn, task_id)
            (described,) = self._describe(conn, [row], today or date.today())
            described["history"] = [
                {k: v for k, v in h.items() if k not in ("id", "task_id")}
                for h in conn.execute(sa.select(HISTORY).where(
                    HISTORY.c.task_id == row["id"]).order_by(HISTORY.c.id)).mappings()
            ]
            return described

    def _describe(
        self, conn: sa.Connection, rows: Sequence[Mapping[str, Any]], today: date
    ) -> Iterator[dict[str, Any]]:
        ids = [row["id"] for row in rows]
        sources: dict[str, list[str]] = {}
        for chunk in _chunks(ids, 500):
            for merged in conn.execute(sa.select(
                TASKS.c.merged_into, TASKS.c.document_key, TASKS.c.id
            ).where(TASKS.c.merged_into.in_(chunk))):
                sources.setdefault(merged.merged_into, []).append(merged.document_key)
        for row in rows:
            record = json.loads(row["record"])
            due = row["due"]
            yield {
                "id": row["id"],
                "current_id": row["current_id"],
                "document": row["document_key"],
                "sources": [row["document_key"], *sorted(set(sources.get(row["id"], [])))],
                "description": row["description"],
                "leads": [b["canonical"] or b["name"] for b in record["responsible"]
                          if b["role"] == "lead"],
                "supports": [b["canonical"] or b["name"] for b in record["responsible"]
                             if b["role"] == "support"],
                "due": due,
                "deadline_text": row["deadline_text"],
                "section": row["section"],
                "status": row["status"],
                "state": row["state"],
                "overdue": bool(row["status"] == "open" and row["state"] == CURRENT and due
                                and due < today.isoformat()),
                "first_version": row["first_version"],
                "changed_version": row["changed_version"],
                "removed_version": row["removed_version"],
                "changed_at": row["changed_at"],
                "record": record,
            }

    def bodies(self, today: date | None = None) -> list[BodyCount]:
        """Every body holding a current task (as lead or support), by its
        canonical name where the gazetteer gives one, with its tasks by
        status and the open ones overdue; most open tasks first."""
        today_text = (today or date.today()).isoformat()
        query = sa.select(
            TASK_BODIES.c.name, TASK_BODIES.c.canonical, TASKS.c.id, TASKS.c.status, TASKS.c.due
        ).join(TASKS, TASKS.c.id == TASK_BODIES.c.task_id).where(
            TASKS.c.state == CURRENT, TASKS.c.merged_into.is_(None)
        )
        counts: dict[str, BodyCount] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                name = " ".join((row.canonical or row.name).split())
                count = counts.setdefault(name, BodyCount(name))
                if row.id in count.tasks:
                    continue
                count.tasks.add(row.id)
                setattr(count, row.status, getattr(count, row.status) + 1)
                if row.status == "open" and row.due and row.due < today_text:
                    count.overdue += 1
        return sorted(counts.values(), key=lambda c: (-c.open, -c.overdue, c.name))

    def documents(self) -> list[dict[str, Any]]:
        """Every document: key, number, type, title, issuer, issue date,
        version, whether it is a news report, and its current tasks."""
        counted = sa.select(TASKS.c.document_key, sa.func.count().label("tasks")).where(
            TASKS.c.state == CURRENT).group_by(TASKS.c.document_key).subquery()
        query = sa.select(
            DOCUMENTS.c.key, DOCUMENTS.c.number, DOCUMENTS.c.doc_type, DOCUMENTS.c.title,
            DOCUMENTS.c.issuer, DOCUMENTS.c.issued_date, DOCUMENTS.c.version,
            DOCUMENTS.c.reported, DOCUMENTS.c.source, DOCUMENTS.c.updated_at,
            sa.func.coalesce(counted.c.tasks, 0).label("tasks"),
        ).outerjoin(counted, counted.c.document_key == DOCUMENTS.c.key).order_by(
            DOCUMENTS.c.issued_date, DOCUMENTS.c.key)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def document(self, key: str, today: date | None = None) -> dict[str, Any]:
        """One document: its record's metadata, versions, tasks (removed ones
        too), the documents it links to (``links``: relation, number, and the
        register keys of that number) and those linking to it
        (``linked_from``)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(DOCUMENTS).where(DOCUMENTS.c.key == key)
            ).mappings().first()
            if row is None:
                raise NotInRegister(f"no document {key!r} in the register")
            found = {k: v for k, v in row.items() if k != "record"}
            found["record"] = json.loads(row["record"])
            found["versions"] = [
                {k: v for k, v in version.items() if k != "document_key"}
                for version in conn.execute(sa.select(VERSIONS).where(
                    VERSIONS.c.document_key == key).order_by(VERSIONS.c.version)).mappings()
            ]
            found["links"] = []
            for link in conn.execute(sa.select(LINKS).where(
                    LINKS.c.document_key == key).order_by(LINKS.c.id)).mappings():
                targets = conn.execute(sa.select(DOCUMENTS.c.key).where(
                    DOCUMENTS.c.number_key == link["number_key"], DOCUMENTS.c.key != key,
                ).order_by(DOCUMENTS.c.key)).scalars().all()
                found["links"].append({"relation": link["relation"], "number": link["number"],
                                       "doc_type": link["doc_type"], "documents": list(targets)})
            found["linked_from"] = []
            if row["number_key"] is not None:
                for link in conn.execute(sa.select(LINKS).where(
                        LINKS.c.number_key == row["number_key"], LINKS.c.document_key != key,
                ).order_by(LINKS.c.document_key, LINKS.c.id)).mappings():
                    found["linked_from"].append(
                        {"relation": link["relation"], "document": link["document_key"]}
                    )
        found["tasks"] = self.tasks(document=key, today=today, include_removed=True)
        with self.engine.connect() as conn:
            merged = list(conn.execute(sa.select(TASKS.c.id, TASKS.c.merged_into).where(
                TASKS.c.document_key == key, TASKS.c.merged_into.is_not(None))))
        found["merged"] = [{"task": m.id, "into": m.merged_into} for m in merged]
        return found


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def as_records(tasks: Iterable[Mapping[str, Any]], register: Register) -> list[dict[str, Any]]:
    """Register tasks as v1-shaped records, one per document, for the table
    formats (:mod:`pipeline.formats`): each task's record with the register
    id, its status and its sources."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        record = dict(task["record"], id=task["id"], status=task["status"],
                      sources=task["sources"])
        grouped.setdefault(task["document"], []).append(record)
    records = []
    with register.engine.connect() as conn:
        for key, items in grouped.items():
            stored = conn.execute(
                sa.select(DOCUMENTS.c.record).where(DOCUMENTS.c.key == key)
            ).scalar_one()
            records.append({"document": json.loads(stored), "tasks": items})
    return records


TASK_FORMATS = ("table", "json", "csv", "xlsx", "jira", "github")


def render_tasks(
    register: Register,
    tasks: Sequence[Mapping[str, Any]],
    name: str,
    lang: str = "en",
    repo: str | None = None,
) -> bytes:
    """Register tasks in format ``name`` (:data:`TASK_FORMATS`): ``table``
    (a line per task for a terminal), ``json`` (the list
    :meth:`Register.tasks` returns), ``csv``/``xlsx`` (the tables of
    :mod:`pipeline.formats` with ``status`` and ``sources`` columns),
    ``jira`` and ``github`` (:mod:`pipeline.trackers`)."""
    from pipeline import trackers
    from pipeline.formats.csv import to_csv
    from pipeline.formats.rows import REGISTER_COLUMNS
    from pipeline.formats.xlsx import to_xlsx

    if name == "json":
        return (json.dumps(list(tasks), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if name == "csv":
        return to_csv(as_records(tasks, register), lang=lang, columns=REGISTER_COLUMNS)
    if name == "xlsx":
        return to_xlsx(as_records(tasks, register), lang=lang, columns=REGISTER_COLUMNS)
    if name == "jira":
        return trackers.to_jira_csv(tasks)
    if name == "github":
        return trackers.to_gh_script(tasks, repo)
    if name != "table":
        raise RegisterError(f"unknown format {name!r}; one of {', '.join(TASK_FORMATS)}")
    lines = []
    for task in tasks:
        lead = "; ".join(task["leads"]) or "-"
        mark = " OVERDUE" if task["overdue"] else ""
        state = "" if task["state"] == CURRENT else f" [{task['state']}]"
        lines.append(f"{task['id']}  {task['status']}{mark}{state}  due {task['due'] or '-'}"
                     f"  {lead}  {' '.join(task['description'].split())}")
    return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")


def add_files(
    register: Register,
    inputs: Sequence[str],
    *,
    key: str | None = None,
    observe: Any = None,
    **options: Any,
) -> tuple[Any, list[AddOutcome]]:
    """Extract ``inputs`` as ``vntasks extract`` does
    (:func:`pipeline.batch.extract_records`: folders expanded, ``workers``,
    ``issued`` … in ``options``) and add each record; ``observe`` wraps the
    outcome stream (the progress bar). Returns the batch summary (failed
    inputs in it) and what each add did."""
    from pipeline.batch import Done, Summary, count_outcome, extract_records

    # A file whose text is already stored under its name is read but not
    # extracted again: re-adding a folder costs the reading of its files, not
    # the pipeline. Under an explicit key every input is extracted, since the
    # key may be new.
    done = Done(records=register.known_texts()) if key is None else None
    outcomes = extract_records(inputs, with_text=True, done=done, **options)
    if observe is not None:
        outcomes = observe(outcomes)
    summary = Summary()
    added = []
    for outcome in outcomes:
        count_outcome(summary, outcome)
        if outcome.record is not None:
            added.append(register.add(outcome.record, key=key))
    return summary, added


def add_report(added: Sequence[AddOutcome], skipped: int = 0) -> list[str]:
    """A short account of :func:`add_files` for a person: a line per
    document, then the totals; ``skipped``: inputs whose text was already
    stored (not extracted again)."""
    lines = []
    for outcome in added:
        if outcome.event == "unchanged":
            lines.append(f"{outcome.key}: already in the register (version "
                         f"{outcome.version}), nothing changed")
            continue
        what = "added" if outcome.event == "added" else f"version {outcome.version}"
        parts = [f"{outcome.added} new"]
        if outcome.event == "new_version":
            parts += [f"{outcome.updated} updated", f"{outcome.removed} removed",
                      f"{outcome.unchanged} unchanged"]
            if outcome.restored:
                parts.append(f"{outcome.restored} restored")
        if outcome.merged:
            parts.append(f"{outcome.merged} merged with the directive reported")
        lines.append(f"{outcome.key}: {what}, tasks: {', '.join(parts)}")
    counts = {event: sum(o.event == event for o in added)
              for event in ("added", "new_version", "unchanged")}
    if skipped:
        lines.append(f"{skipped} already in the register with the same text: nothing changed")
    counts["unchanged"] += skipped
    lines.append(f"{counts['added']} documents added, {counts['new_version']} new versions, "
                 f"{counts['unchanged']} unchanged")
    return lines
