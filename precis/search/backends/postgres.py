"""PostgreSQL: a generated, weighted tsvector column with GIN, and pg_trgm for typos."""

import re

from django.db import connection

from precis.papers.bulk import RowBuilder, insert_rows

from ..models import SearchDocument
from ..query import ParsedQuery
from . import COUNT_CAP, Hit, Page
from .filters import BOOST_SQL, filter_sql

DOCUMENT_ROWS = RowBuilder(SearchDocument)
LEXEME = re.compile(r"[^\w]+", re.UNICODE)
HEADLINE_OPTIONS = (
    'StartSel=\x02, StopSel=\x03, MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'
)


def tsquery(query: ParsedQuery, *, prefix_last: bool = False) -> tuple[str, list]:
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
        parts.append("phraseto_tsquery('english', %s)")
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
        if expression:
            source = f"search_searchdocument d, (SELECT {expression}) AS query(q)"
            where = ["d.vector @@ q", *where]
            score = f"ts_rank_cd(d.vector, q, 1) * {BOOST_SQL.format(a='d')}"
            order = "score DESC, d.paper_id"
        else:
            source, params = "search_searchdocument d", []
            score = "0.0"
            order = (
                "d.best_wilson DESC, d.summary_count DESC, d.year DESC NULLS LAST, d.paper_id DESC"
            )
        condition = " AND ".join(where) or "TRUE"
        all_params = [*params, *filter_params]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.paper_id, {score} AS score FROM {source} WHERE {condition} "
                f"ORDER BY {order} LIMIT %s OFFSET %s",
                [*all_params, limit, offset],
            )
            ranked = cursor.fetchall()
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {condition} LIMIT %s) AS capped",
                [*all_params, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
            snippets = self._headlines(cursor, expression, params, [pk for pk, _ in ranked])
        return Page([Hit(pk, score, snippets.get(pk, "")) for pk, score in ranked], total)

    @staticmethod
    def _headlines(cursor, expression, params, paper_ids) -> dict[int, str]:
        """Highlighted fragments for one page of hits only (ts_headline is costly)."""
        if not expression or not paper_ids:
            return {}
        cursor.execute(
            "SELECT d.paper_id, ts_headline('english', d.title || ' — ' || d.abstract || ' ' "
            f"|| d.summaries, q, %s) FROM search_searchdocument d, (SELECT {expression}) AS query(q) "
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
