"""PostgreSQL: a generated, weighted tsvector column with GIN, and pg_trgm for typos."""

import re

from django.db import connection, transaction

from precis.papers.bulk import RowBuilder, insert_rows

from ..models import SearchDocument
from ..query import ParsedQuery
from . import BROAD_QUERY_MATCHES, COUNT_CAP, Hit, Page
from .filters import BOOST_SQL, filter_sql

DOCUMENT_ROWS = RowBuilder(SearchDocument)
RERANKED = 200  # matches re-ranked with the full text after the cheap title ordering
PROBE_SAMPLE = 20_000  # GIN rows enough to tell a broad query from a narrow one
LEXEME = re.compile(r"[^\w]+", re.UNICODE)
HEADLINE_OPTIONS = (
    'StartSel=\x02, StopSel=\x03, MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'
)


def tsquery(
    query: ParsedQuery, *, prefix_last: bool = False, phrases_as_words: bool = False
) -> tuple[str, list]:
    """A tsquery SQL expression and its parameters; user text only ever travels as parameters."""
    parts: list[str] = []
    params: list = []
    for index, term in enumerate(query.terms):
        if prefix_last and index == len(query.terms) - 1:
            words = [w for w in LEXEME.split(term.lower()) if w]
            if words:
                parts.append("to_tsquery('simple', %s)")
                params.append(" & ".join(f"{w}:*" for w in words))
            continue
        parts.append("plainto_tsquery('english', %s)")
        params.append(term)
    for phrase in query.phrases:
        # phrases_as_words: every word anywhere, which the GIN index answers without
        # reading positions (a cheap superset of the phrase matches).
        parts.append(f"{'plainto' if phrases_as_words else 'phraseto'}_tsquery('english', %s)")
        params.append(phrase)
    for author in query.authors:
        words = [w for w in LEXEME.split(author.lower()) if w]
        if words:  # authors carry weight B ('simple' configuration: names are not stemmed)
            parts.append("to_tsquery('simple', %s)")
            params.append(" <-> ".join(f"{w}:B" for w in words))
    if not parts:
        return "", []
    expression = " && ".join(parts)
    for word in query.excluded:
        expression = f"({expression}) && !!plainto_tsquery('english', %s)"
        params.append(word)
    return expression, params


