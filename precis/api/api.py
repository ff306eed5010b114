"""The JSON API, /api/v1/: thin endpoints; schema in, service call, schema out.

Every endpoint names its auth: ``PUBLIC`` (anyone; a token or session identifies
the caller) or ``WRITE`` (a write-scope token, or the session with CSRF).
"""

import hashlib
import json

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI, Query, Router, Status
from ninja.renderers import JSONRenderer

from precis.accounts.models import User
from precis.accounts.views import with_public_record
from precis.core import generations
from precis.core.siteurl import site_url
from precis.discussions import services as discussions
from precis.discussions.models import Answer, Comment, Question
from precis.lib import identifiers, ratelimit
from precis.papers.models import Paper, Venue
from precis.search import services as search_services
from precis.summaries import services as summaries
from precis.summaries.models import Summary

from . import errors, panel, schemas, services
from .auth import PUBLIC, WRITE, limit_action
from .errors import BadRequest
from .findings import router as findings_router
from .pagination import MAX_LIMIT, paginate

LOOKUP_MAX_AGE_SECONDS = 300
LOOKUP_CACHE_SECONDS = 30  # server-side: a new summary shows up in lookups within this


class Renderer(JSONRenderer):
    json_dumps_params = {"separators": (",", ":")}


class PrecisAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Built once per process and prefix: the schema depends only on the code, and
        building it takes a few hundred milliseconds that any visitor could ask for."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._schemas[path_prefix]

    _schemas: dict = {}


api = PrecisAPI(
    title="Precis API",
    version="1",
    description="Read and write paper summaries. See docs/api.md.",
    urls_namespace="api",
    docs_url=None,  # /api/v1/docs is our own page: ninja's loads Swagger UI from a CDN
    renderer=Renderer(),
)
errors.install(api)


def _responses(ok, *codes):
    """Documented answers: ``ok`` plus errors. Any call may send a bad token (401) or
    run into the rate limit (429)."""
    return {**ok, **dict.fromkeys((*codes, 401, 429), schemas.Error)}


def _not_found(what: str):
    raise Http404(f"No such {what}.")


def _paper(paper_id: int) -> Paper:
    paper = Paper.objects.with_authors().filter(pk=paper_id).first()
    return paper or _not_found("paper")


def _viewable_summary(request, summary_id: int) -> Summary:
    summary = (
        Summary.objects.viewable_by(request.user).for_display(request.user, with_paper=False)
        .filter(pk=summary_id).first()
    )  # fmt: skip
    return summary or _not_found("summary")


def _identifier(arxiv, doi, dblp) -> tuple[str, str]:
    try:
        return services.parse_identifier({"arxiv": arxiv, "doi": doi, "dblp": dblp})
    except identifiers.InvalidIdentifier as exc:
        loc = ["query", exc.scheme] if exc.scheme else ["query"]
        raise BadRequest(str(exc), loc=loc) from None


# --- health and lookup --------------------------------------------------------


@api.get("/health", auth=PUBLIC, response=_responses({200: schemas.Health}), tags=["meta"])
def health(request):
    """A constant answer, for monitoring and as a benchmark baseline."""
    return {"ok": True}


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match"
    response["Access-Control-Max-Age"] = "86400"
    return response


@api.get(
    "/lookup",
    auth=PUBLIC,
    response=_responses({200: schemas.LookupOut, 304: None}, 400, 429),
    tags=["lookup"],
    url_name="lookup",
)
def lookup(request, arxiv: str | None = None, doi: str | None = None, dblp: str | None = None):
    """For browser extensions: is this paper summarised here? Cacheable for 5 minutes, CORS-open."""
    scheme, value = _identifier(arxiv, doi, dblp)
    # Extensions ask about the same popular papers over and over: the answer is kept
    # for a short while (the response itself may be cached for 5 minutes anyway).
    # The answer holds absolute URLs, which follow the host asked when SITE_URL is unset.
    cache_key = f"api:lookup:{generations.current()}:{site_url()}:{scheme}:{value}"
    content = cache.get(cache_key)
    if content is None:
        content = _lookup_content(scheme, value)
        cache.set(cache_key, content, LOOKUP_CACHE_SECONDS)
    etag = 'W/"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    candidates = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in candidates or "*" in candidates:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={LOOKUP_MAX_AGE_SECONDS}"
    response["Vary"] = "Origin"
    return _cors(response)


