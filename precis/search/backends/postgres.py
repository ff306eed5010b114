"""PostgreSQL: weighted tsvectors on a narrow side table with GIN.

The document row (search_searchdocument) keeps the text and computes the weighted
vector as a generated column; each write copies that vector, with the filters as
index words, the filter columns and the ranking boost, into search_searchrank, the
only table a query reads until it has its page of hits. The planner's estimate of a
query's matches (from the lexeme frequencies ANALYZE keeps for the vector column)
picks the plan:

- at most BROAD_QUERY_MATCHES: GIN finds every match; all are ranked and counted;
- a common word (WALK_FRACTION of all papers or more): walk the papers most popular
  first (the index on boost) until CANDIDATES match, rank those by text, and give
  the estimate as the total ("about 780,000 papers"); never a GIN bitmap of a
  common word's every match, which alone costs over 100 ms at 1M papers;
- in between: GIN finds and counts every match; the CANDIDATES most popular are
  ranked by text.
"""

import json
import re

from django.db import connection, transaction

from precis.papers.bulk import RowBuilder, equals_any, insert_rows

from ..models import SearchDocument
from ..query import ParsedQuery
from . import BROAD_QUERY_MATCHES, COUNT_CAP, Hit, Page, rounded
from .filters import filter_sql, filter_tag_groups

DOCUMENT_ROWS = RowBuilder(SearchDocument)
# A broad query ranks this many of its most popular matches by text.
CANDIDATES = 100
# ... found among at most this many papers, most popular first; a query the planner
# wrongly thought broad stops here and is answered the narrow way...
SCAN_LIMIT = 5_000
# ... or, with a phrase, from the matches among this many newest papers.
PHRASE_SCAN = 10_000
# The walk is tried when the planner expects at least this share of papers to match
# (a page's worth within SCAN_LIMIT papers).
WALK_FRACTION = 20 / SCAN_LIMIT
LEXEME = re.compile(r"[^\w]+", re.UNICODE)
HEADLINE_OPTIONS = (
    'StartSel=\x02, StopSel=\x03, MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'
)
# The boost is models.boost_for, in SQL.
RANK_INSERT = (
    "INSERT INTO search_searchrank (paper_id, boost, year, venue_key, has_summary, vector) "
    "SELECT d.paper_id, 1.0 + d.best_wilson + CASE WHEN d.summary_count > 0 THEN 0.25 ELSE 0 END, "
    "d.year, d.venue_key, d.summary_count > 0, d.vector || to_tsvector('simple', d.tags) "
    "FROM search_searchdocument d "
    "WHERE d.paper_id "
)


def filters_tsquery(query: ParsedQuery) -> tuple[str, list]:
    """The filters as a tsquery of the index words the side table's vector carries."""
    groups = filter_tag_groups(query)
    return (
        " && ".join(["to_tsquery('simple', %s)"] * len(groups)),
        [" | ".join(group) for group in groups],
    )