class PostgresBackend:
    def write(self, documents: list[SearchDocument], paper_ids: list[int]) -> None:
        self.delete(paper_ids)
        insert_rows(
            SearchDocument, DOCUMENT_ROWS.columns, [DOCUMENT_ROWS.row(d) for d in documents]
        )

    def delete(self, paper_ids: list[int]) -> None:
        if paper_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM search_searchdocument WHERE paper_id = ANY(%s)", [list(paper_ids)]
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchdocument")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")

    def search(self, query: ParsedQuery, *, limit: int, offset: int) -> Page:
        expression, params = tsquery(query)
        page = self._search(query, expression, params, limit=limit, offset=offset)
        if page.hits or not query.terms:
            return page
        fallback = self._similar_titles(query, limit=limit, offset=offset)
        return Page(fallback.hits, fallback.total, corrected=True) if fallback.hits else page

    def suggest(self, query: ParsedQuery, *, limit: int) -> list[Hit]:
        expression, params = tsquery(query, prefix_last=True)
        if not expression:
            return []
        where, filter_params = filter_sql(query)
        sql = (
            f"SELECT d.paper_id, ts_rank(d.vector, q) * {BOOST_SQL.format(a='d')} AS score "
            f"FROM search_searchdocument d, (SELECT {expression}) AS query(q) "
            f"WHERE d.vector @@ q {''.join(' AND ' + w for w in where)} ORDER BY score DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *filter_params, limit])
            return [Hit(pk, score) for pk, score in cursor.fetchall()]

    def _search(self, query, expression, params, *, limit, offset) -> Page:
        where, filter_params = filter_sql(query)
        if not expression:
            return self._browse(where, filter_params, limit=limit, offset=offset)
        source = f"search_searchdocument d, (SELECT {expression}) AS query(q)"
        condition = " AND ".join(["d.vector @@ q", *where])
        all_params = [*params, *filter_params]
        probe, probe_params = tsquery(query, phrases_as_words=True)
        with transaction.atomic(), connection.cursor() as cursor:
            # Only "more than BROAD_QUERY_MATCHES or not" matters here, so GIN need not
            # walk the whole posting list of a common word.
            cursor.execute(f"SET LOCAL gin_fuzzy_search_limit = {PROBE_SAMPLE}")
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_searchdocument d, (SELECT {probe}) "
                f"AS query(q) WHERE {condition} LIMIT %s) AS capped",
                [*probe_params, *filter_params, BROAD_QUERY_MATCHES + 1],
            )
            total = cursor.fetchone()[0]
            if total <= BROAD_QUERY_MATCHES:
                cursor.execute("SET LOCAL gin_fuzzy_search_limit = 0")  # exact from here on
            else:
                # A broad query: rank a sample of the matches, not all of them. GIN's soft
                # limit caps the rows its scan returns; the planner must use that scan.
                cursor.execute(f"SET LOCAL gin_fuzzy_search_limit = {BROAD_QUERY_MATCHES}")
                cursor.execute("SET LOCAL enable_seqscan = off")
            # Two stages: order every match by the small title-and-authors vector, then
            # re-rank the leading few with the full vector (which lives in TOAST).
            cursor.execute(
                f"WITH head_ranked AS (SELECT d.paper_id, d.vector, {BOOST_SQL.format(a='d')} AS boost, q "
                f"FROM {source} WHERE {condition} "
                f"ORDER BY ts_rank(d.head_vector, q) * {BOOST_SQL.format(a='d')} DESC, d.paper_id "
                f"LIMIT %s) "
                "SELECT paper_id, ts_rank(vector, q) * boost AS score FROM head_ranked "
                "ORDER BY score DESC, paper_id LIMIT %s OFFSET %s",
                [*all_params, RERANKED + offset, limit, offset],
            )
            ranked = cursor.fetchall()
            snippets = self._headlines(cursor, expression, params, [pk for pk, _ in ranked])
        return Page([Hit(pk, score, snippets.get(pk, "")) for pk, score in ranked], total)

    @staticmethod
    def _browse(where, params, *, limit, offset) -> Page:
        """Filters without words: the best-summarised papers first."""
        condition = " AND ".join(where) or "TRUE"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.paper_id FROM search_searchdocument d WHERE {condition} "
                "ORDER BY d.best_wilson DESC, d.summary_count DESC, d.year DESC NULLS LAST, "
                "d.paper_id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_searchdocument d WHERE {condition} "
                "LIMIT %s) AS capped",
                [*params, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
        return Page([Hit(pk, 0.0) for pk in ids], total)

    @staticmethod
    def _headlines(cursor, expression, params, paper_ids) -> dict[int, str]:
        """Highlighted fragments for one page of hits only (ts_headline is costly)."""
        if not expression or not paper_ids:
            return {}
        cursor.execute(
            "SELECT d.paper_id, ts_headline('english', d.title || ' — ' || d.abstract || ' ' "
            f"|| left(d.summaries, 2000), q, %s) FROM search_searchdocument d, "
            f"(SELECT {expression}) AS query(q) "
            "WHERE d.paper_id = ANY(%s)",
            [HEADLINE_OPTIONS, *params, list(paper_ids)],
        )
        return dict(cursor.fetchall())

    def _similar_titles(self, query: ParsedQuery, *, limit: int, offset: int) -> Page:
        """Typo tolerance: titles whose words are trigram-similar to the query's words."""
        text = " ".join(query.terms).lower()
        where, filter_params = filter_sql(query)
        condition = " AND ".join(["%s <%% lower(d.title)", *where])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.paper_id, word_similarity(%s, lower(d.title)) AS score, d.title "
                f"FROM search_searchdocument d WHERE {condition} "
                "ORDER BY score DESC, d.paper_id LIMIT %s OFFSET %s",
                [text, text, *filter_params, limit, offset],
            )
            rows = cursor.fetchall()
        return Page([Hit(pk, score, title) for pk, score, title in rows], len(rows))
