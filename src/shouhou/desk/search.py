"""Full-text search over articles, case subjects and messages, for Chinese without spaces.

Text is segmented into words (segment.py) and kept space-separated in `search_doc.terms`. SQLite
indexes it with FTS5 (`search_fts`, an external-content table the migration keeps in step with
triggers) and ranks by bm25; PostgreSQL indexes the same words, taken verbatim as lexemes
(`array_to_tsvector(string_to_array(terms, ' '))`, so its parser never sees Chinese), in a GIN
index, and ranks by ts_rank. Every query word must match; when none does, any word may. The
database's best candidates are then ordered again in Python by how close together and in which
order the words stand (a phrase beats scattered words) — the same on both databases.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from shouhou.desk.segment import query_words
from shouhou.models.desk import SearchDoc

CANDIDATES = 100
_FTS = table("search_fts")
_SPACE: Any = literal_column("' '")  # written into the SQL: the index's expression must match it exactly
PG_VECTOR = func.array_to_tsvector(func.string_to_array(SearchDoc.terms, _SPACE))


@dataclass(frozen=True)
class Hit:
    doc_id: int
    kind: str
    ref_id: int
    case_id: int | None
    public: bool
    terms: str
    score: float


def _fts_query(words: list[str], any_word: bool) -> str:
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    return (" OR " if any_word else " ").join(quoted)


def _ts_query(words: list[str], any_word: bool) -> str:
    quoted = ["'" + w.replace("\\", "").replace("'", "''") + "'" for w in words if w.replace("\\", "")]
    return (" | " if any_word else " & ").join(quoted)


def _candidates(session: Session, words: list[str], kinds: tuple[str, ...], store_ids: set[int] | None,
                public_only: bool, case_ids: set[int] | None, any_word: bool) -> list[Hit]:
    cols = (SearchDoc.id, SearchDoc.kind, SearchDoc.ref_id, SearchDoc.case_id, SearchDoc.public, SearchDoc.terms)
    stmt: Select
    if session.get_bind().dialect.name == "postgresql":
        query = cast(literal(_ts_query(words, any_word), String()), TSQUERY)
        rank = func.ts_rank(PG_VECTOR, query)
        stmt = select(*cols, rank).where(PG_VECTOR.op("@@")(query)).order_by(rank.desc(), SearchDoc.id.desc())
    else:
        rank = func.bm25(literal_column("search_fts"))
        stmt = (select(*cols, -rank).select_from(_FTS.join(SearchDoc, SearchDoc.id == literal_column("search_fts.rowid")))
                .where(literal_column("search_fts").op("MATCH")(_fts_query(words, any_word)))
                .order_by(rank, SearchDoc.id.desc()))
    stmt = stmt.where(SearchDoc.kind.in_(kinds))
    if store_ids is not None:
        stmt = stmt.where(SearchDoc.store_id.in_(store_ids))
    if public_only:
        stmt = stmt.where(SearchDoc.public.is_(True))
    if case_ids is not None:
        stmt = stmt.where(SearchDoc.case_id.in_(case_ids))
    return [Hit(r[0], r[1], r[2], r[3], r[4], r[5], float(r[6] or 0))
            for r in session.execute(stmt.limit(CANDIDATES)).all()]


def find(session: Session, q: str, *, kinds: tuple[str, ...], store_ids: set[int] | None = None,
         public_only: bool = False, case_ids: set[int] | None = None,
         any_word: bool = False) -> tuple[list[str], list[Hit]]:
    """(the query's words, the hits best first); `any_word`: a document matching one word is enough."""
    words = query_words(q)[:32]
    if not words:
        return [], []
    hits = _candidates(session, words, kinds, store_ids, public_only, case_ids, any_word=any_word)
    if not hits and len(words) > 1:
        hits = _candidates(session, words, kinds, store_ids, public_only, case_ids, any_word=True)
    ranked = sorted(hits, key=lambda h: (-closeness(words, h.terms.split()), -h.score, -h.doc_id))
    return words, ranked


def closeness(words: list[str], terms: list[str]) -> float:
    """How well the words stand together in the text: each word found counts 1, and each pair of
    query neighbours found in order within three words of each other 2 more."""
    where: dict[str, list[int]] = {}
    for i, t in enumerate(terms):
        where.setdefault(t, []).append(i)
    score = float(sum(1 for w in words if w in where))
    for a, b in pairwise(words):
        if any(0 < j - i <= 3 for i in where.get(a, ()) for j in where.get(b, ())):
            score += 2
    return score - len(terms) / 10000  # shorter text first among equals


def snippet(text: str, words: Iterable[str], width: int = 40) -> str:
    """A stretch of `text` around the first match, HTML-escaped, every word found wrapped in <mark>."""
    found = [w for w in words if w]
    flat = re.sub(r"\s+", " ", text or "").strip()
    lower = flat.lower()
    first = min((i for i in (lower.find(w) for w in found) if i >= 0), default=0)
    start = max(0, first - width // 2)
    piece = flat[start:start + width * 2]
    out = html.escape(piece)
    if found:
        pattern = "|".join(re.escape(html.escape(w)) for w in sorted(set(found), key=len, reverse=True))
        out = re.sub(pattern, lambda m: f"<mark>{m.group(0)}</mark>", out, flags=re.IGNORECASE)
    return ("…" if start > 0 else "") + out + ("…" if start + width * 2 < len(flat) else "")
