"""The JSON shapes of the API, and the presenters that fill them from models.

``summary_out`` and ``comment_out`` name writers only as
``summaries.presenting.as_seen_by`` and ``Comment.author_shown_to`` allow: an
anonymous summary's writer is left out for everyone but that writer.
"""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from precis.core.siteurl import site_url
from precis.summaries.presenting import as_seen_by


def absolute(path: str) -> str:
    return f"{site_url()}{path}"


class Error(Schema):
    detail: str
    errors: list[dict] = Field(default_factory=list)


class Health(Schema):
    ok: bool


class VenueRef(Schema):
    key: str
    name: str


class VenueOut(VenueRef):
    url: str
    description: str
    paper_count: int
    page_url: str


class UserRef(Schema):
    username: str
    display_name: str
    url: str


class UserOut(UserRef):
    bio: str
    orcid: str
    summary_count: int


class PaperOut(Schema):
    id: int
    title: str
    url: str
    abstract: str
    year: int | None
    venue: VenueRef | None
    authors: list[str]
    arxiv: str | None
    doi: str | None
    dblp: str | None


class SummaryOut(Schema):
    id: int
    url: str
    paper_id: int
    author: UserRef | None = Field(
        description="null for anonymous summaries, except to their writer"
    )
    anonymous: bool
    visibility: Literal["private", "unlisted", "public"]
    source: str
    html: str
    excerpt_html: str
    upvotes: int
    downvotes: int
    score: int
    my_vote: int | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    paper_version: str | None = Field(
        description='the paper version it was written against: arXiv\'s "v2", or a Crossref '
        "record's date (2021-03-04) for a DOI-only paper; null when not known"
    )


class SummaryIn(Schema):
    source: str = Field(max_length=60_000)
    visibility: Literal["private", "unlisted", "public"] = "private"
    anonymous: bool = False


class SummaryPatch(Schema):
    source: str | None = Field(default=None, max_length=60_000)
    visibility: Literal["private", "unlisted", "public"] | None = None
    anonymous: bool | None = None


class VoteIn(Schema):
    value: Literal[1, -1, 0]


class CommentOut(Schema):
    id: int
    summary_id: int
    parent_id: int | None
    author: UserRef | None
    by_summary_writer: bool = Field(description="false when that would unmask an anonymous writer")
    html: str
    deleted: bool
    removed: bool = Field(
        default=False, description="held or hidden by moderation: a placeholder like deleted"
    )
    created_at: datetime
    edited_at: datetime | None


class CommentIn(Schema):
    source: str = Field(max_length=10_000)
    parent_id: int | None = None


class AnswerOut(Schema):
    id: int
    author: UserRef
    html: str
    score: int
    accepted: bool
    created_at: datetime


class QuestionOut(Schema):
    id: int
    url: str
    paper_id: int
    author: UserRef
    title: str
    html: str
    answer_count: int
    is_open: bool
    created_at: datetime


class QuestionDetail(QuestionOut):
    answers: list[AnswerOut]


class QuestionIn(Schema):
    title: str = Field(max_length=200)
    source: str = Field(default="", max_length=10_000)


class AnswerIn(Schema):
    source: str = Field(max_length=10_000)


class Page(Schema):
    next: str | None = Field(description="URL of the next page; null on the last page")


class PaperPage(Page):
    results: list[PaperOut]


class SummaryPage(Page):
    results: list[SummaryOut]


class CommentPage(Page):
    results: list[CommentOut]


class QuestionPage(Page):
    results: list[QuestionOut]


class VenuePage(Page):
    results: list[VenueOut]


class SearchResult(Schema):
    paper: PaperOut
    best_summary: SummaryOut | None


class SearchPage(Page):
    total: int
    results: list[SearchResult]


class BestSummary(Schema):
    excerpt_html: str
    panel_html: str = Field(
        description="A shorter excerpt (about 320 characters of text, at most 8,000 of "
        "markup) for a browser extension's panel: only p, br, em, strong, code, sub, sup, "
        "del, s, ul, ol, li, blockquote and MathML; no links, images, classes or ids"
    )
    url: str
    score: int


class CollectionItemOut(Schema):
    paper: PaperOut
    section: str | None
    note_html: str
    summary_url: str | None


class CollectionOut(Schema):
    id: int
    title: str
    url: str
    owner: UserRef
    visibility: str
    description_html: str
    sections: list[str]
    items: list[CollectionItemOut]


