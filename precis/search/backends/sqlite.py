"""SQLite FTS5: an external-content index over search_searchdocument, synced explicitly."""

from django.db import connection

from precis.papers.bulk import RowBuilder, insert_rows

from ..models import SearchDocument
from ..query import ParsedQuery
from . import COUNT_CAP, Hit, Page
from .filters import BOOST_SQL, filter_sql

FTS_COLUMNS = "title, authors, abstract, summaries"
# bm25 weights per column: title > authors > abstract > summaries.
BM25 = "bm25(search_fts, 10.0, 5.0, 2.0, 1.0)"
CHUNK = 500
DOCUMENT_ROWS = RowBuilder(SearchDocument)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def match_expression(query: ParsedQuery, *, prefix_last: bool = False) -> str:
    """An FTS5 MATCH string built only from quoted tokens, so user input cannot break it."""
    parts = [_quoted(term) for term in query.terms]
    if prefix_last and parts:
        parts[-1] += "*"
    parts += [_quoted(phrase) for phrase in query.phrases]
    parts += [f"authors : {_quoted(author)}" for author in query.authors]
    if not parts:
        return ""
    expression = " AND ".join(parts)
    for word in query.excluded:
        expression = f"({expression}) NOT {_quoted(word)}"
    return expression


class SqliteBackend:
    def write(self, documents: list[SearchDocument], paper_ids: list[int]) -> None:
        """Replace the documents (and index entries) of ``paper_ids`` with ``documents``."""
        self.delete(paper_ids)
        insert_rows(
            SearchDocument, DOCUMENT_ROWS.columns, [DOCUMENT_ROWS.row(d) for d in documents]
        )
        with connection.cursor() as cursor:
            for chunk in _chunks([d.paper_id for d in documents]):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO search_fts(rowid, {FTS_COLUMNS}) SELECT paper_id, {FTS_COLUMNS} "
                    f"FROM search_searchdocument WHERE paper_id IN ({marks})",
                    chunk,
                )

    def delete(self, paper_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for chunk in _chunks(paper_ids):
                marks = ", ".join(["%s"] * len(chunk))
                # External content: the index forgets a row only when told its old values.
                cursor.execute(
                    f"INSERT INTO search_fts(search_fts, rowid, {FTS_COLUMNS}) "
                    f"SELECT 'delete', paper_id, {FTS_COLUMNS} FROM search_searchdocument "
                    f"WHERE paper_id IN ({marks})",
                    chunk,
                )
                cursor.execute(
                    f"DELETE FROM search_searchdocument WHERE paper_id IN ({marks})", chunk
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchdocument")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def search(self, query: ParsedQuery, *, limit: int, offset: int) -> Page:
        page = self._search(query, match_expression(query), limit=limit, offset=offset)
        if page.hits or not query.terms:
            return page
        corrected = self._corrected(query)
        if corrected is None:
            return page
        page = self._search(corrected, match_expression(corrected), limit=limit, offset=offset)
        return Page(page.hits, page.total, corrected=True)

    def suggest(self, query: ParsedQuery, *, limit: int) -> list[Hit]:
        words = [_quoted(term) for term in query.terms]
        if not words:
            return []
        words[-1] += "*"
        expression = "title : (" + " AND ".join(words) + ")"
        where, params = filter_sql(query)
        sql = (
            f"SELECT d.paper_id, {BM25} * {BOOST_SQL.format(a='d')} AS score "
            "FROM search_fts JOIN search_searchdocument d ON d.paper_id = search_fts.rowid "
            f"WHERE search_fts MATCH %s {''.join(' AND ' + w for w in where)} "
            "ORDER BY score LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, *params, limit])
            return [Hit(paper_id, -score) for paper_id, score in cursor.fetchall()]

    def _search(self, query: ParsedQuery, expression: str, *, limit: int, offset: int) -> Page:
        where, params = filter_sql(query)
        if expression:
            source = "search_fts JOIN search_searchdocument d ON d.paper_id = search_fts.rowid"
            where = ["search_fts MATCH %s", *where]
            params = [expression, *params]
            columns = (
                f"d.paper_id, {BM25} * {BOOST_SQL.format(a='d')} AS score, "
                # char(2)/char(3): the MARK_START/MARK_END snippet markers
                f"snippet(search_fts, -1, char(2), char(3), '…', 24)"
            )
            order = "score"
        else:
            source = "search_searchdocument d"
            columns = "d.paper_id, 0.0, ''"
            order = "d.best_wilson DESC, d.summary_count DESC, d.year DESC, d.paper_id DESC"
        condition = " AND ".join(where) or "1 = 1"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {source} WHERE {condition} ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            hits = [Hit(pk, -score, snippet) for pk, score, snippet in cursor.fetchall()]
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {condition} LIMIT %s)",
                [*params, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
        return Page(hits, total)

    def _corrected(self, query: ParsedQuery) -> ParsedQuery | None:
        """Typo fallback: each word the index lacks is swapped for its nearest indexed word.

        The index holds Porter stems, so a word is compared with each candidate stem
        at the stem's length (±1): "resdual" reaches "residu" (from "residual").
        PostgreSQL uses trigram similarity on titles instead.
        """
        from dataclasses import replace

        changed = False
        terms = []
        with connection.cursor() as cursor:
            for term in query.terms:
                if len(term) < 4 or not term.isalpha():
                    terms.append(term)
                    continue
                cursor.execute("SELECT 1 FROM search_fts_vocab WHERE term = %s", [term])
                if cursor.fetchone():
                    terms.append(term)
                    continue
                cursor.execute(
                    "SELECT term, doc FROM search_fts_vocab WHERE term >= %s AND term < %s "
                    "AND length(term) BETWEEN %s AND %s",
                    [term[:2], term[:1] + chr(ord(term[1]) + 1), len(term) - 3, len(term) + 1],
                )
                best = _nearest(term, cursor.fetchall())
                if best:
                    terms.append(best)
                    changed = True
                else:
                    terms.append(term)
        return replace(query, terms=tuple(terms)) if changed else None


def _nearest(word: str, candidates: list[tuple[str, int]]) -> str | None:
    allowed = 1 if len(word) < 6 else 2
    best, best_key = None, None
    for stem, documents in candidates:
        distance = min(_distance(word[:size], stem) for size in (len(stem), len(stem) + 1))
        key = (distance, -_common_prefix(word, stem), -documents)
        if distance <= allowed and (best_key is None or key < best_key):
            best, best_key = stem, key
    return best


def _common_prefix(a: str, b: str) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (small strings only)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]
