"""Every kind of thing a moderator acts on, and the owning app's service for each action.

The moderation app never writes another app's rows itself: each ``Kind`` names the
functions of the app that owns the model.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from precis.accounts import services as accounts
from precis.collections import services as collections
from precis.collections.models import Collection
from precis.discussions import services as discussions
from precis.discussions.models import Answer, Comment, Question
from precis.findings import services as findings
from precis.findings.models import Finding, FindingReply
from precis.lib import richtext
from precis.summaries import services as summaries
from precis.summaries.models import Summary


@dataclass(frozen=True)
class Kind:
    name: str  # "summary", "comment", …
    model: type
    set_state: Callable  # (row, state, reason)
    delete: Callable  # (row, moderator)
    label: Callable  # row -> str: what it is, in a line
    text: Callable  # row -> str: its words, for the queue
    lock: Callable | None = None  # (row, locked): close a thread to new replies

    def author_of(self, row):
        return row if self.name == "profile" else getattr(row, row.author_field)


def _summary_label(summary: Summary) -> str:
    return f"Summary of “{summary.paper.title}”"


def _comment_label(comment: Comment) -> str:
    return f"Comment on the summary of “{comment.summary.paper.title}”"


def _set_discussion_state(row, state: str, reason: str) -> None:
    discussions.set_moderation(thing=row, state=state, reason=reason)


def _answer_label(answer: Answer) -> str:
    return f"Answer to “{answer.question.title}”"


KINDS = [
    Kind(
        name="summary",
        model=Summary,
        set_state=lambda row, state, reason: summaries.set_moderation(
            summary=row, state=state, reason=reason
        ),
        delete=lambda row, moderator: summaries.remove_summary(summary=row),
        label=_summary_label,
        text=lambda row: row.source,
        lock=lambda row, locked: summaries.lock_comments(summary=row, locked=locked),
    ),
    Kind(
        name="comment",
        model=Comment,
        set_state=_set_discussion_state,
        delete=lambda row, moderator: discussions.delete_comment(comment=row, editor=moderator),
        label=_comment_label,
        text=lambda row: row.source,
    ),
    Kind(
        name="question",
        model=Question,
        set_state=_set_discussion_state,
        delete=lambda row, moderator: discussions.delete_question(question=row, editor=moderator),
        label=lambda row: f"Question “{row.title}”",
        text=lambda row: f"{row.title}\n\n{row.source}",
        lock=lambda row, locked: discussions.lock_answers(question=row, locked=locked),
    ),
    Kind(
        name="answer",
        model=Answer,
        set_state=_set_discussion_state,
        delete=lambda row, moderator: discussions.delete_answer(answer=row, editor=moderator),
        label=_answer_label,
        text=lambda row: row.source,
    ),
    Kind(
        name="collection",
        model=Collection,
        set_state=lambda row, state, reason: collections.set_moderation(
            collection=row, state=state, reason=reason
        ),
        delete=lambda row, moderator: collections.delete_collection(collection=row),
        label=lambda row: f"Collection “{row.title}”",
        text=lambda row: f"{row.title}\n\n{row.description}",
    ),
    # -- findings (precis.findings) --
    Kind(
        name=findings.FINDING_KIND,
        model=Finding,
        set_state=lambda row, state, reason: findings.set_moderation(
            thing=row, state=state, reason=reason
        ),
        delete=lambda row, moderator: findings.delete_finding(finding=row, editor=moderator),
        label=lambda row: f"Finding “{row.title}”",
        text=lambda row: f"{row.title}\n\n{row.source}\n\n{row.link_url}",
    ),
    Kind(
        name=findings.REPLY_KIND,
        model=FindingReply,
        set_state=lambda row, state, reason: findings.set_moderation(
            thing=row, state=state, reason=reason
        ),
        delete=lambda row, moderator: findings.delete_reply(reply=row, editor=moderator),
        label=lambda row: f"Reply to the finding “{row.finding.title}”",
        text=lambda row: row.source,
    ),
    Kind(
        name="profile",
        model=get_user_model(),
        set_state=lambda row, state, reason: accounts.set_profile_moderation(
            user=row, state=state, reason=reason
        ),
        # A profile is not deleted by a moderator: it is hidden, or its owner suspended.
        delete=lambda row, moderator: accounts.set_profile_moderation(
            user=row, state="hidden", reason="Removed by a moderator."
        ),
        label=lambda row: f"Profile of {row.username}",
        text=lambda row: f"{row.display_name}\n\n{row.bio}",
    ),
]
BY_NAME = {kind.name: kind for kind in KINDS}
BY_MODEL = {kind.model: kind for kind in KINDS}


def kind_of(row) -> Kind:
    return BY_MODEL[type(row)]


def excerpt(row, max_chars: int = 300) -> str:
    return richtext.plain_text(kind_of(row).text(row), max_chars=max_chars)
