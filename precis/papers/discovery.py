"""Ways into the catalogue besides venues: an author's papers, a topic's papers, co-authors.

Every function returns a queryset (or a list built in one query), so pages that use them
make a constant number of queries whatever the number of papers.
"""

import json
import re

from django.db import connection
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from precis.summaries.models import listed_q

from .models import Author, Paper, PaperAuthor, RelatedPaper

# Only listed summaries (public, not deleted) may be counted or shown to others.
LISTED_SUMMARY = listed_q("summaries__")
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


# --- JSON list membership, portable across SQLite and PostgreSQL --------------


def json_list_contains(field: str, value: str, *, case_sensitive: bool = True) -> Q:
    """Papers whose JSON list ``field`` has ``value`` as one of its items.

    PostgreSQL has a real containment operator (``@>``, usable by a GIN index) and Django
    exposes it as ``field__contains=[value]``. SQLite has none: Django raises
    NotSupportedError for ``__contains`` on a JSONField there. The portable fallback is a
    LIKE on the stored JSON text for the value *with its quotes* (``'"cs.LG"'``), so that
    ``cs.L`` or ``cs.LG2`` do not match; a quote inside an item is stored escaped (``\\"``)
    so the needle cannot straddle two items. The needle is serialised the way each database
    stores the text: Django writes SQLite's with ``json.dumps`` (non-ASCII as ``\\uXXXX``),
    PostgreSQL prints jsonb with the characters themselves. LIKE on SQLite ignores ASCII
    case only, so the fallback is case-insensitive there, as case-insensitive matches are
    on PostgreSQL (``UPPER(field::text) LIKE UPPER(…)``, a scan of the column).
    """
    postgres = connection.vendor == "postgresql"
    if postgres and case_sensitive:
        return Q(**{f"{field}__contains": [value]})
    needle = json.dumps(value, ensure_ascii=not postgres)
    return Q(**{f"{field}__icontains": needle})


def topic_filter(name: str) -> Q:
    """Papers on a topic: the arXiv category code ``name``, or the keyword (any case)."""
    return json_list_contains("categories", name) | json_list_contains(
        "keywords", name, case_sensitive=False
    )


# --- Lists of papers ------------------------------------------------------------


def summaries_first(papers: QuerySet) -> QuerySet:
    """``papers`` with listed summaries first, best summary first; then the rest, newest first.

    Each paper gets ``summary_count`` and ``best`` (the Wilson bound of its best listed
    summary, None without one). The authors and venue of each come in two more queries.
    """
    return (
        papers.annotate(
            best=Max("summaries__wilson", filter=LISTED_SUMMARY),
            summary_count=Count("summaries", filter=LISTED_SUMMARY),
        )
        .order_by(
            F("best").desc(nulls_last=True),
            F("year").desc(nulls_last=True),
            "title",
            "pk",
        )
        .select_related("venue")
        .prefetch_related(
            Prefetch(
                "paper_authors",
                queryset=PaperAuthor.objects.select_related("author").order_by("position"),
            )
        )
    )


def papers_of_author(author: Author) -> QuerySet:
    # A subquery, not a join: an author listed twice on a paper must not double its counts.
    return summaries_first(
        Paper.objects.filter(pk__in=PaperAuthor.objects.filter(author=author).values("paper"))
    )


def papers_on_topic(name: str) -> QuerySet:
    return summaries_first(Paper.objects.filter(topic_filter(name)))


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
