"""A person's own writing out as JSON, and back in through the ordinary write paths.

The export names nothing by internal id: a paper is its identifiers (arXiv,
DOI, DBLP, BibTeX key) plus its title, another person's summary is its paper
and writer's username, so the file can be imported into another Precis.

Import calls the same services as the web forms (``save_summary`` once per
revision, ``post_comment`` then ``edit_comment``, ``ask_question``,
``post_answer``, ``report_finding``, ``post_reply``, the collection services,
``cast_vote``), then restores the timestamps the export carries: revision,
comment, question, answer, finding and finding reply ``created_at``, comment
``edited_at`` and summary ``published_at``. A finding's status comes back where
its reporter may set it (withdrawn, resolved); one the paper's authors or a
moderator gave it (confirmed, disputed) is reported, and a finding a moderator
deleted is not recreated. What is not exported, and so is not kept: every
``updated_at``, vote and collection times. Importing notifies followers as
posting would.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from precis.collections import services as collections
from precis.collections.models import Collection
from precis.discussions import services as discussions
from precis.discussions.models import Answer, AnswerVote, Comment, CommentRevision, Question
from precis.findings import services as findings
from precis.findings.models import Finding, FindingReply, Status
from precis.importers.base import PaperRecord
from precis.importers.names import title_key
from precis.lib import identifiers
from precis.papers.models import Identifier, Paper
from precis.papers.services import upsert_paper
from precis.summaries import services as summaries
from precis.summaries.models import Revision, Summary, Vote
from precis.summaries.presenting import as_seen_by

FORMAT = "precis-export/1"
PERMALINK = re.compile(r"/summaries/(\d{1,18})/")
# Tried in this order when finding a paper; the first scheme that matches wins.
SCHEMES = [scheme for scheme, _ in Identifier.SCHEMES]


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _restore_created(thing, item: dict) -> None:
    """Give ``thing`` (just written by a service) the ``created_at`` its export carries."""
    if item.get("created_at"):
        type(thing).objects.filter(pk=thing.pk).update(created_at=_parse_time(item["created_at"]))


def _reason(error: PermissionDenied | ValidationError) -> str:
    """What a refusal said, as a sentence (``str`` of a ValidationError is a list's repr)."""
    return "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def paper_ref(paper: Paper) -> dict:
    """How an export names a paper: its identifiers and, as a fallback, its title."""
    return {
        "identifiers": {i.scheme: i.value for i in paper.identifiers.all()},
        "title": paper.title,
    }


def _summary_ref(summary: Summary, viewer) -> dict:
    """How ``viewer``'s export names a summary, by ``as_seen_by``'s rule.

    A summary whose writer is anonymous to the viewer (or that they can no longer
    open) is named by its paper and, while it can be opened, its permalink, which
    says nothing about who wrote it.
    """
    seen = as_seen_by(summary, viewer)
    ref = {"paper": paper_ref(summary.paper), "author": seen.author_username}
    if seen.author is None:
        ref["url"] = summary.get_absolute_url() if seen.viewable else None
    return ref


def _question_ref(question: Question) -> dict:
    return {
        "paper": paper_ref(question.paper),
        "author": question.author.username,
        "title": question.title,
    }


def _finding_ref(finding: Finding, viewer) -> dict:
    """How ``viewer``'s export names a finding: its paper, reporter and title; only its
    paper once the viewer may no longer see it (deleted, held or hidden)."""
    seen = finding.deleted_at is None and finding.is_visible_to(viewer)
    return {
        "paper": paper_ref(finding.paper),
        "author": finding.author.username if seen else None,
        "title": finding.title if seen else None,
    }


def _answer_ref(answer: Answer) -> dict:
    return {
        "question": _question_ref(answer.question),
        "author": answer.author.username,
        "created_at": _time(answer.created_at),
    }


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def export_user(user) -> dict:
    """Everything ``user`` wrote, soft-deleted things included (marked), as plain JSON data."""
    papers = ("paper__identifiers",)
    own_summaries = list(
        Summary.objects.filter(author=user)
        .select_related("paper", "author")
        .prefetch_related(*papers, "revisions")
        .order_by("created_at", "pk")
    )
    comments = list(
        Comment.objects.filter(author=user)
        .select_related("summary__paper", "summary__author", "parent__author", "parent__summary")
        .prefetch_related("summary__paper__identifiers", "revisions")
        .order_by("created_at", "pk")
    )
    comment_index = {comment.pk: n for n, comment in enumerate(comments)}
    questions = list(
        Question.objects.filter(author=user)
        .select_related("paper", "author", "accepted_answer__author")
        .prefetch_related(*papers)
        .order_by("created_at", "pk")
    )
    answers = list(
        Answer.objects.filter(author=user)
        .select_related("question__paper", "question__author", "author")
        .prefetch_related("question__paper__identifiers")
        .order_by("created_at", "pk")
    )
    own_findings = (
        Finding.objects.filter(author=user)
        .select_related("paper")
        .prefetch_related(*papers)
        .order_by("created_at", "pk")
    )
    finding_replies = (
        FindingReply.objects.filter(author=user)
        .select_related("finding__paper", "finding__author")
        .prefetch_related("finding__paper__identifiers")
        .order_by("created_at", "pk")
    )
    return {
        "format": FORMAT,
        "user": user.username,
        "exported_at": _time(timezone.now()),
        "summaries": [_export_summary(summary) for summary in own_summaries],
        "comments": [_export_comment(comment, comment_index, user) for comment in comments],
        "questions": [_export_question(question) for question in questions],
        "findings": [_export_finding(finding) for finding in own_findings],
        "finding_replies": [
            {
                "finding": _finding_ref(reply.finding, user),
                "source": reply.source,
                "created_at": _time(reply.created_at),
                "deleted": reply.deleted_at is not None,
            }
            for reply in finding_replies
        ],
        "answers": [
            {
                "question": _question_ref(answer.question),
                "source": answer.source,
                "created_at": _time(answer.created_at),
                "deleted": answer.deleted_at is not None,
            }
            for answer in answers
        ],
        "collections": [_export_collection(c, user) for c in _collections_of(user)],
        "votes": [
            {"summary": _summary_ref(vote.summary, user), "value": vote.value}
            for vote in Vote.objects.filter(voter=user)
            .select_related("summary__paper", "summary__author")
            .prefetch_related("summary__paper__identifiers")
            .order_by("created_at", "pk")
        ],
        "answer_votes": [
            {"answer": _answer_ref(vote.answer), "value": vote.value}
            for vote in AnswerVote.objects.filter(voter=user)
            .select_related("answer__author", "answer__question__paper", "answer__question__author")
            .prefetch_related("answer__question__paper__identifiers")
            .order_by("created_at", "pk")
        ],
    }


def _export_summary(summary: Summary) -> dict:
    return {
        "paper": paper_ref(summary.paper),
        "visibility": summary.visibility,
        "anonymous": summary.anonymous,
        "published_at": _time(summary.published_at),
        "deleted": summary.deleted_at is not None,
        "source": summary.source,
        "revisions": [
            {
                "number": revision.number,
                "source": revision.source,
                "visibility": revision.visibility,
                "anonymous": revision.anonymous,
                "note": revision.note,
                "created_at": _time(revision.created_at),
            }
            for revision in sorted(summary.revisions.all(), key=lambda r: r.number)
        ],
    }


def _export_comment(comment: Comment, own_index: dict[int, int], viewer) -> dict:
    parent = None
    if comment.parent_id in own_index:
        parent = own_index[comment.parent_id]
    elif comment.parent is not None:
        # A reply to someone else's comment: named by its writer (as the viewer may
        # see them) and time.
        shown = comment.parent.author_shown_to(viewer)
        parent = {
            "author": shown.username if shown else None,
            "created_at": _time(comment.parent.created_at),
        }
    return {
        "summary": _summary_ref(comment.summary, viewer),
        "parent": parent,
        "source": comment.source,
        "created_at": _time(comment.created_at),
        "edited_at": _time(comment.edited_at),
        "deleted": comment.deleted_at is not None,
        "revisions": [
            {"number": r.number, "source": r.source, "created_at": _time(r.created_at)}
            for r in sorted(comment.revisions.all(), key=lambda r: r.number)
        ],
    }


def _export_question(question: Question) -> dict:
    accepted = question.accepted_answer
    return {
        "paper": paper_ref(question.paper),
        "title": question.title,
        "source": question.source,
        "created_at": _time(question.created_at),
        "deleted": question.deleted_at is not None,
        "accepted_answer": (
            {"author": accepted.author.username, "created_at": _time(accepted.created_at)}
            if accepted
            else None
        ),
    }


def _export_finding(finding: Finding) -> dict:
    return {
        "paper": paper_ref(finding.paper),
        "kind": finding.kind,
        "title": finding.title,
        "source": finding.source,
        "paper_version": finding.paper_version,
        "link_url": finding.link_url,
        "status": finding.status,
        "created_at": _time(finding.created_at),
        "deleted": finding.deleted_at is not None,
    }


def _collections_of(user):
    return (
        Collection.objects.filter(owner=user)
        .prefetch_related(
            "sections",
            "items__paper__identifiers",
            "items__summary__author",
            "items__summary__paper__identifiers",
        )
        .order_by("created_at", "pk")
    )


def _export_collection(collection: Collection, viewer) -> dict:
    sections = sorted(collection.sections.all(), key=lambda s: (s.position, s.pk))
    section_index = {section.pk: n for n, section in enumerate(sections)}
    # Unsectioned items first, then each section's, each in its own order.
    items = sorted(
        collection.items.all(),
        key=lambda i: (
            -1 if i.section_id is None else section_index[i.section_id],
            i.position,
            i.pk,
        ),
    )
    return {
        "title": collection.title,
        "description": collection.description,
        "visibility": collection.visibility,
        "sections": [section.title for section in sections],
        "items": [
            {
                "paper": paper_ref(item.paper),
                "section": section_index.get(item.section_id),
                "note": item.note,
                "summary": _summary_ref(item.summary, viewer) if item.summary else None,
            }
            for item in items
        ],
    }


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------


class NotAnExport(ValueError):
    """The file is not a Precis export this code can read."""


@dataclass
class ImportReport:
    """What an import did; ``skipped`` holds (what, why) pairs a person can act on."""

    created: dict[str, int] = field(default_factory=dict)
    papers_created: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    def skip(self, what: str, why: str) -> None:
        self.skipped.append((what, why))

    def summary(self) -> str:
        made = ", ".join(f"{n} {kind}" for kind, n in self.created.items()) or "nothing"
        return f"Imported {made}; {self.papers_created} papers created, {len(self.skipped)} skipped"


class _Importer:
    def __init__(self, user, data: dict, report: ImportReport):
        self.user = user
        self.exported_as = data.get("user")
        self.report = report
        self.papers: dict[str, Paper] = {}
        self.users: dict[str, object] = {}
        self.comments: list[Comment | None] = []

    # -- finding things ------------------------------------------------------------

    def user_named(self, username: str):
        """The user an export names; its own writer is whoever imports it."""
        if username == self.exported_as:
            return self.user
        if username not in self.users:
            self.users[username] = get_user_model().objects.filter(username=username).first()
        return self.users[username]

    def paper(self, ref: dict) -> Paper:
        """The paper ``ref`` names, found by identifier, then by title; else created."""
        ids = ref.get("identifiers") or {}
        cache_key = repr(sorted(ids.items())) + "|" + ref.get("title", "")
        if cache_key in self.papers:
            return self.papers[cache_key]
        paper = None
        for scheme in SCHEMES:
            if not ids.get(scheme):
                continue
            try:
                value = identifiers.normalize(scheme, ids[scheme])
            except identifiers.InvalidIdentifier:
                continue
            paper = Paper.objects.by_identifier(scheme, value).first()
            if paper:
                break
        if paper is None and not ids and ref.get("title"):
            matches = list(Paper.objects.filter(title_key=title_key(ref["title"]))[:2])
            paper = matches[0] if len(matches) == 1 else None
        if paper is None:
            record = PaperRecord(title=ref["title"], identifiers=dict(ids), source="import")
            paper, created = upsert_paper(record)
            self.report.papers_created += int(created)
        self.papers[cache_key] = paper
        return paper

    def summary(self, ref: dict) -> Summary | None:
        """The summary ``ref`` names: by writer and paper, or by permalink when the writer
        was anonymous to the exporter (which finds it only on the same site)."""
        if ref.get("author") is None:
            match = PERMALINK.fullmatch(ref.get("url") or "")
            if match is None:
                return None
            found = Summary.objects.viewable_by(self.user).filter(pk=int(match[1])).first()
            return found if found and found.paper_id == self.paper(ref["paper"]).pk else None
        author = self.user_named(ref["author"])
        if author is None:
            return None
        return Summary.objects.filter(author=author, paper=self.paper(ref["paper"])).first()

    def question(self, ref: dict) -> Question | None:
        author = self.user_named(ref["author"])
        if author is None:
            return None
        return (
            Question.objects.filter(author=author, paper=self.paper(ref["paper"]))
            .filter(title=ref["title"])
            .order_by("created_at", "pk")
            .first()
        )

    def finding(self, ref: dict) -> Finding | None:
        author = self.user_named(ref["author"]) if ref.get("author") else None
        if author is None or not ref.get("title"):
            return None
        return (
            Finding.objects.filter(author=author, paper=self.paper(ref["paper"]))
            .filter(title=ref["title"], deleted_at__isnull=True)
            .order_by("created_at", "pk")
            .first()
        )

    def answer(self, ref: dict) -> Answer | None:
        question = self.question(ref["question"])
        author = self.user_named(ref["author"])
        if question is None or author is None:
            return None
        return Answer.objects.filter(
            question=question, author=author, created_at=_parse_time(ref["created_at"])
        ).first()

    # -- writing -------------------------------------------------------------------

    def summaries(self, items: list[dict]) -> list[Summary]:
        made = []
        for item in items:
            paper = self.paper(item["paper"])
            revisions = sorted(item.get("revisions") or [], key=lambda r: r["number"])
            if not revisions:
                revisions = [{"source": item["source"], "note": "", "created_at": None}]
            for revision in revisions:
                before = self._last_revision_number(paper)
                summary = summaries.save_summary(
                    author=self.user,
                    paper=paper,
                    source=revision["source"],
                    visibility=revision.get("visibility", item["visibility"]),
                    anonymous=revision.get("anonymous", item["anonymous"]),
                    note=revision.get("note", ""),
                )
                if revision.get("created_at") and self._last_revision_number(paper) != before:
                    Revision.objects.filter(summary=summary, number=before + 1).update(
                        created_at=_parse_time(revision["created_at"])
                    )
            # The last revision need not carry the summary's current settings.
            summary = summaries.save_summary(
                author=self.user,
                paper=paper,
                source=item["source"],
                visibility=item["visibility"],
                anonymous=item["anonymous"],
            )
            first = revisions[0].get("created_at")
            Summary.objects.filter(pk=summary.pk).update(
                published_at=_parse_time(item.get("published_at")),
                **({"created_at": _parse_time(first)} if first else {}),
            )
            self.report.count("summaries")
            made.append(summary)
        return made

    def _last_revision_number(self, paper) -> int:
        numbers = Revision.objects.filter(summary__author=self.user, summary__paper=paper)
        return numbers.order_by("-number").values_list("number", flat=True).first() or 0

    def questions(self, items: list[dict]) -> list[Question]:
        made = []
        for item in items:
            question = discussions.ask_question(
                author=self.user,
                paper=self.paper(item["paper"]),
                title=item["title"],
                source=item.get("source", ""),
            )
            _restore_created(question, item)
            self.report.count("questions")
            made.append(question)
        return made

    def answers(self, items: list[dict]) -> list[Answer | None]:
        made: list[Answer | None] = []
        for item in items:
            question = self.question(item["question"])
            if question is None:
                self.report.skip(f"answer to “{item['question']['title']}”", "question not found")
                made.append(None)
                continue
            answer = discussions.post_answer(
                author=self.user, question=question, source=item["source"]
            )
            _restore_created(answer, item)
            self.report.count("answers")
            made.append(answer)
        return made

    def findings_(self, items: list[dict]) -> None:
        for item in items:
            what = f"finding “{item['title']}”"
            if item.get("deleted"):
                self.report.skip(what, "a moderator deleted it; it is not recreated")
                continue
            try:
                finding = findings.report_finding(
                    author=self.user,
                    paper=self.paper(item["paper"]),
                    kind=item["kind"],
                    title=item["title"],
                    source=item.get("source", ""),
                    paper_version=item.get("paper_version", ""),
                    link_url=item.get("link_url", ""),
                )
            except (PermissionDenied, ValidationError) as error:
                self.report.skip(what, _reason(error))
                continue
            _restore_created(finding, item)
            self.report.count("findings")
            self._restore_status(finding, item.get("status", Status.OPEN), what)

    def _restore_status(self, finding: Finding, status: str, what: str) -> None:
        if status == finding.status:
            return
        if status not in findings.status_choices_for(finding, self.user):
            self.report.skip(
                f"status “{status}” of {what}",
                "only the paper's authors or a moderator can give it; the finding is open",
            )
            return
        findings.change_status(finding=finding, by=self.user, to=status)

    def finding_replies(self, items: list[dict]) -> list[FindingReply | None]:
        made: list[FindingReply | None] = []
        for n, item in enumerate(items):
            what = f"reply {n + 1} to a finding"
            finding = self.finding(item["finding"])
            if finding is None:
                self.report.skip(what, "the finding was not found")
                made.append(None)
                continue
            try:
                reply = findings.post_reply(
                    author=self.user, finding=finding, source=item["source"]
                )
            except (PermissionDenied, ValidationError) as error:
                self.report.skip(what, _reason(error))
                made.append(None)
                continue
            _restore_created(reply, item)
            self.report.count("finding replies")
            made.append(reply)
        return made

    def accepted_answers(self, items: list[dict], questions: list[Question]) -> None:
        for item, question in zip(items, questions, strict=True):
            accepted = item.get("accepted_answer")
            if not accepted:
                continue
            ref = {**accepted, "question": {**item, "author": self.exported_as}}
            answer = self.answer(ref)
            if answer is None:
                self.report.skip(f"accepted answer of “{item['title']}”", "answer not found")
                continue
            discussions.accept_answer(question=question, answer=answer, by=self.user)

    def comments_(self, items: list[dict]) -> list[Comment | None]:
        made: list[Comment | None] = []
        for n, item in enumerate(items):
            what = f"comment {n + 1}"
            summary = self.summary(item["summary"])
            parent = self._parent(item.get("parent"), summary, made)
            if summary is None or parent is False:
                self.report.skip(what, "the summary or the comment it replies to was not found")
                made.append(None)
                continue
            revisions = sorted(item.get("revisions") or [], key=lambda r: r["number"])
            sources = [r["source"] for r in revisions] or [item["source"]]
            try:
                comment = discussions.post_comment(
                    author=self.user, summary=summary, source=sources[0], parent=parent
                )
                for source in sources[1:]:
                    comment = discussions.edit_comment(
                        comment=comment, editor=self.user, source=source
                    )
            except (PermissionDenied, ValidationError) as error:
                self.report.skip(what, _reason(error))
                made.append(None)
                continue
            for revision in revisions:
                CommentRevision.objects.filter(comment=comment, number=revision["number"]).update(
                    created_at=_parse_time(revision["created_at"])
                )
            Comment.objects.filter(pk=comment.pk).update(
                created_at=_parse_time(item["created_at"]),
                edited_at=_parse_time(item.get("edited_at")),
            )
            self.report.count("comments")
            made.append(comment)
        return made

    def _parent(self, ref, summary, made):
        """The comment replied to; None for a top-level one, False when it cannot be found."""
        if ref is None:
            return None
        if isinstance(ref, int):
            return made[ref] if 0 <= ref < len(made) and made[ref] is not None else False
        found = Comment.objects.filter(summary=summary, created_at=_parse_time(ref["created_at"]))
        if ref.get("author") is not None:
            found = found.filter(author=self.user_named(ref["author"]))
        return found.first() or False

    def collections_(self, items: list[dict]) -> None:
        for item in items:
            collection = collections.create_collection(
                owner=self.user,
                title=item["title"],
                description=item.get("description", ""),
                visibility=item["visibility"],
            )
            sections = [
                collections.add_section(collection=collection, title=title)
                for title in item.get("sections", [])
            ]
            for entry in item.get("items", []):
                summary = self.summary(entry["summary"]) if entry.get("summary") else None
                index = entry.get("section")
                try:
                    collections.add_item(
                        collection=collection,
                        paper=self.paper(entry["paper"]),
                        section=sections[index] if index is not None else None,
                        note=entry.get("note", ""),
                        summary=summary,
                    )
                except ValidationError as error:
                    self.report.skip(f"item of “{item['title']}”", " ".join(error.messages))
            self.report.count("collections")

    def votes(self, items: list[dict]) -> None:
        for item in items:
            summary = self.summary(item["summary"])
            if summary is None:
                self.report.skip("vote", "summary not found")
                continue
            try:
                summaries.cast_vote(voter=self.user, summary=summary, value=item["value"])
            except (PermissionDenied, ValidationError) as error:
                self.report.skip("vote", _reason(error))
                continue
            self.report.count("votes")

    def answer_votes(self, items: list[dict]) -> None:
        for item in items:
            answer = self.answer(item["answer"])
            if answer is None:
                self.report.skip("answer vote", "answer not found")
                continue
            try:
                discussions.cast_answer_vote(voter=self.user, answer=answer, value=item["value"])
            except (PermissionDenied, ValidationError) as error:
                self.report.skip("answer vote", _reason(error))
                continue
            self.report.count("answer votes")


@transaction.atomic
def import_user(user, data: dict) -> ImportReport:
    """Recreate an ``export_user`` file's content as ``user``'s; all or nothing.

    Things that refer to what no longer exists (a vote on a deleted summary, a
    reply to a comment that is gone) are skipped and reported. Deleted things
    are recreated, then deleted again, so their history comes back with them.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise NotAnExport(f"Not a {FORMAT} file.")
    report = ImportReport()
    step = _Importer(user, data, report)
    made_summaries = step.summaries(data.get("summaries", []))
    questions = step.questions(data.get("questions", []))
    answers = step.answers(data.get("answers", []))
    step.accepted_answers(data.get("questions", []), questions)
    comments = step.comments_(data.get("comments", []))
    step.findings_(data.get("findings", []))
    finding_replies = step.finding_replies(data.get("finding_replies", []))
    step.collections_(data.get("collections", []))
    step.votes(data.get("votes", []))
    step.answer_votes(data.get("answer_votes", []))
    # Deleting last: a deleted summary or comment takes no replies.
    deletions = [
        (data.get("comments", []), comments, discussions.delete_comment, "comment"),
        (data.get("finding_replies", []), finding_replies, findings.delete_reply, "reply"),
        (data.get("answers", []), answers, discussions.delete_answer, "answer"),
        (data.get("questions", []), questions, discussions.delete_question, "question"),
        (data.get("summaries", []), made_summaries, summaries.delete_summary, "summary"),
    ]
    for items, made, delete, name in deletions:
        for item, thing in zip(items, made, strict=True):
            if item.get("deleted") and thing is not None:
                delete(**{name: thing, "editor": user})
    return report
