"""The full-text index behind one interface: FTS5 on SQLite, tsvector on PostgreSQL.

Typos are corrected above the backends, from the vocabulary both share (search.vocabulary).
"""

from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Snippet markers: control characters no document contains, so the snippet text
# can be HTML-escaped first and the markers turned into <mark> afterwards.
MARK_START, MARK_END = "\x02", "\x03"
# Counting every match of a common word costs more than it tells: past this, "1,000+"
# (or, where the database can estimate it cheaply, "about 780,000").
COUNT_CAP = 1000
# Past this many matches a query is "broad" and only a bounded set of matches is
# scored (see each backend); exact ranking of every match would cost seconds at 1M papers.
BROAD_QUERY_MATCHES = 2000


@dataclass(frozen=True)
class Hit:
    paper_id: int
    score: float
    snippet: str = ""  # plain text with MARK_START/MARK_END around matched words

    @property
    def snippet_html(self) -> SafeString:
        html = escape(self.snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        return mark_safe(html)  # noqa: S308 - escaped above; only our <mark> tags are added


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    total: int  # capped at COUNT_CAP + 1, unless estimated
    estimated: bool = False  # total is the database's estimate, not a count

    @property
    def total_is_capped(self) -> bool:
        return self.total > COUNT_CAP and not self.estimated


def rounded(number: int) -> int:
    """An estimate to two significant figures: 783,412 -> 780,000."""
    scale = 10 ** max(len(str(number)) - 2, 0)
    return round(number / scale) * scale


def backend():
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SqliteBackend

    return SqliteBackend()