def _lookup_content(scheme: str, value: str) -> bytes:
    found = services.lookup(scheme, value)
    paper, best = found.paper, found.best
    body = {
        "found": paper is not None,
        "id": paper.pk if paper else None,
        "url": schemas.absolute(paper.get_absolute_url()) if paper else None,
        "title": paper.title if paper else None,
        "summary_count": found.summary_count,
        "question_count": found.question_count,
        "open_finding_count": found.open_finding_count,
        "best_summary": {
            "excerpt_html": best.excerpt_html,
            "panel_html": panel.panel_excerpt(best.excerpt_html),
            "url": schemas.absolute(best.get_absolute_url()),
            "score": best.score,
        }
        if best
        else None,
        "links": _lookup_links(scheme, value, paper),
    }
    return json.dumps(body, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


def _lookup_links(scheme: str, value: str, paper) -> dict:
    """Where the extension's links go: pages of this site, each a plain GET (the
    extension sends no cookies, so whatever writes happens on the site itself)."""
    if paper is None:
        # The identifier's own address imports the paper and opens its page.
        return {"add": schemas.absolute(reverse(f"papers:{scheme}", args=[value]))}
    page = schemas.absolute(paper.get_absolute_url())
    return {
        "read": page,
        "write": schemas.absolute(reverse("summaries:write", args=[paper.pk])),
        "request": page + "#summaries-heading",
        "questions": page + "#questions",
        "collect": schemas.absolute(reverse("collections:collect", args=[paper.pk])),
    }


@api.api_operation(["OPTIONS"], "/lookup", auth=PUBLIC, include_in_schema=False)
def lookup_preflight(request):
    return _cors(HttpResponse(status=204))


# --- papers -------------------------------------------------------------------

papers = Router(tags=["papers"])


@papers.get("/by-id", auth=PUBLIC, response=_responses({200: schemas.PaperOut}, 400, 404, 429))
def paper_by_identifier(
    request, arxiv: str | None = None, doi: str | None = None, dblp: str | None = None
):
    """The paper with this arXiv id, DOI or DBLP key (exactly one)."""
    scheme, value = _identifier(arxiv, doi, dblp)
    paper = services.find_paper(scheme, value)
    if paper is None:
        raise Http404(f"No paper with {scheme} {value} is known here.")
    return schemas.paper_out(paper)


@papers.get("", auth=PUBLIC, response=_responses({200: schemas.PaperPage}, 400, 422, 429))
def list_papers(
    request,
    venue: str | None = None,
    year: int | None = Query(None, ge=1000, le=9999),
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
):
    """Papers by title, optionally of one venue and year."""
    qs = Paper.objects.with_authors()
    if venue:
        qs = qs.filter(venue__key=venue)
    if year:
        qs = qs.filter(year=year)
    rows, next_url = paginate(request, qs, key="title", cursor=cursor, limit=limit)
    return {"results": [schemas.paper_out(p) for p in rows], "next": next_url}


@papers.get("/{int:paper_id}", auth=PUBLIC, response=_responses({200: schemas.PaperOut}, 404, 429))
def get_paper(request, paper_id: int):
    return schemas.paper_out(_paper(paper_id))


@papers.get(
    "/{int:paper_id}/summaries",
    auth=PUBLIC,
    response=_responses({200: schemas.SummaryPage}, 400, 404, 422, 429),
    tags=["summaries"],
)
def paper_summaries(
    request, paper_id: int, cursor: str | None = None, limit: int = Query(20, ge=1, le=MAX_LIMIT)
):
    """Public summaries of the paper, plus the caller's own of any visibility; best first."""
    paper = _paper(paper_id)
    qs = Summary.objects.listed_for(request.user).filter(paper=paper)
    qs = qs.for_display(request.user, with_paper=False)
    rows, next_url = paginate(
        request, qs, key="wilson", descending=True, cursor=cursor, limit=limit
    )
    return {"results": [schemas.summary_out(s, request.user) for s in rows], "next": next_url}


@papers.post(
    "/{int:paper_id}/summaries",
    auth=WRITE,
    response=_responses({200: schemas.SummaryOut}, 401, 403, 404, 422, 429),
    tags=["summaries"],
)
def save_summary(request, paper_id: int, data: schemas.SummaryIn):
    """Create or replace the caller's summary of the paper (one per writer and paper)."""
    limit_action(request, ratelimit.SUMMARY_SAVE)
    summary = summaries.save_summary(
        author=request.user,
        paper=_paper(paper_id),
        source=data.source,
        visibility=data.visibility,
        anonymous=data.anonymous,
    )
    return schemas.summary_out(_viewable_summary(request, summary.pk), request.user)


@papers.get(
    "/{int:paper_id}/questions",
    auth=PUBLIC,
    response=_responses({200: schemas.QuestionPage}, 400, 404, 422, 429),
    tags=["questions"],
)
def paper_questions(
    request, paper_id: int, cursor: str | None = None, limit: int = Query(20, ge=1, le=MAX_LIMIT)
):
    paper = _paper(paper_id)
    qs = (
        Question.objects.visible_to(request.user)
        .filter(paper=paper)
        .with_answer_counts()
        .select_related("author")
    )
    rows, next_url = paginate(
        request, qs, key="created_at", descending=True, cursor=cursor, limit=limit
    )
    return {"results": [schemas.question_out(q) for q in rows], "next": next_url}


@papers.post(
    "/{int:paper_id}/questions",
    auth=WRITE,
    response=_responses({200: schemas.QuestionOut}, 401, 403, 404, 422, 429),
    tags=["questions"],
)
def ask_question(request, paper_id: int, data: schemas.QuestionIn):
    limit_action(request, ratelimit.QUESTION)
    question = discussions.ask_question(
        author=request.user, paper=_paper(paper_id), title=data.title, source=data.source
    )
    return schemas.question_out(question)


# --- summaries ----------------------------------------------------------------

summary_router = Router(tags=["summaries"])


@summary_router.get(
    "/{int:summary_id}", auth=PUBLIC, response=_responses({200: schemas.SummaryOut}, 404, 429)
)
def get_summary(request, summary_id: int):
    """A public or unlisted summary, or one of the caller's own."""
    return schemas.summary_out(_viewable_summary(request, summary_id), request.user)


def _own_summary(request, summary_id: int) -> Summary:
    # Someone else's summary is "not found", whether or not it could be seen.
    return get_object_or_404(Summary.objects.filter(author=request.user), pk=summary_id)


@summary_router.patch(
    "/{int:summary_id}",
    auth=WRITE,
    response=_responses({200: schemas.SummaryOut}, 401, 403, 404, 422, 429),
)
def update_summary(request, summary_id: int, data: schemas.SummaryPatch):
    limit_action(request, ratelimit.SUMMARY_SAVE)
    summary = _own_summary(request, summary_id)
    summaries.save_summary(
        author=request.user,
        paper=summary.paper,
        source=summary.source if data.source is None else data.source,
        visibility=data.visibility or summary.visibility,
        anonymous=summary.anonymous if data.anonymous is None else data.anonymous,
    )
    return schemas.summary_out(_viewable_summary(request, summary_id), request.user)


@summary_router.delete(
    "/{int:summary_id}",
    auth=WRITE,
    response=_responses({204: None}, 401, 403, 404, 429),
)
def delete_summary(request, summary_id: int):
    """Soft delete: hidden everywhere; saving it again brings it back."""
    limit_action(request, ratelimit.SUMMARY_SAVE)
    summaries.delete_summary(summary=_own_summary(request, summary_id), editor=request.user)
    return Status(204, None)


@summary_router.post(
    "/{int:summary_id}/vote",
    auth=WRITE,
    response=_responses({200: schemas.SummaryOut}, 401, 403, 404, 422, 429),
)
def vote(request, summary_id: int, data: schemas.VoteIn):
    """+1, -1, or 0 to take a vote back. Writers cannot vote on their own summaries."""
    limit_action(request, ratelimit.VOTE)
    summary = _viewable_summary(request, summary_id)
    summaries.cast_vote(voter=request.user, summary=summary, value=data.value)
    return schemas.summary_out(_viewable_summary(request, summary_id), request.user)


@summary_router.get(
    "/{int:summary_id}/comments",
    auth=PUBLIC,
    response=_responses({200: schemas.CommentPage}, 400, 404, 422, 429),
    tags=["comments"],
)
def summary_comments(
    request, summary_id: int, cursor: str | None = None, limit: int = Query(50, ge=1, le=MAX_LIMIT)
):
    """Comments oldest first; deleted ones appear as placeholders (no author, no text)."""
    summary = _viewable_summary(request, summary_id)
    qs = Comment.objects.filter(summary=summary).select_related("author")
    rows, next_url = paginate(request, qs, key="created_at", cursor=cursor, limit=limit)
    return {
        "results": [schemas.comment_out(c, summary, request.user) for c in rows],
        "next": next_url,
    }


@summary_router.post(
    "/{int:summary_id}/comments",
    auth=WRITE,
    response=_responses({200: schemas.CommentOut}, 401, 403, 404, 422, 429),
    tags=["comments"],
)
def post_comment(request, summary_id: int, data: schemas.CommentIn):
    limit_action(request, ratelimit.COMMENT)
    summary = _viewable_summary(request, summary_id)
    parent = None
    if data.parent_id is not None:
        parent = Comment.objects.filter(pk=data.parent_id, summary=summary).first()
        if parent is None:
            raise BadRequest(
                "parent_id is not a comment on this summary.", loc=["body", "parent_id"]
            )
    comment = discussions.post_comment(
        author=request.user, summary=summary, source=data.source, parent=parent
    )
    return schemas.comment_out(comment, summary, request.user)


# --- questions ----------------------------------------------------------------

question_router = Router(tags=["questions"])


def _question(request, question_id: int) -> Question:
    question = (
        Question.objects.visible_to(request.user).with_answer_counts().select_related("author")
        .filter(pk=question_id).first()
    )  # fmt: skip
    return question or _not_found("question")


@question_router.get(
    "/{int:question_id}", auth=PUBLIC, response=_responses({200: schemas.QuestionDetail}, 404, 429)
)
def get_question(request, question_id: int):
    """A question with its answers, the accepted one first, then by score."""
    question = _question(request, question_id)
    answers = (
        Answer.objects.visible_to(request.user).filter(question=question).select_related("author")
    )
    return {
        **schemas.question_out(question),
        "answers": [schemas.answer_out(a, question) for a in answers.best_first(question)],
    }


@question_router.post(
    "/{int:question_id}/answers",
    auth=WRITE,
    response=_responses({200: schemas.AnswerOut}, 401, 403, 404, 422, 429),
)
def post_answer(request, question_id: int, data: schemas.AnswerIn):
    limit_action(request, ratelimit.QUESTION)
    question = _question(request, question_id)
    answer = discussions.post_answer(author=request.user, question=question, source=data.source)
    return schemas.answer_out(answer, question)


# --- venues, people, search ---------------------------------------------------

venue_router = Router(tags=["venues"])


def _venues():
    return Venue.objects.annotate(paper_count=Count("papers"))


@venue_router.get("", auth=PUBLIC, response=_responses({200: schemas.VenuePage}, 400, 422, 429))
def list_venues(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=MAX_LIMIT)):
    rows, next_url = paginate(request, _venues(), key="key", cursor=cursor, limit=limit)
    return {"results": [schemas.venue_out(v) for v in rows], "next": next_url}