def tsquery(
    query: ParsedQuery,
    *,
    prefix_last: bool = False,
    phrases_as_words: bool = False,
    completions=(),
) -> tuple[str, list]:
    """A tsquery SQL expression and its parameters; user text only ever travels as parameters."""
    parts: list[str] = []
    params: list = []
    for index, term in enumerate(query.terms):
        if prefix_last and index == len(query.terms) - 1:
            words = [w for w in LEXEME.split(term.lower()) if w]
            if words:
                alternatives = ["to_tsquery('simple', %s)"]
                params.append(" & ".join(f"{w}:*" for w in words))
                for word in completions:
                    alternatives.append("plainto_tsquery('english', %s)")
                    params.append(word)
                parts.append("(" + " || ".join(alternatives) + ")")
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
        if documents:
            with connection.cursor() as cursor:
                among, ids = equals_any(d.paper_id for d in documents)
                cursor.execute(RANK_INSERT + among, [ids])

    def delete(self, paper_ids: list[int]) -> None:
        if paper_ids:
            among, ids = equals_any(paper_ids)
            with connection.cursor() as cursor:
                for table in ("search_searchrank", "search_searchdocument"):
                    cursor.execute(f"DELETE FROM {table} WHERE paper_id {among}", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchrank")
            cursor.execute("DELETE FROM search_searchdocument")

    def optimize(self) -> None:
        """Planner statistics: the lexeme frequencies that tell broad queries from narrow."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
            cursor.execute("ANALYZE search_searchrank")

    def search(self, query: ParsedQuery, *, limit: int, offset: int) -> Page:
        expression, params = tsquery(query)
        if expression and _only_stop_words(expression, params):
            # "few" matches nothing (GIN would read its whole index to find that out),
            # and is no typo: no similar titles either.
            return Page([], 0)
        return self._search(query, expression, params, limit=limit, offset=offset)

    def suggest(self, query: ParsedQuery, *, limit: int, completions=()) -> list[Hit]:
        """Titles with every word, the last one as typed so far or completed to one of
        ``completions`` (whole words, stemmed as the titles were)."""
        expression, params = tsquery(query, prefix_last=True, completions=completions)
        if not expression:
            return []
        where, filter_params = filter_sql(query)
        sql = (
            f"SELECT r.paper_id, ts_rank(r.vector, q) * r.boost AS score "
            f"FROM search_searchrank r, (SELECT {expression}) AS query(q) "
            f"WHERE r.vector @@ q {''.join(' AND ' + w for w in where)} "
            "ORDER BY score DESC, r.paper_id DESC LIMIT %s"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, [*params, *filter_params, limit])
            return [Hit(pk, score) for pk, score in cursor.fetchall()]

    def _search(self, query, expression, params, *, limit, offset) -> Page:
        if not expression:
            where, filter_params = filter_sql(query)
            return self._browse(where, filter_params, limit=limit, offset=offset)
        # Filters are index words in the vector too, so GIN intersects them with the
        # words without reading rows. The tsquery is written out in the condition (not
        # joined from a subquery) so the planner sees it and estimates its matches from
        # the column's statistics; ranking uses the words alone.
        filters, filter_params = filters_tsquery(query)
        condition = f"r.vector @@ ({' && '.join(filter(None, [expression, filters]))})"
        condition_params = [*params, *filter_params]
        with transaction.atomic(), connection.cursor() as cursor:
            # JIT compiling costs 100+ ms, more than any of these statements takes.
            cursor.execute("SET LOCAL jit = off")
            estimate = _estimated_rows(cursor, condition, condition_params)
            page = None
            # Walk the popular papers (of the venue, with venue:x) only where enough of
            # them match to fill a page; a query between narrow and that ranks its
            # matches' popular few.
            if estimate > BROAD_QUERY_MATCHES and (
                query.venues or estimate >= _papers(cursor) * WALK_FRACTION
            ):
                page = self._walk(
                    cursor, expression, params, condition, condition_params, limit, offset,
                    estimate=estimate, columns=filter_sql(query),
                )  # fmt: skip
            if page is None:
                page = self._ranked(
                    cursor, expression, params, condition, condition_params, limit, offset,
                    popular_first=estimate > BROAD_QUERY_MATCHES,
                )  # fmt: skip
            ranked, total, estimated = page
            snippets = self._headlines(cursor, expression, params, [pk for pk, _ in ranked])
        hits = [Hit(pk, score, snippets.get(pk, "")) for pk, score in ranked]
        return Page(hits, total, estimated=estimated)

    @staticmethod
    def _walk(
        cursor, expression, params, condition, condition_params, limit, offset, *, estimate,
        columns,
    ):  # fmt: skip
        """A broad query: its CANDIDATES most popular matches, found by walking the papers
        most popular first (never a GIN bitmap of every match of a common word), ranked by
        text; its total is the planner's estimate. None when too few turn up to fill the
        page, unless the query has a phrase (see PHRASE_SCAN)."""
        want = max(CANDIDATES, offset + limit)
        rows = _matches_among(
            cursor, "r.boost DESC, r.paper_id DESC", SCAN_LIMIT, expression, params,
            condition, condition_params, want, columns,
        )  # fmt: skip
        if len(rows) >= min(offset + limit, CANDIDATES):
            return rows[offset : offset + limit], rounded(max(estimate, len(rows))), True
        if not query_has_phrase(expression):
            return None
        # The planner counts a phrase as its words anywhere, so a phrase of two common
        # words looks broad however rare it is, and GIN would have to check every paper
        # with both words: look at the newest PHRASE_SCAN papers instead.
        rows = _matches_among(
            cursor, "r.paper_id DESC", PHRASE_SCAN, expression, params, condition,
            condition_params, None, columns,
        )  # fmt: skip
        papers = _papers(cursor)
        if papers <= PHRASE_SCAN:
            return rows[offset : offset + limit], len(rows), False
        return rows[offset : offset + limit], rounded(len(rows) * papers // PHRASE_SCAN), True

    @staticmethod
    def _ranked(
        cursor, expression, params, condition, condition_params, limit, offset, *, popular_first
    ):
        """A narrow query: every match ranked by text, and counted. ``popular_first``:
        only the CANDIDATES most popular matches are ranked by text."""
        # GIN finds the matches; walking the boost index instead (to skip the sort)
        # would read every paper, as the count needs them all.
        cursor.execute("SET LOCAL enable_indexscan = off")
        if popular_first:
            cursor.execute(
                f"SELECT c.paper_id, ts_rank(c.vector, q) * c.boost AS score, c.total FROM ("
                "SELECT r.paper_id, r.vector, r.boost, count(*) OVER () AS total "
                f"FROM search_searchrank r WHERE {condition} "
                f"ORDER BY r.boost DESC, r.paper_id DESC LIMIT %s) c, (SELECT {expression}) "
                "AS query(q) ORDER BY score DESC, c.paper_id DESC LIMIT %s OFFSET %s",
                [*condition_params, max(CANDIDATES, offset + limit), *params, limit, offset],
            )
        else:
            cursor.execute(
                f"SELECT r.paper_id, ts_rank(r.vector, q) * r.boost AS score, count(*) OVER () "
                f"FROM search_searchrank r, (SELECT {expression}) AS query(q) WHERE {condition} "
                "ORDER BY score DESC, r.paper_id DESC LIMIT %s OFFSET %s",
                [*params, *condition_params, limit, offset],
            )
        rows = cursor.fetchall()
        if rows:
            total = rows[0][2]
        else:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_searchrank r WHERE {condition} "
                "LIMIT %s) AS capped",
                [*condition_params, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
        return [(pk, score) for pk, score, _ in rows], total, False

    @staticmethod
    def _browse(where, params, *, limit, offset) -> Page:
        """Filters without words: the best-summarised papers first."""
        condition = " AND ".join(where) or "TRUE"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT r.paper_id FROM search_searchrank r WHERE {condition} "
                "ORDER BY r.boost DESC, r.paper_id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_searchrank r WHERE {condition} "
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


def query_has_phrase(expression: str) -> bool:
    return "phraseto_tsquery" in expression


def _matches_among(
    cursor, order, scan, expression, params, condition, condition_params, want, columns
) -> list[tuple[int, float]]:
    """The matches among the first ``scan`` papers in ``order`` that pass the column
    filters ``columns`` (the first ``want`` matches, if given), best first by text score
    times boost. The inner LIMIT makes the plan walk an index in that order and stop;
    with venue:x, the index of that venue's papers."""
    where, where_params = columns
    # Only an index can serve the walk in order and stop early (with venue:x the
    # planner would rather read every paper of the venue and sort them).
    cursor.execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off")
    cursor.execute(
        f"SELECT c.paper_id, ts_rank(c.vector, q) * c.boost AS score FROM ("
        f"SELECT r.paper_id, r.vector, r.boost FROM (SELECT r.paper_id, r.vector, r.boost "
        f"FROM search_searchrank r WHERE {' AND '.join(where) or 'TRUE'} "
        f"ORDER BY {order} LIMIT %s) r WHERE {condition} ORDER BY {order} "
        f"LIMIT %s) c, (SELECT {expression}) AS query(q) ORDER BY score DESC, c.paper_id DESC",
        [*where_params, scan, *condition_params, want, *params],
    )
    rows = cursor.fetchall()
    cursor.execute("SET LOCAL enable_bitmapscan = on; SET LOCAL enable_seqscan = on")
    return rows


def _only_stop_words(expression: str, params: list) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT numnode({expression})", params)
        return not cursor.fetchone()[0]


def _papers(cursor) -> int:
    """About how many papers are indexed (kept by ANALYZE and VACUUM)."""
    cursor.execute(
        "SELECT reltuples::bigint FROM pg_class WHERE oid = 'search_searchrank'::regclass"
    )
    return max(cursor.fetchone()[0], 0)


def _estimated_rows(cursor, condition: str, params: list) -> int:
    """How many rows the planner expects to match (from ANALYZE's lexeme frequencies)."""
    cursor.execute(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchrank r WHERE {condition}", params
    )
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
