"""Ways into the catalogue besides venues: an author's papers, a topic's papers, co-authors.

Every function returns a queryset, a list built in one query, or (a topic's papers) a
sequence that reads only the slice a page asks for, so pages that use them make a
constant number of queries whatever the number of papers.
"""

import re

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, QuerySet, Window

from precis.core.paginators import cached_count
from precis.summaries.models import Summary

from . import topics
from .models import Author, Paper, PaperAuthor, RelatedPaper

CO_AUTHORS_SHOWN = 15
RELATED_SHOWN = 6

# Human names of common arXiv categories (https://arxiv.org/category_taxonomy).
ARXIV_CATEGORIES = {
    "cs.AI": "Artificial Intelligence",
    "cs.CC": "Computational Complexity",
    "cs.CL": "Computation and Language",
    "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision and Pattern Recognition",
    "cs.CY": "Computers and Society",
    "cs.DB": "Databases",
    "cs.DC": "Distributed, Parallel, and Cluster Computing",
    "cs.DS": "Data Structures and Algorithms",
    "cs.GR": "Graphics",
    "cs.GT": "Computer Science and Game Theory",
    "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval",
    "cs.IT": "Information Theory",
    "cs.LG": "Machine Learning",
    "cs.LO": "Logic in Computer Science",
    "cs.MA": "Multiagent Systems",
    "cs.NE": "Neural and Evolutionary Computing",
    "cs.NI": "Networking and Internet Architecture",
    "cs.PL": "Programming Languages",
    "cs.RO": "Robotics",
    "cs.SD": "Sound",
    "cs.SE": "Software Engineering",
    "cs.SI": "Social and Information Networks",
    "stat.AP": "Statistics Applications",
    "stat.CO": "Statistical Computation",
    "stat.ME": "Statistical Methodology",
    "stat.ML": "Machine Learning (Statistics)",
    "stat.TH": "Statistics Theory",
    "math.CO": "Combinatorics",
    "math.NA": "Numerical Analysis",
    "math.OC": "Optimization and Control",
    "math.PR": "Probability",
    "math.ST": "Statistics Theory (Mathematics)",
    "eess.AS": "Audio and Speech Processing",
    "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing",
    "eess.SY": "Systems and Control",
    "q-bio.NC": "Neurons and Cognition",
    "q-bio.QM": "Quantitative Methods",
    "physics.comp-ph": "Computational Physics",
    "physics.data-an": "Data Analysis, Statistics and Probability",
    "cond-mat.dis-nn": "Disordered Systems and Neural Networks",
    "cond-mat.stat-mech": "Statistical Mechanics",
    "quant-ph": "Quantum Physics",
    "hep-th": "High Energy Physics – Theory",
    "astro-ph": "Astrophysics",
    "econ.EM": "Econometrics",
    "q-fin.ST": "Statistical Finance",
}


def category_label(code: str) -> str:
    """The human name of an arXiv category, or "" when we do not know it."""
    return ARXIV_CATEGORIES.get(code, "")


CATEGORY_CODE = re.compile(r"^[a-z]+(-[a-z]+)?(\.[A-Za-z]+(-[a-z]+)?)?$")
_CATEGORY_BY_LOWER = {code.lower(): code for code in ARXIV_CATEGORIES}


def canonical_category(name: str) -> str:
    """The known category code ``name`` spells in another case (cs.lg → cs.LG), or ""."""
    return _CATEGORY_BY_LOWER.get(name.lower(), "")


def looks_like_category(name: str) -> bool:
    """Whether ``name`` is shaped like an arXiv category code: cs.LG, hep-th, physics.comp-ph."""
    return name in ARXIV_CATEGORIES or ("." in name and bool(CATEGORY_CODE.match(name)))


# --- Lists of papers ------------------------------------------------------------


def summaries_first(papers: QuerySet) -> QuerySet:
    """``papers`` with listed summaries first, best summary first; then the rest, newest first.

    Each paper gets ``summary_count`` and ``best`` (the Wilson bound of its best listed
    summary, None without one). The authors and venue of each come in two more queries.
    """
    return for_cards(
        papers.annotate(best=F("best_wilson"), summary_count=F("listed_summaries")).order_by(
            F("best").desc(nulls_last=True),
            F("year").desc(nulls_last=True),
            "title",
            "pk",
        )
    )


