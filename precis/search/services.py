"""Search: keeping the index in step with every write, and answering queries."""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Case, Max, Value, When

from precis.papers.models import Paper
from precis.summaries.models import Summary, listed_q

from .backends import MARK_END, MARK_START, Hit, Page, backend
from .documents import build_documents
from .models import ReindexState, SearchDocument, SearchRank, boost_for
from .query import ParsedQuery, parse_query

BATCH = 1000
# Nobody reads result 1,001; deeper pages would only make the database count further.
MAX_PAGE_NUMBER = 50


def index_papers(paper_ids: list[int]) -> None:
    """(Re)build the search documents of these papers; papers that no longer exist are dropped.

    Idempotent. Callers on request paths use ``index_papers_soon``.
    """
    paper_ids = sorted(set(paper_ids))
    engine = backend()
    for start in range(0, len(paper_ids), BATCH):
        chunk = paper_ids[start : start + BATCH]
        with transaction.atomic():
            engine.write(build_documents(chunk), chunk)


def index_papers_soon(paper_ids: list[int]) -> None:
    """Re-index after the current transaction commits, in the background task queue."""
    from .tasks import index_papers_task

    ids = sorted(set(paper_ids))
    if ids:
        transaction.on_commit(lambda: index_papers_task.enqueue(ids))


def remove_papers(paper_ids: list[int]) -> None:
    """Forget papers (before they are deleted, e.g. merged into another)."""
    backend().delete(sorted(set(paper_ids)))


def refresh_scores(paper_id: int) -> None:
    """After a vote: the ranking boost changes, the indexed text does not."""
    best = Paper.objects.filter(pk=paper_id).aggregate(
        best=Max("summaries__wilson", filter=listed_q("summaries__"))
    )["best"]
    best = best or 0.0
    SearchDocument.objects.filter(paper_id=paper_id).update(best_wilson=best)
    SearchRank.objects.filter(paper_id=paper_id).update(
        boost=Case(
            When(has_summary=True, then=Value(boost_for(best, 1))),
            default=Value(boost_for(best, 0)),
        )
    )


def reindex(*, restart: bool = False, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every document, in batches; resumes after the last batch a stopped run finished."""
    state = ReindexState.objects.order_by("-pk").first()
    if restart or state is None or state.finished_at is not None:
        state = ReindexState.objects.create()
        backend().clear()
    total = Paper.objects.count()
    while True:
        ids = list(
            Paper.objects.filter(pk__gt=state.last_paper_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            break
        with transaction.atomic():
            backend().write(build_documents(ids), ids)
            state.last_paper_id = ids[-1]
            state.papers_done += len(ids)
            state.save(update_fields=["last_paper_id", "papers_done"])
        if progress:
            progress(state.papers_done, total)
    from django.utils import timezone

    state.finished_at = timezone.now()
    state.save(update_fields=["finished_at"])
    backend().optimize()
    return state.papers_done


@dataclass
class Result:
    paper: Paper
    hit: Hit
    best_summary: Summary | None


@dataclass
class Results:
    query: ParsedQuery
    results: list[Result]
    total: int
    total_is_capped: bool
    corrected: bool
    identifier_paper: Paper | None = None
    total_is_estimated: bool = False  # "about 780,000": the database's estimate


def search(text: str, *, user, page_size: int = 20, page_number: int = 1) -> Results:
    """Papers matching ``text`` (with filters), best first, with their best public summary.

    A query that is exactly an identifier of a known paper comes back as
    ``identifier_paper`` for the caller to jump to.
    """
    query = parse_query(text)
    if query.identifier:
        scheme, value = query.identifier
        paper = Paper.objects.by_identifier(scheme, value).first()
        return Results(query, [], 0, False, False, identifier_paper=paper)
    if query.is_empty:
        return Results(query, [], 0, False, False)
    offset = (min(max(page_number, 1), MAX_PAGE_NUMBER) - 1) * page_size
    page: Page = backend().search(query, limit=page_size, offset=offset)
    return Results(
        query,
        _results(page.hits, user),
        page.total,
        page.total_is_capped,
        page.corrected,
        total_is_estimated=page.estimated,
    )


def suggest(text: str, *, limit: int = 8) -> list[Paper]:
    query = parse_query(text)
    if not query.terms:
        return []
    hits = backend().suggest(query, limit=limit)
    papers = Paper.objects.select_related("venue").in_bulk([hit.paper_id for hit in hits])
    return [papers[hit.paper_id] for hit in hits if hit.paper_id in papers]


def _results(hits: list[Hit], user) -> list[Result]:
    """The papers and best listed summaries (none by people ``user`` muted) behind a page
    of hits, in a constant number of queries."""
    ids = [hit.paper_id for hit in hits]
    papers = Paper.objects.with_authors().in_bulk(ids)
    best: dict[int, Summary] = {}
    # One document holds all of a paper's summaries, so its snippet may quote someone
    # the reader muted: there, only a snippet from the title and abstract is kept.
    quoting_muted: set[int] = set()
    summaries = (
        Summary.objects.listed()
        .marking_muted_by(user)
        .filter(paper_id__in=ids)
        .for_display(user, with_paper=False)
        .best_first()
    )
    for summary in summaries:
        if summary.by_muted:
            quoting_muted.add(summary.paper_id)
        else:
            best.setdefault(summary.paper_id, summary)
    return [
        Result(
            papers[hit.paper_id],
            _snippet_from_paper(hit, papers[hit.paper_id])
            if hit.paper_id in quoting_muted
            else hit,
            best.get(hit.paper_id),
        )
        for hit in hits
        if hit.paper_id in papers
    ]


def _snippet_from_paper(hit: Hit, paper: Paper) -> Hit:
    """``hit``, without its snippet unless every fragment of it is the paper's own text."""
    own = " ".join(f"{paper.title} — {paper.abstract}".split())
    plain = hit.snippet.replace(MARK_START, "").replace(MARK_END, "")
    fragments = [" ".join(part.split()) for part in plain.split("…")]
    if all(fragment in own for fragment in fragments if fragment):
        return hit
    return replace(hit, snippet="")
