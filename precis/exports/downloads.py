"""A person's own data as files: the Markdown zip and the summaries CSV.

Only what the person can see on their own pages goes in (nothing soft-deleted);
the JSON export (``services.export_user``) is the complete, re-importable one.
"""

import csv
import io
import json
import zipfile

from django.utils.text import slugify

from precis.collections import exports as collection_exports
from precis.collections.models import Collection
from precis.collections.views import contents
from precis.discussions.models import Answer, Comment, Question
from precis.feeds.feeds import absolute
from precis.findings.models import Finding, FindingReply
from precis.summaries.models import Summary

CSV_COLUMNS = [
    "title", "arxiv_id", "doi", "venue", "year", "visibility", "published", "score", "url",
]  # fmt: skip


def _own_summaries(user):
    return (
        Summary.objects.filter(author=user)
        .alive()
        .select_related("paper__venue")
        .prefetch_related("paper__identifiers")
        .order_by("-published_at", "-updated_at", "-pk")
    )


def summaries_csv(user) -> str:
    """One row per summary, with the columns the original site's export had."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for summary in _own_summaries(user):
        paper = summary.paper
        writer.writerow(
            [
                paper.title,
                paper.identifier("arxiv"),
                paper.identifier("doi"),
                paper.venue.name if paper.venue else "",
                paper.year or "",
                summary.visibility,
                summary.published_at.date().isoformat() if summary.published_at else "",
                summary.score,
                absolute(summary.get_absolute_url()),
            ]
        )
    return out.getvalue()


def _front_matter(fields: list[tuple[str, object]]) -> str:
    # JSON scalars are valid YAML, so every value is quoted and escaped correctly.
    lines = [f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in fields]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _summary_markdown(summary: Summary) -> str:
    paper = summary.paper
    fields: list[tuple[str, object]] = [("title", paper.title)]
    fields += [(i.scheme, i.value) for i in paper.identifiers.all()]
    fields += [
        ("visibility", summary.visibility),
        ("anonymous", summary.anonymous),
        ("created", summary.created_at.isoformat()),
        ("published", summary.published_at.isoformat() if summary.published_at else None),
        ("updated", summary.updated_at.isoformat()),
        ("url", absolute(summary.get_absolute_url())),
    ]
    return _front_matter(fields) + summary.source.rstrip() + "\n"


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def _comments_markdown(user) -> str:
    lines = ["# Comments", ""]
    comments = (
        Comment.objects.filter(author=user)
        .alive()
        .select_related("summary__paper")
        .order_by("created_at", "pk")
    )
    for comment in comments:
        lines += [
            f"## On “{comment.summary.paper.title}”, {comment.created_at:%Y-%m-%d %H:%M}",
            "",
            f"<{absolute(comment.get_absolute_url())}>",
            "",
            comment.source,
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _questions_markdown(user) -> str:
    lines = ["# Questions", ""]
    for question in (
        Question.objects.filter(author=user).alive().select_related("paper").order_by("created_at")
    ):
        lines += [f"## {question.title}", "", f"*On “{question.paper.title}”*", ""]
        lines += [f"<{absolute(question.get_absolute_url())}>", ""]
        if question.source:
            lines += [question.source, ""]
    lines += ["# Answers", ""]
    for answer in (
        Answer.objects.filter(author=user)
        .alive()
        .select_related("question")
        .order_by("created_at", "pk")
    ):
        lines += [
            f"## To “{answer.question.title}”",
            "",
            f"<{absolute(answer.get_absolute_url())}>",
        ]
        lines += ["", answer.source, ""]
    return "\n".join(lines).rstrip() + "\n"


def _findings_markdown(user) -> str:
    lines = ["# Findings", ""]
    for finding in (
        Finding.objects.filter(author=user).alive().select_related("paper").order_by("created_at")
    ):
        about = f"{finding.get_kind_display()} on “{finding.paper.title}”"
        if finding.paper_version:
            about += f", {finding.paper_version}"
        lines += [f"## {finding.title}", "", f"*{about}*", ""]
        lines += [f"Status: {finding.get_status_display().lower()}", ""]
        lines += [f"<{absolute(finding.get_absolute_url())}>", ""]
        if finding.link_url:
            lines += [f"Link: <{finding.link_url}>", ""]
        if finding.source:
            lines += [finding.source, ""]
    lines += ["# Replies to findings", ""]
    for reply in (
        FindingReply.objects.filter(author=user)
        .alive()
        .select_related("finding__paper")
        .order_by("created_at", "pk")
    ):
        finding = reply.finding
        # the title only while the finding is there for this person to see
        seen = finding.deleted_at is None and finding.is_visible_to(user)
        heading = f"To “{finding.title}”" if seen else f"To a finding on “{finding.paper.title}”"
        lines += [f"## {heading}", "", f"<{absolute(reply.get_absolute_url())}>", ""]
        lines += [reply.source, ""]
    return "\n".join(lines).rstrip() + "\n"


def markdown_zip(user) -> bytes:
    """summaries/*.md (front matter + source), comments.md, questions.md, findings.md,
    collections/*.md."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for summary in _own_summaries(user):
            name = _unique(summary.paper.slug or "paper", used)
            archive.writestr(f"summaries/{name}.md", _summary_markdown(summary))
        archive.writestr("comments.md", _comments_markdown(user))
        archive.writestr("questions.md", _questions_markdown(user))
        archive.writestr("findings.md", _findings_markdown(user))
        used = set()
        for collection in Collection.objects.filter(owner=user).order_by("created_at", "pk"):
            name = _unique(slugify(collection.title) or "collection", used)
            text = collection_exports.markdown(collection, contents(collection, user))
            archive.writestr(f"collections/{name}.md", text)
    return buffer.getvalue()