def for_cards(papers: QuerySet) -> QuerySet:
    """``papers`` with what a paper card shows: the venue, and the authors in order."""
    return papers.select_related("venue").prefetch_related(
        Prefetch(
            "paper_authors",
            queryset=PaperAuthor.objects.select_related("author").order_by("position"),
        )
    )


def papers_of_author(author: Author) -> QuerySet:
    # A subquery, not a join: an author listed twice on a paper must not double its counts.
    return summaries_first(
        Paper.objects.filter(pk__in=PaperAuthor.objects.filter(author=author).values("paper"))
    )


class TopicPapers:
    """The papers on a topic, for a Paginator: summarised ones first, then the rest.

    Sorting every paper of a large topic by its best summary would cost what the topic
    holds on every page (half the catalogue for cs.LG). So the list is two parts, and
    each is asked only for the slice a page shows, as paper ids:
    - the summarised papers, grouped from the topic's listed summaries: best summary
      first, then the most summarised, then the newest;
    - the rest, down the topic's (topic, year, paper) index: newest first.
    The total is a count of that index's range; the page's papers come by id.
    """

    def __init__(self, name: str):
        self.topic_rows = topics.rows_on(name)
        listed = Summary.objects.listed().filter(paper_id__in=self.topic_rows.values("paper_id"))
        self.summarised = (
            listed.values("paper_id")
            # How many summarised papers there are, on every row at no extra cost: the
            # grouped rows are all made for the sort anyway.
            .annotate(best=Max("wilson"), summary_count=Count("pk"), total=Window(Count("*")))
            .order_by("-best", "-summary_count", "-paper_id")
            .values_list("paper_id", "best", "summary_count", "total")
        )
        self.summarised_papers = listed.values("paper_id").distinct()
        self.rest = (
            self.topic_rows.exclude(
                Exists(Summary.objects.listed().filter(paper_id=OuterRef("paper_id")))
            )
            .order_by("-year", "-paper_id")
            .values_list("paper_id", flat=True)
        )

    def count(self) -> int:
        return cached_count(self.topic_rows)

    def __getitem__(self, window: slice) -> list[Paper]:
        start, stop = window.start or 0, window.stop
        found = list(self.summarised[start:stop])
        if found:
            summarised = found[0][3]
        else:  # the window is past the summarised papers (or there are none)
            summarised = cached_count(self.summarised_papers) if start else 0
        rows = [(pk, best, count) for pk, best, count, _ in found]
        if stop > summarised:
            rest = self.rest[max(start - summarised, 0) : stop - summarised]
            rows += [(pk, None, 0) for pk in rest]
        by_id = for_cards(Paper.objects.all()).in_bulk([pk for pk, _, _ in rows])
        papers = []
        for pk, best, count in rows:
            if paper := by_id.get(pk):  # None: merged away since the ids were read
                paper.best, paper.summary_count = best, count
                papers.append(paper)
        return papers


def papers_on_topic(name: str) -> TopicPapers:
    """Papers with ``name`` among their arXiv categories or keywords, in any case."""
    return TopicPapers(name)


def co_authors(author: Author, *, limit: int = CO_AUTHORS_SHOWN) -> list[Author]:
    """Who wrote most papers with ``author``, each with ``shared`` (their papers together)."""
    papers = PaperAuthor.objects.filter(author=author).values("paper")
    return list(
        # The filter precedes the annotation, so only the shared papers are counted.
        Author.objects.filter(paper_links__paper__in=papers)
        .exclude(pk=author.pk)
        .annotate(shared=Count("paper_links__paper", distinct=True))
        .order_by("-shared", "name", "pk")[:limit]
    )


def related_papers(paper: Paper, *, limit: int = RELATED_SHOWN) -> list[RelatedPaper]:
    """The stored related papers of ``paper``, best first, in one query (never computed here)."""
    return list(
        RelatedPaper.objects.filter(paper=paper)
        .select_related("related__venue")
        .order_by("-score", "related_id")[:limit]
    )
