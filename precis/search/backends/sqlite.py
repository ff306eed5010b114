"""SQLite FTS5: an external-content index over search_searchdocument, synced explicitly.

FTS5's bm25() first counts, for every phrase of the query, the documents holding it
(a walk of its whole list: 50 ms for a word in every one of 1M papers). So bm25 ranks
only queries whose every word is rare (at most RARE_WORD_DOCUMENTS papers each); any
other query is *broad* and ranks a bounded window of its newest matches by the
SearchRank boost, a match with every word in its title counting double.
"""

from dataclasses import replace

from django.db import connection

from precis.papers.bulk import RowBuilder, insert_rows

from ..models import SearchDocument
from ..query import ParsedQuery
from . import BROAD_QUERY_MATCHES, COUNT_CAP, Hit, Page, rounded
from .filters import filter_sql, filter_tag_groups

FTS_COLUMNS = "title, authors, abstract, summaries, tags"
# bm25 weights per column: title > authors > abstract > summaries; filter tags score nothing.
BM25 = "bm25(search_fts, 10.0, 5.0, 2.0, 1.0, 0.0)"
CHUNK = 500
DOCUMENT_ROWS = RowBuilder(SearchDocument)
# A query whose every word is in at most this many papers is ranked exactly by bm25.
RARE_WORD_DOCUMENTS = BROAD_QUERY_MATCHES
# A broad query ranks its newest this-many matches among the newest SPAN papers (by
# id): a phrase of two common words, or a word with filters, may match one paper in a
# thousand, and FTS5 would check the positions of every paper with those words.
WINDOW = BROAD_QUERY_MATCHES
SPAN = 100_000
# Every query word in the title counts this many times the boost of a match elsewhere.
TITLE_FACTOR = 2.0
# The boost is models.boost_for, in SQL.
RANK_INSERT = (
    "INSERT INTO search_searchrank (paper_id, boost, year, venue_key, has_summary) "
    "SELECT paper_id, 1.0 + best_wilson + CASE WHEN summary_count > 0 THEN 0.25 ELSE 0 END, "
    "year, venue_key, summary_count > 0 FROM search_searchdocument WHERE paper_id IN ({marks})"
)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def match_expression(
    query: ParsedQuery, *, prefix_last: bool = False, in_title: bool = False
) -> str:
    """An FTS5 MATCH string built only from quoted tokens, so user input cannot break it.

    Filters become words of the ``tags`` column (see search.documents.filter_tags).
    ``in_title``: the words and phrases must all be in the title.
    """
    parts = [_quoted(term) for term in query.terms]
    if prefix_last and parts:
        parts[-1] += "*"
    parts += [_quoted(phrase) for phrase in query.phrases]
    if in_title and parts:
        parts = ["title : (" + " AND ".join(parts) + ")"]
    parts += [f"authors : {_quoted(author)}" for author in query.authors]
    parts += _filter_parts(query)
    if not parts:
        return ""
    expression = " AND ".join(parts)
    for word in query.excluded:
        expression = f"({expression}) NOT {_quoted(word)}"
    return expression


def _filter_parts(query: ParsedQuery) -> list[str]:
    return [
        "tags : (" + " OR ".join(_quoted(tag) for tag in group) + ")"
        for group in filter_tag_groups(query)
    ]


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
                cursor.execute(RANK_INSERT.format(marks=marks), chunk)

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
                for table in ("search_searchrank", "search_searchdocument"):
                    cursor.execute(f"DELETE FROM {table} WHERE paper_id IN ({marks})", chunk)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchrank")
            cursor.execute("DELETE FROM search_searchdocument")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def search(self, query: ParsedQuery, *, limit: int, offset: int) -> Page:
        return self._search(query, match_expression(query), limit=limit, offset=offset)

    def suggest(self, query: ParsedQuery, *, limit: int, completions=()) -> list[Hit]:
        """Titles with every word, the last one as typed so far or completed to one of
        ``completions`` (whole words, which the tokenizer stems as it stemmed titles)."""
        words = [_quoted(term) for term in query.terms]
        if not words:
            return []
        words[-1] = "(" + " OR ".join([words[-1] + "*", *map(_quoted, completions)]) + ")"
        expression = " AND ".join(["title : (" + " AND ".join(words) + ")", *_filter_parts(query)])
        sql = (
            f"SELECT s.paper_id, s.raw * r.boost AS score FROM "
            f"(SELECT rowid AS paper_id, {BM25} AS raw FROM search_fts WHERE search_fts MATCH %s "
            f"ORDER BY rowid DESC LIMIT {BROAD_QUERY_MATCHES}) s "
            "JOIN search_searchrank r ON r.paper_id = s.paper_id ORDER BY score LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, limit])
            return [Hit(paper_id, -score) for paper_id, score in cursor.fetchall()]

    def _search(self, query: ParsedQuery, expression: str, *, limit: int, offset: int) -> Page:
        if not expression:
            return Page([], 0)
        words_only = match_expression(
            replace(query, venues=(), year_from=None, year_to=None, has_summary=False)
        )
        with connection.cursor() as cursor:
            text = bool(query.terms or query.phrases or query.authors)
            if not (text or query.excluded):
                return _browse(cursor, query, expression, limit=limit, offset=offset)
            estimated = False
            if text and _all_words_rare(cursor, query):
                rows, total = _ranked(cursor, query, words_only, limit=limit, offset=offset)
            else:
                rows, total, estimated = _broad(
                    cursor, query, expression, limit=limit, offset=offset
                )
            snippets = _snippets(cursor, words_only, [pk for pk, _ in rows]) if text else {}
        hits = [Hit(pk, score, snippets.get(pk, "")) for pk, score in rows]
        return Page(hits, total, estimated=estimated)


def _all_words_rare(cursor, query: ParsedQuery) -> bool:
    """Whether every word of the query is in at most RARE_WORD_DOCUMENTS papers (each
    probe stops there), which is when bm25's per-phrase counting is cheap."""
    words = [*query.terms, *query.excluded]
    for text in (*query.phrases, *query.authors):
        words += text.split()
    for word in dict.fromkeys(words):
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
            [_quoted(word), RARE_WORD_DOCUMENTS + 1],
        )
        if cursor.fetchone()[0] > RARE_WORD_DOCUMENTS:
            return False
    return True