@venue_router.get("/{key}", auth=PUBLIC, response=_responses({200: schemas.VenueOut}, 404, 429))
def get_venue(request, key: str):
    venue = _venues().filter(key=key).first()
    return schemas.venue_out(venue or _not_found("venue"))


user_router = Router(tags=["people"])


@user_router.get("/{username}", auth=PUBLIC, response=_responses({200: schemas.UserOut}, 404, 429))
def get_user(request, username: str):
    """A public profile. ``summary_count`` counts listed summaries under the person's name only."""
    person = with_public_record(User.objects.public()).filter(username=username).first()
    if person is None:
        _not_found("user")
    return {
        **schemas.user_ref(person),
        "bio": person.bio,
        "orcid": person.orcid,
        "summary_count": person.summary_count,
    }


collection_router = Router(tags=["collections"])


@collection_router.get(
    "/{collection_id}", auth=PUBLIC, response=_responses({200: schemas.CollectionOut}, 404, 429)
)
def get_collection(request, collection_id: int):
    """A collection the caller may see (public, unlisted, or their own), with its items in order."""
    from django.db.models import Prefetch

    from precis.collections.models import Collection, CollectionItem

    collection = (
        Collection.objects.visible_to(request.user)
        .select_related("owner")
        .prefetch_related(
            "sections",
            Prefetch(
                "items",
                queryset=CollectionItem.objects.select_related(
                    "section", "summary"
                ).prefetch_related(Prefetch("paper", queryset=Paper.objects.with_authors())),
            ),
        )
        .filter(pk=collection_id)
        .first()
    )
    if collection is None:
        _not_found("collection")
    # Linked only while the caller could find it on a listing, as on the collection page.
    findable = set(
        Summary.objects.listed_for(request.user)
        .filter(pk__in=[item.summary_id for item in collection.items.all() if item.summary_id])
        .values_list("pk", flat=True)
    )
    sections = sorted(collection.sections.all(), key=lambda section: section.position)
    order = {section.pk: index for index, section in enumerate(sections)}
    items = sorted(
        collection.items.all(),
        key=lambda item: (-1 if item.section_id is None else order[item.section_id], item.position),
    )
    return {
        "id": collection.pk,
        "title": collection.title,
        "url": schemas.absolute(collection.get_absolute_url()),
        "owner": schemas.user_ref(collection.owner),
        "visibility": collection.visibility,
        "description_html": collection.description_html,
        "sections": [section.title for section in sections],
        "items": [
            {
                "paper": schemas.paper_out(item.paper),
                "section": item.section.title if item.section else None,
                "note_html": item.note_html,
                "summary_url": schemas.absolute(item.summary.get_absolute_url())
                if item.summary_id in findable
                else None,
            }
            for item in items
        ],
    }


