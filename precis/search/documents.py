"""Build SearchDocument rows from papers, in a constant number of queries per batch."""

from collections import defaultdict

from django.db.models import Prefetch

from precis.lib.richtext import plain_text
from precis.papers.models import Paper, PaperAuthor
from precis.summaries.models import Summary

from .models import SearchDocument

# Enough of each summary for search; the full text of very long ones adds little.
SUMMARY_CHARS = 8000


def venue_tag(key: str) -> str:
    return "xvenue" + "".join(char for char in key.lower() if char.isalnum())


def year_tag(year: int) -> str:
    return f"xyear{year}"


HAS_SUMMARY_TAG = "xhassummary"


def filter_tags(venue_key: str, year: int | None, summary_count: int) -> str:
    tags = [venue_tag(venue_key)] if venue_key else []
    if year:
        tags.append(year_tag(year))
    if summary_count:
        tags.append(HAS_SUMMARY_TAG)
    return " ".join(tags)


def build_documents(paper_ids: list[int]) -> list[SearchDocument]:
    """Documents for the papers that exist among ``paper_ids`` (listed summaries only)."""
    papers = (
        Paper.objects.filter(pk__in=paper_ids)
        .select_related("venue")
        .prefetch_related(
            Prefetch(
                "paper_authors",
                queryset=PaperAuthor.objects.select_related("author").order_by("position"),
            )
        )
    )
    summaries = defaultdict(list)
    for paper_id, source, wilson in (
        Summary.objects.listed()
        .filter(paper_id__in=paper_ids)
        .order_by("-wilson")
        .values_list("paper_id", "source", "wilson")
    ):
        summaries[paper_id].append((source, wilson))
    documents = []
    for paper in papers:
        texts = summaries.get(paper.pk, [])
        documents.append(
            SearchDocument(
                paper_id=paper.pk,
                title=paper.title,
                authors="; ".join(link.author.name for link in paper.paper_authors.all()),
                abstract=paper.abstract,
                summaries="\n".join(
                    plain_text(source, max_chars=SUMMARY_CHARS) for source, _ in texts
                ),
                venue_key=paper.venue.key if paper.venue else "",
                venue_name=paper.venue.name if paper.venue else "",
                year=paper.year,
                summary_count=len(texts),
                tags=filter_tags(paper.venue.key if paper.venue else "", paper.year, len(texts)),
                best_wilson=max((wilson for _, wilson in texts), default=0.0),
            )
        )
    return documents
