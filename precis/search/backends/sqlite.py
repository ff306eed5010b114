"""SQLite FTS5: an external-content index over search_searchdocument, synced explicitly."""

from dataclasses import replace

from django.db import connection

from precis.importers.venues import venue_for_name
from precis.papers.bulk import RowBuilder, insert_rows

from ..documents import HAS_SUMMARY_TAG, venue_tag, year_tag
from ..models import SearchDocument
from ..query import ParsedQuery
from . import BROAD_QUERY_MATCHES, Hit, Page
from .filters import BOOST_SQL

FTS_COLUMNS = "title, authors, abstract, summaries, tags"
# bm25 weights per column: title > authors > abstract > summaries; filter tags score nothing.
BM25 = "bm25(search_fts, 10.0, 5.0, 2.0, 1.0, 0.0)"
# Open-ended year ranges are closed at these years (each year in range is one index word).
FIRST_YEAR, LAST_YEAR = 1900, 2100
CHUNK = 500
DOCUMENT_ROWS = RowBuilder(SearchDocument)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def match_expression(query: ParsedQuery, *, prefix_last: bool = False) -> str:
    """An FTS5 MATCH string built only from quoted tokens, so user input cannot break it.

    Filters become words of the ``tags`` column (see search.documents.filter_tags).
    """
    parts = [_quoted(term) for term in query.terms]
    if prefix_last and parts:
        parts[-1] += "*"
    parts += [_quoted(phrase) for phrase in query.phrases]
    parts += [f"authors : {_quoted(author)}" for author in query.authors]
    parts += _filter_parts(query)
    if not parts:
        return ""
    expression = " AND ".join(parts)
    for word in query.excluded:
        expression = f"({expression}) NOT {_quoted(word)}"
    return expression


def _filter_parts(query: ParsedQuery) -> list[str]:
    parts = []
    for fragment in query.venues:
        known = venue_for_name(fragment)
        keys = sorted({fragment} | ({known.key} if known else set()))
        parts.append("tags : (" + " OR ".join(_quoted(venue_tag(key)) for key in keys) + ")")
    if query.year_from is not None or query.year_to is not None:
        first = max(query.year_from or FIRST_YEAR, FIRST_YEAR)
        last = min(query.year_to or LAST_YEAR, LAST_YEAR)
        years = [_quoted(year_tag(year)) for year in range(first, last + 1)] or ['"xyearnone"']
        parts.append("tags : (" + " OR ".join(years) + ")")
    if query.has_summary:
        parts.append(f"tags : {_quoted(HAS_SUMMARY_TAG)}")
    return parts


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
        expression = " AND ".join(["title : (" + " AND ".join(words) + ")", *_filter_parts(query)])
        sql = (
            f"SELECT s.paper_id, s.raw * {BOOST_SQL.format(a='d')} AS score FROM "
            f"(SELECT rowid AS paper_id, {BM25} AS raw FROM search_fts WHERE search_fts MATCH %s "
            f"ORDER BY rowid DESC LIMIT {BROAD_QUERY_MATCHES}) s "
            "JOIN search_searchdocument d ON d.paper_id = s.paper_id ORDER BY score LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, limit])
            return [Hit(paper_id, -score) for paper_id, score in cursor.fetchall()]

    def _search(self, query: ParsedQuery, expression: str, *, limit: int, offset: int) -> Page:
        if not expression:
            return Page([], 0)
        text_query = bool(query.terms or query.phrases or query.authors)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [expression, BROAD_QUERY_MATCHES + 1],
            )
            total = cursor.fetchone()[0]
            # A broad query (a common word over a large corpus) scores only its newest
            # matches: FTS5 walks its lists in rowid order and stops at the LIMIT, where
            # scoring every match would cost seconds.
            window = (
                ""
                if total <= BROAD_QUERY_MATCHES
                else f" ORDER BY search_fts.rowid DESC LIMIT {BROAD_QUERY_MATCHES}"
            )
            raw = BM25 if text_query else "-1.0"  # filters alone: order by the boost
            cursor.execute(
                f"SELECT s.paper_id, s.raw * {BOOST_SQL.format(a='d')} AS score FROM "
                f"(SELECT search_fts.rowid AS paper_id, {raw} AS raw FROM search_fts "
                f"WHERE search_fts MATCH %s{window}) s "
                "JOIN search_searchdocument d ON d.paper_id = s.paper_id "
                "ORDER BY score, d.year DESC, s.paper_id DESC LIMIT %s OFFSET %s",
                [expression, limit, offset],
            )
            rows = cursor.fetchall()
            words_only = match_expression(
                replace(query, venues=(), year_from=None, year_to=None, has_summary=False)
            )
            snippets = _snippets(cursor, words_only, [pk for pk, _ in rows]) if text_query else {}
        return Page([Hit(pk, -score, snippets.get(pk, "")) for pk, score in rows], total)

    def _corrected(self, query: ParsedQuery) -> ParsedQuery | None:
        """Typo fallback: each word the index lacks is swapped for its nearest indexed word.

        The index holds Porter stems, so a word is compared with each candidate stem
        at the stem's length (±1): "resdual" reaches "residu" (from "residual").
        PostgreSQL uses trigram similarity on titles instead.
        """
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


def _snippets(cursor, expression: str, paper_ids: list[int]) -> dict[int, str]:
    """Highlighted fragments for one page of hits (snippet() is too costly for every match)."""
    if not paper_ids:
        return {}
    marks = ", ".join(["%s"] * len(paper_ids))
    cursor.execute(
        # char(2)/char(3) are the MARK_START/MARK_END snippet markers.
        "SELECT rowid, snippet(search_fts, -1, char(2), char(3), '…', 24) FROM search_fts "
        f"WHERE search_fts MATCH %s AND rowid IN ({marks})",
        [expression, *paper_ids],
    )
    return dict(cursor.fetchall())


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