class CollectionRef(Schema):
    id: int
    title: str
    url: str
    item_count: int


class CollectionPage(Page):
    results: list[CollectionRef]


class LookupLinks(Schema):
    """Pages of the site, each a plain GET. A known paper has every link but ``add``;
    an unknown one only ``add`` (its identifier's address, which imports it)."""

    read: str | None = Field(None, description="the paper's page")
    write: str | None = Field(None, description="the form to write a summary of it")
    request: str | None = Field(None, description="where its page asks for a summary")
    questions: str | None = Field(None, description="its questions")
    collect: str | None = Field(None, description="add it to one of your collections")
    add: str | None = Field(None, description="import it (unknown papers only)")


class LookupOut(Schema):
    found: bool
    id: int | None
    url: str | None
    title: str | None
    summary_count: int
    question_count: int = Field(description="questions anyone may see")
    open_finding_count: int = Field(
        description="open findings (errata, reproductions, …) anyone may see"
    )
    best_summary: BestSummary | None
    links: LookupLinks


# --- presenters -------------------------------------------------------------


def user_ref(user) -> dict:
    return {
        "username": user.username,
        "display_name": user.public_name,
        "url": absolute(user.get_absolute_url()),
    }


def venue_ref(venue) -> dict | None:
    return {"key": venue.key, "name": venue.name} if venue else None


def paper_out(paper) -> dict:
    """Expects ``Paper.objects.with_authors()`` (authors and identifiers prefetched)."""
    return {
        "id": paper.pk,
        "title": paper.title,
        "url": absolute(paper.get_absolute_url()),
        "abstract": paper.abstract,
        "year": paper.year,
        "venue": venue_ref(paper.venue),
        "authors": [author.name for author in paper.ordered_authors()],
        "arxiv": paper.identifier("arxiv") or None,
        "doi": paper.identifier("doi") or None,
        "dblp": paper.identifier("dblp") or None,
    }


def summary_out(summary, user) -> dict:
    """The writer of an anonymous summary is shown only to that writer (``as_seen_by``)."""
    shown = as_seen_by(summary, user).author
    return {
        "id": summary.pk,
        "url": absolute(summary.get_absolute_url()),
        "paper_id": summary.paper_id,
        "author": user_ref(shown) if shown is not None else None,
        "anonymous": summary.anonymous,
        "visibility": summary.visibility,
        "source": summary.source,
        "html": summary.html,
        "excerpt_html": summary.excerpt_html,
        "upvotes": summary.upvotes,
        "downvotes": summary.downvotes,
        "score": summary.score,
        "my_vote": getattr(summary, "my_vote", None),
        "created_at": summary.created_at,
        "updated_at": summary.updated_at,
        "published_at": summary.published_at,
        "paper_version": summary.paper_version.label if summary.paper_version_id else None,
    }


def comment_out(comment, summary, user) -> dict:
    deleted = comment.deleted_at is not None
    removed = not comment.is_visible_to(user)
    comment.summary = summary
    shown = comment.author_shown_to(user)
    return {
        "id": comment.pk,
        "summary_id": comment.summary_id,
        "parent_id": comment.parent_id,
        "author": user_ref(shown) if shown is not None else None,
        "by_summary_writer": shown is not None and comment.author_id == summary.author_id,
        "html": "" if deleted or removed else comment.html,
        "deleted": deleted,
        "removed": removed,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }


def question_out(question) -> dict:
    return {
        "id": question.pk,
        "url": absolute(question.get_absolute_url()),
        "paper_id": question.paper_id,
        "author": user_ref(question.author),
        "title": question.title,
        "html": question.html,
        "answer_count": getattr(question, "answer_count", 0),
        "is_open": question.is_open,
        "created_at": question.created_at,
    }


def answer_out(answer, question) -> dict:
    return {
        "id": answer.pk,
        "author": user_ref(answer.author),
        "html": answer.html,
        "score": answer.score,
        "accepted": answer.pk == question.accepted_answer_id,
        "created_at": answer.created_at,
    }


def venue_out(venue) -> dict:
    return {
        **venue_ref(venue),
        "url": venue.url,
        "description": venue.description,
        "paper_count": getattr(venue, "paper_count", 0),
        "page_url": absolute(venue.get_absolute_url()),
    }