@user_router.get(
    "/{username}/collections",
    auth=PUBLIC,
    response=_responses({200: schemas.CollectionPage}, 400, 404, 422, 429),
)
def user_collections(
    request, username: str, cursor: str | None = None, limit: int = Query(20, ge=1, le=MAX_LIMIT)
):
    """A person's public collections (all of them when the caller is that person)."""
    from precis.collections.models import Collection

    person = User.objects.public().filter(username=username).first() or _not_found("user")
    collections = (
        Collection.objects.listed_for(request.user)
        .filter(owner=person)
        .annotate(item_count=Count("items"))
    )

    def out(collection):
        return {
            "id": collection.pk,
            "title": collection.title,
            "url": schemas.absolute(collection.get_absolute_url()),
            "item_count": collection.item_count,
        }

    rows, next_url = paginate(
        request, collections, key="updated_at", descending=True, cursor=cursor, limit=limit
    )
    return {"results": [out(collection) for collection in rows], "next": next_url}


@api.get(
    "/search",
    auth=PUBLIC,
    response=_responses({200: schemas.SearchPage}, 422, 429),
    tags=["search"],
)
def search(
    request,
    q: str = Query(..., max_length=500),
    page: int = Query(1, ge=1, le=100),
    limit: int = Query(20, ge=1, le=50),
):
    """Full-text search with the site's query syntax; each paper with its best public summary."""
    found = search_services.search(q, user=request.user, page_size=limit, page_number=page)
    if found.identifier_paper is not None:
        paper = Paper.objects.with_authors().get(pk=found.identifier_paper.pk)
        best = (
            Summary.objects.listed().filter(paper=paper).for_display(request.user, with_paper=False)
            .best_first().first()
        )  # fmt: skip
        results = [(paper, best)]
        total = 1
    else:
        results = [(r.paper, r.best_summary) for r in found.results]
        total = found.total
    next_url = None
    if page * limit < total and results:
        params = request.GET.copy()
        params["page"] = str(page + 1)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {
        "total": total,
        "results": [
            {
                "paper": schemas.paper_out(paper),
                "best_summary": schemas.summary_out(best, request.user) if best else None,
            }
            for paper, best in results
        ],
        "next": next_url,
    }


api.add_router("/papers", papers)
api.add_router("/summaries", summary_router)
api.add_router("/questions", question_router)
api.add_router("/venues", venue_router)
api.add_router("/users", user_router)
api.add_router("/collections", collection_router)
api.add_router("", findings_router)  # /papers/{id}/findings, /findings/{id}: findings.py
