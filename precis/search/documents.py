"""Build SearchDocument rows from papers, in a constant number of queries per batch."""

import re
from collections import defaultdict

from django.db.models import Prefetch

from precis.lib.richtext import plain_text
from precis.papers.models import Paper, PaperAuthor
from precis.summaries.models import Summary

from .models import SearchDocument

# Enough of each summary for search; the full text of very long ones adds little.
SUMMARY_CHARS = 8000
# Formulas as a summary's Markdown writes them (richtext's plain text keeps their TeX
# but drops the delimiters, which snippets need to show them as readable text).
FORMULA = re.compile(
    r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<![\\$])\$([^$]+?)\$"
    r"|^```math\s*\n(.+?)^```",
    re.DOTALL | re.MULTILINE,
)
# What only TeX has: a formula without any of it ("$k$") reads fine as it is.
TEX_MARKUP = re.compile(r"[\\^_{}]")


def summary_text(source: str) -> str:
    """A summary's text for the index: plain text, each formula between ``\\(`` and
    ``\\)`` so that search snippets can show it readably (search.snippets)."""
    text = plain_text(source, max_chars=SUMMARY_CHARS)
    formulas = set()
    for match in FORMULA.finditer(source):
        tex = " ".join(next(group for group in match.groups() if group is not None).split())
        if TEX_MARKUP.search(tex):
            formulas.add(tex.strip("`").strip())
    if not formulas:
        return text
    pattern = re.compile("|".join(re.escape(f) for f in sorted(formulas, key=len, reverse=True)))
    return pattern.sub(lambda match: f"\\({match.group()}\\)", text)


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
                summaries="\n".join(summary_text(source) for source, _ in texts),
                venue_key=paper.venue.key if paper.venue else "",
                venue_name=paper.venue.name if paper.venue else "",
                year=paper.year,
                summary_count=len(texts),
                tags=filter_tags(paper.venue.key if paper.venue else "", paper.year, len(texts)),
                best_wilson=max((wilson for _, wilson in texts), default=0.0),
            )
        )
    return documents
