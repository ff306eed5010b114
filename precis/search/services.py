"""Search: keeping the index in step with every write, and answering queries."""

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Case, Value, When

from precis.papers.models import Paper
from precis.summaries.models import Summary

from . import vocabulary
from .backends import MARK_END, MARK_START, Hit, Page, backend
from .documents import build_documents
from .models import ReindexState, SearchDocument, SearchRank, boost_for
from .query import ParsedQuery, parse_query
from .snippets import readable_snippet, readable_text

BATCH = 1000
# Nobody reads result 1,001; deeper pages would only make the database count further.
MAX_PAGE_NUMBER = 50


def index_papers(paper_ids: list[int]) -> None:
    """(Re)build the search documents of these papers; papers that no longer exist are dropped.

    Idempotent. Callers on request paths use ``index_papers_soon``.
    """
    paper_ids = sorted(set(paper_ids))
    for start in range(0, len(paper_ids), BATCH):
        chunk = paper_ids[start : start + BATCH]
        with transaction.atomic():
            _write(chunk)


def _write(paper_ids: list[int]) -> None:
    """Replace the documents of these papers, and move the vocabulary's counts with them."""
    # Two writes of one paper at once would both count its old words out: the second
    # waits here for the first to commit, then reads what the first stored.
    list(Paper.objects.select_for_update().filter(pk__in=paper_ids).order_by("pk").values("pk"))
    documents = build_documents(paper_ids)
    before = vocabulary.stored_words(paper_ids)
    backend().write(documents, paper_ids)
    vocabulary.record_change(
        removed=before, added=[vocabulary.document_words(d) for d in documents]
    )


def index_papers_soon(paper_ids: list[int]) -> None:
    """Re-index after the current transaction commits, in the background task queue."""
    from .tasks import index_papers_task

    ids = sorted(set(paper_ids))
    if ids:
        transaction.on_commit(lambda: index_papers_task.enqueue(ids))


def remove_papers(paper_ids: list[int]) -> None:
    """Forget papers (before they are deleted, e.g. merged into another)."""
    paper_ids = sorted(set(paper_ids))
    with transaction.atomic():
        vocabulary.record_change(removed=vocabulary.stored_words(paper_ids))
        backend().delete(paper_ids)


def refresh_scores(paper_id: int) -> None:
    """After a vote: the ranking boost changes, the indexed text does not."""
    # The paper's kept standing, written with the vote (summaries.models.restate_papers).
    best = Paper.objects.filter(pk=paper_id).values_list("best_wilson", flat=True).first()
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
        vocabulary.forget_all()
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
            _write(ids)
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
    hit: Hit  # its snippet made readable (no raw LaTeX)
    best_summary: Summary | None
    summary_count: int = 0  # listed summaries, less those by people the reader muted
    marked_title: str = ""  # the title with the query's words marked, when it matched

    @property
    def title_html(self):
        return replace(self.hit, snippet=self.marked_title).snippet_html


@dataclass
class Results:
    query: ParsedQuery
    results: list[Result]
    total: int
    total_is_capped: bool
    corrected: bool  # the typed text found nothing: these are the results of ``searched_text``
    identifier_paper: Paper | None = None
    total_is_estimated: bool = False  # "about 780,000": the database's estimate
    searched_text: str = ""  # the text whose results these are: the typed or corrected one
    did_you_mean: str = ""  # the typed text found very little: this corrected text may do better


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
    engine = backend()
    page: Page = engine.search(query, limit=page_size, offset=offset)
    searched_text, corrected, did_you_mean = text, False, ""
    # Typos are looked for only when a query finds (almost) nothing, and only among its
    # rare words (see search.vocabulary): nothing is added to a query that did well.
    correction = (
        vocabulary.corrected_query(query)
        if page.total <= vocabulary.FEW_RESULTS and not page.estimated
        else None
    )
    if correction:
        better_query, found = correction
        better_text = corrected_text(text, found)
        better = (
            engine.search(better_query, limit=page_size, offset=offset) if not page.total else None
        )
        if better is not None and better.hits:
            page, searched_text, corrected = better, better_text, True
        elif page.total:
            did_you_mean = better_text
    return Results(
        query,
        _results(page.hits, user),
        page.total,
        page.total_is_capped,
        corrected,
        total_is_estimated=page.estimated,
        searched_text=searched_text,
        did_you_mean=did_you_mean,
    )


def corrected_text(text: str, corrections: dict[str, str]) -> str:
    """``text`` as typed, each corrected word replaced where it stands (filters, quotes
    and the order of words kept)."""
    for typo, word in corrections.items():
        pattern = re.compile(rf"(?<![\w:]){re.escape(typo)}(?!\w)", re.IGNORECASE)
        if not pattern.search(text):  # typed with accents or in another normal form
            text = vocabulary.fold(unicodedata.normalize("NFKC", text))
        text = pattern.sub(word, text)
    return " ".join(text.split())


def suggest(text: str, *, limit: int = 8) -> list[Paper]:
    query = parse_query(text)
    if not query.terms:
        return []
    hits = backend().suggest(
        query, limit=limit, completions=vocabulary.completions(query.terms[-1])
    )
    papers = Paper.objects.select_related("venue").in_bulk([hit.paper_id for hit in hits])
    return [papers[hit.paper_id] for hit in hits if hit.paper_id in papers]


def _results(hits: list[Hit], user) -> list[Result]:
    """The papers and best listed summaries (none by people ``user`` muted) behind a page
    of hits, in a constant number of queries."""
    ids = [hit.paper_id for hit in hits]
    papers = Paper.objects.with_authors().in_bulk(ids)
    best: dict[int, Summary] = {}
    counts: Counter[int] = Counter()
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
            counts[summary.paper_id] += 1
    results = []
    for hit in hits:
        if hit.paper_id not in papers:
            continue
        if hit.paper_id in quoting_muted:
            hit = _snippet_from_paper(hit, papers[hit.paper_id])
        hit = replace(hit, snippet=readable_snippet(hit.snippet))
        title = readable_text(papers[hit.paper_id].title)
        marked_title = ""
        if _only_the_title(hit.snippet, title):
            # Shown just above it anyway: the page shows the best summary's opening
            # instead, and the title with its words highlighted when the snippet is all of it.
            if _plain(hit.snippet) == " ".join(title.split()):
                marked_title = hit.snippet
            hit = replace(hit, snippet="")
        results.append(
            Result(
                papers[hit.paper_id],
                hit,
                best.get(hit.paper_id),
                counts[hit.paper_id],
                marked_title,
            )
        )
    return results


def _plain(snippet: str) -> str:
    return " ".join(snippet.replace(MARK_START, "").replace(MARK_END, "").strip(" …—").split())


def _only_the_title(snippet: str, title: str) -> bool:
    """Whether a snippet quotes nothing but the (readable) title."""
    plain = _plain(snippet)
    return not plain or plain in " ".join(title.split())


def _snippet_from_paper(hit: Hit, paper: Paper) -> Hit:
    """``hit``, without its snippet unless every fragment of it is the paper's own text."""
    own = " ".join(f"{paper.title} — {paper.abstract}".split())
    plain = hit.snippet.replace(MARK_START, "").replace(MARK_END, "")
    fragments = [" ".join(part.split()) for part in plain.split("…")]
    if all(fragment in own for fragment in fragments if fragment):
        return hit
    return replace(hit, snippet="")
