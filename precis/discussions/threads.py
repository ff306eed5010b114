"""A summary's comments as a thread ready for the template, from one query.

Pure presentation: who is shown as whom (anonymous writers stay anonymous),
which deleted comments still need a "[deleted]" placeholder, how deep the
indentation goes, and which controls each viewer gets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import services
from .forms import CommentForm
from .models import Comment

# Replies nest this many levels deep (top-level comments are level 1); deeper
# replies are listed flat at this level, each saying whom it replies to, so
# narrow screens keep a readable column.
MAX_DEPTH = 4

ANONYMOUS_AUTHOR = "Anonymous (author)"


@dataclass
class Entry:
    comment: Comment
    depth: int
    author_name: str = ""
    author_url: str = ""  # empty when the author must not be linked (anonymous, deleted)
    is_summary_author: bool = False
    replying_to: Entry | None = None  # set on replies listed flat beyond MAX_DEPTH
    replies: list[Entry] = field(default_factory=list)
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False

    @property
    def pk(self) -> int:
        return self.comment.pk

    @property
    def is_deleted(self) -> bool:
        return self.comment.deleted_at is not None


def author_label(comment: Comment, summary, *, reveal_deleted: bool = False) -> tuple[str, str]:
    """(name, profile URL) to show for ``comment``'s author on ``summary``'s thread.

    A deleted comment names no one unless ``reveal_deleted`` (for its author and staff).
    """
    if comment.deleted_at is not None and not reveal_deleted:
        return "[deleted]", ""
    if summary.anonymous and comment.author_id == summary.author_id:
        return ANONYMOUS_AUTHOR, ""
    return comment.author.public_name, comment.author.get_absolute_url()


def build_thread(summary, comments: list[Comment], user) -> list[Entry]:
    """Nest ``comments`` (all of one summary's, deleted ones included) into entries.

    A deleted comment is kept as a placeholder only while some reply below it
    is still visible; otherwise it and its deleted replies disappear.
    """
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        children[comment.parent_id].append(comment)

    visible: dict[int, bool] = {}

    def is_visible(comment: Comment) -> bool:
        if comment.pk not in visible:
            # Evaluate every child (no short-circuit), so each one's answer is cached.
            shown_children = [is_visible(child) for child in children[comment.pk]]
            visible[comment.pk] = comment.deleted_at is None or any(shown_children)
        return visible[comment.pk]

    may_comment = services.may_comment_on(summary, user)

    def entry(comment: Comment, depth: int, replying_to: Entry | None = None) -> Entry:
        name, url = author_label(comment, summary)
        alive = comment.deleted_at is None
        return Entry(
            comment=comment,
            depth=depth,
            author_name=name,
            author_url=url,
            is_summary_author=alive and comment.author_id == summary.author_id,
            replying_to=replying_to,
            can_reply=alive and may_comment,
            can_edit=alive and may_comment and comment.author_id == user.pk,
            can_delete=alive and services.may_delete(comment, user),
        )

    def flat_descendants(parent: Entry) -> list[Entry]:
        """Every visible reply below ``parent``, in reading order, listed at its depth."""
        found = []
        for child in children[parent.pk]:
            if is_visible(child):
                child_entry = entry(child, parent.depth, replying_to=parent)
                found.append(child_entry)
                found.extend(flat_descendants(child_entry))
        return found

    def level(parent_id: int | None, depth: int) -> list[Entry]:
        entries = []
        for comment in children[parent_id]:
            if not is_visible(comment):
                continue
            current = entry(comment, depth)
            entries.append(current)
            if depth < MAX_DEPTH:
                current.replies = level(comment.pk, depth + 1)
            else:
                entries.extend(flat_descendants(current))
        return entries

    return level(None, 1)


def thread_context(summary, user, *, form=None, reply_to: int | None = None, reply_form=None):
    """The template context for a summary's comment section (one query).

    Also sets ``summary.comment_count`` for the summary's footer link.
    """
    comments = list(Comment.objects.filter(summary=summary).select_related("author"))
    summary.comment_count = sum(1 for comment in comments if comment.deleted_at is None)
    entries = build_thread(summary, comments, user)
    may_comment = services.may_comment_on(summary, user)
    if reply_to is not None and not any(
        c.pk == reply_to and c.deleted_at is None for c in comments
    ):
        reply_to = None
    return {
        "comment_entries": entries,
        "comment_count": summary.comment_count,
        "may_comment": may_comment,
        "comment_form": (form or CommentForm()) if may_comment else None,
        "reply_to": reply_to if may_comment else None,
        "reply_form": reply_form or CommentForm(initial={"parent": reply_to}),
    }
