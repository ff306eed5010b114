"""Reads the API needs that no other app offers: identifier look-ups."""

from dataclasses import dataclass

from django.db.models import Count

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


def lookup(scheme: str, value: str) -> Lookup:
    """A paper by identifier with its listed-summary count and best summary, in two queries."""
    listed = listed_q("summaries__")
    paper = (
        Paper.objects.by_identifier(scheme, value)
        .annotate(summary_count=Count("summaries", filter=listed, distinct=True))
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
    return Lookup(paper, paper.summary_count, best)