def _ranked(cursor, query: ParsedQuery, words_only: str, *, limit: int, offset: int):
    """Every match of a query of rare words, ranked by bm25 and the boost; filters
    come from the SearchRank row (the index words of filters are common words too)."""
    where, params = filter_sql(query)
    cursor.execute(
        "SELECT s.paper_id, s.raw * r.boost AS score, count(*) OVER () FROM "
        f"(SELECT search_fts.rowid AS paper_id, {BM25} AS raw FROM search_fts "
        "WHERE search_fts MATCH %s) s JOIN search_searchrank r ON r.paper_id = s.paper_id "
        f"{''.join(' AND ' + w for w in where)} "
        "ORDER BY score, r.year DESC, s.paper_id DESC LIMIT %s OFFSET %s",
        [words_only, *params, limit, offset],
    )
    rows = cursor.fetchall()
    if rows:
        total = rows[0][2]
    else:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT search_fts.rowid AS paper_id FROM search_fts "
            "WHERE search_fts MATCH %s) s JOIN search_searchrank r ON r.paper_id = s.paper_id "
            f"{''.join(' AND ' + w for w in where)}",
            [words_only, *params],
        )
        total = cursor.fetchone()[0]
    return [(pk, -score) for pk, score, _ in rows], total


def _broad(cursor, query: ParsedQuery, expression: str, *, limit: int, offset: int):
    """A query with a common word: its newest WINDOW matches among the newest SPAN papers
    (FTS5 walks its lists newest first and stops), ranked by the boost, those with
    every word in the title counting TITLE_FACTOR times (found by a second walk over the
    same stretch of rowids). Returns the page, the total and whether it is estimated."""
    cursor.execute(
        "SELECT (SELECT min(paper_id) FROM search_searchrank), "
        "(SELECT max(paper_id) FROM search_searchrank)"
    )
    low, high = cursor.fetchone()
    spread = (high - low + 1) if high is not None else 0
    floor = high - SPAN + 1 if spread > SPAN else 0
    cursor.execute(
        "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s "
        "AND rowid >= %s LIMIT %s)",
        [expression, floor, COUNT_CAP + 1],
    )
    total = cursor.fetchone()[0]
    estimated = bool(floor) and total <= COUNT_CAP
    if estimated:  # counted among the newest SPAN papers only
        total = max(rounded(total * spread // SPAN), total)
    cursor.execute(
        "WITH newest AS (SELECT rowid AS paper_id FROM search_fts WHERE search_fts MATCH %s "
        "AND rowid >= %s ORDER BY rowid DESC LIMIT %s), "
        "titled AS (SELECT rowid AS paper_id FROM search_fts WHERE search_fts MATCH %s "
        "AND rowid >= (SELECT min(paper_id) FROM newest)) "
        "SELECT w.paper_id, CASE WHEN w.paper_id IN (SELECT paper_id FROM titled) THEN %s "
        "ELSE 1.0 END * r.boost AS score FROM newest w "
        "JOIN search_searchrank r ON r.paper_id = w.paper_id "
        "ORDER BY score DESC, w.paper_id DESC LIMIT %s OFFSET %s",
        [
            expression, floor, WINDOW, match_expression(query, in_title=True), TITLE_FACTOR,
            limit, offset,
        ],
    )  # fmt: skip
    return cursor.fetchall(), total, estimated


def _browse(cursor, query: ParsedQuery, expression: str, *, limit: int, offset: int) -> Page:
    """Filters without words: the best-summarised papers first (the boost index), counted
    by intersecting the filters' index words."""
    where, params = filter_sql(query)
    cursor.execute(
        f"SELECT r.paper_id FROM search_searchrank r WHERE {' AND '.join(where) or '1'} "
        "ORDER BY r.boost DESC, r.paper_id DESC LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    ids = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
        [expression, COUNT_CAP + 1],
    )
    return Page([Hit(pk, 0.0) for pk in ids], cursor.fetchone()[0])


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


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]
