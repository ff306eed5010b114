"""Reads the API needs that no other app offers: identifier look-ups."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from precis.discussions.models import Question
from precis.findings.services import open_count as open_finding_count
from precis.lib import identifiers
from precis.papers.models import Paper
from precis.summaries.models import Summary, listed_q

LOOKUP_SCHEMES = ("arxiv", "doi", "dblp")


def parse_identifier(values: dict[str, str | None]) -> tuple[str, str]:
    """The one (scheme, normalised value) given; raises InvalidIdentifier with a readable message."""
    given = [(scheme, value) for scheme, value in values.items() if value]
    if len(given) != 1:
        raise identifiers.InvalidIdentifier(
            "Give exactly one of arxiv=, doi= or dblp=.", scheme="", value=None
        )
    scheme, value = given[0]
    return scheme, identifiers.normalize(scheme, value)


def find_paper(scheme: str, value: str):
    return Paper.objects.with_authors().by_identifier(scheme, value).first()


@dataclass
class Lookup:
    paper: Paper | None
    summary_count: int
    best: Summary | None
    question_count: int = 0
    open_finding_count: int = 0


def _shown_question_count():
    """Questions anyone may see (not deleted, not held or hidden), as a subquery."""
    questions = (
        Question.objects.shown()
        .filter(paper_id=OuterRef("pk"))
        .order_by()
        .values("paper_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(questions, output_field=IntegerField()), Value(0))


def lookup(scheme: str, value: str) -> Lookup:
    """A paper by identifier with its listed-summary, shown-question and open-finding
    counts and its best summary, in three queries."""
    listed = listed_q("summaries__")
    paper = (
        Paper.objects.by_identifier(scheme, value)
        .annotate(
            summary_count=Count("summaries", filter=listed, distinct=True),
            question_count=_shown_question_count(),
        )
        .only("pk", "title", "slug")
        .first()
    )
    if paper is None:
        return Lookup(None, 0, None)
    best = None
    if paper.summary_count:
        best = (
            Summary.objects.listed()
            .filter(paper_id=paper.pk)
            .only("pk", "excerpt_html", "score")
            .best_first()
            .first()
        )
    return Lookup(
        paper, paper.summary_count, best, paper.question_count, open_finding_count(paper.pk)
    )
