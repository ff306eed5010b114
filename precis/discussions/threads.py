"""A summary's comments as threads ready for the template, a page at a time.

Presentation: who is shown as whom (anonymous writers stay anonymous), which
deleted comments still need a "[deleted]" placeholder, how deep the
indentation goes, and which controls each viewer gets.

Bounds, whatever the discussion's size or shape:

- A summary's page shows ``THREADS_PER_PAGE`` top-level comments
  (``?comments=<page>``) and at most ``COMMENTS_PER_SUMMARY_PAGE`` comments
  in all: each thread's earliest replies, up to ``REPLIES_PER_THREAD``, dealt
  out a round at a time (every thread's first reply, then every second one…)
  so that one busy thread cannot crowd out the rest, and a "N more replies"
  link to the thread's own page. A comment's page (``/comments/<id>/``) shows
  it with ``COMMENTS_PER_PAGE`` of its replies a page (``?page=<page>``). So
  a page holds at most 200 comments, or 101.
- Each page costs a constant number of queries: the counts, one recursive
  query that finds the page's comments (their threads walked in the database,
  visible ones ranked by age within their thread), and one that loads just
  those rows. Nothing loads a whole discussion.
- Nothing recurses in Python (nor in templates beyond ``MAX_DEPTH``): threads
  are built with explicit stacks, so a reply chain thousands deep is as safe
  as a flat one.

A thread's earliest replies always include each one's parent (a reply is
younger than what it answers), so a summary's page shows whole branches.
Later pages of a comment's own page start mid-thread; their replies to
comments shown on earlier pages say whom they reply to, with a link.

Pages of top-level comments count deleted ones too, so a comment stays on its
page when others are deleted; a page may show fewer threads than it holds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from precis.accounts.models import Block, is_blocked_by
from precis.lib.moderation import ModerationState, is_moderator
from precis.lib.moderation import shown as shown_q

from . import services
from .forms import CommentForm
from .models import Comment

# Replies nest this many levels deep (top-level comments are level 1); deeper
# replies are listed flat at this level, each saying whom it replies to, so
# narrow screens keep a readable column.
MAX_DEPTH = 4
THREADS_PER_PAGE = 50
REPLIES_PER_THREAD = 10  # on a summary's page, at most; the rest on the thread's own page
COMMENTS_PER_SUMMARY_PAGE = 200  # top-level comments included; replies share what is left
COMMENTS_PER_PAGE = 100  # replies per page on a comment's own page

ANONYMOUS_AUTHOR = "Anonymous (author)"


@dataclass
class Entry:
    comment: Comment
    depth: int
    author_name: str = ""
    author_url: str = ""  # empty when the author must not be linked (anonymous, deleted)
    is_summary_author: bool = False
    replying_to: Entry | None = None  # set on replies listed flat, or whose parent is elsewhere
    replies: list[Entry] = field(default_factory=list)
    more_replies: int = 0  # replies in this thread not shown on this page
    on_page: bool = True  # False for a parent named by "replying to" but shown elsewhere
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    # Written by someone the viewer muted: shown folded ("show" opens it, no script).
    muted: bool = False
    can_mute: bool = False

    @property
    def pk(self) -> int:
        return self.comment.pk

    gone: bool = False  # deleted, or removed by a moderator, for this viewer: a placeholder

    @property
    def is_deleted(self) -> bool:
        return self.gone

    @property
    def thread_url(self) -> str:
        return reverse("discussions:comment", args=[self.pk])


def is_gone(comment: Comment, user) -> bool:
    """Whether ``user`` sees ``comment`` only as a placeholder: deleted, or held or hidden
    by moderation and neither theirs nor theirs to moderate."""
    return comment.deleted_at is not None or not comment.is_visible_to(user)


def author_label(comment: Comment, summary, *, reveal_deleted: bool = False) -> tuple[str, str]:
    """(name, profile URL) to show for ``comment``'s author on ``summary``'s thread.

    A deleted comment names no one unless ``reveal_deleted`` (for its author and staff).
    """
    if comment.deleted_at is not None and not reveal_deleted:
        return "[deleted]", ""
    if not comment.is_shown and not reveal_deleted:
        return "[removed]", ""
    if summary.anonymous and comment.author_id == summary.author_id:
        return ANONYMOUS_AUTHOR, ""
    return comment.author.public_name, comment.author.get_absolute_url()


# --------------------------------------------------------------------------
# Building entries (no queries)
# --------------------------------------------------------------------------


def visible_ids(comments: list[Comment], user=None) -> set[int]:
    """The comments to show: every live one, and every deleted (or, for ``user``, removed)
    one with a live reply somewhere below it, as a placeholder. Iterative, so any depth
    is safe."""
    user = user or AnonymousUser()
    known = {comment.pk for comment in comments}
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        children[comment.parent_id if comment.parent_id in known else None].append(comment)
    order = []  # parents before their replies
    stack = list(children[None])
    while stack:
        comment = stack.pop()
        order.append(comment)
        stack.extend(children[comment.pk])
    shown: set[int] = set()
    for comment in reversed(order):  # replies before their parents
        if not is_gone(comment, user) or any(c.pk in shown for c in children[comment.pk]):
            shown.add(comment.pk)
    return shown


def may_comment_here(summary, user) -> bool:
    """``services.may_comment_on``, and not blocked by the summary's named writer. One
    query for a signed-in reader of someone else's named summary, none otherwise."""
    if not services.may_comment_on(summary, user):
        return False
    return summary.anonymous or not is_blocked_by(user, [summary.author_id])


def build_thread(summary, comments: list[Comment], user) -> list[Entry]:
    """Nest ``comments`` (all of one summary's, deleted ones included) into entries.

    A deleted comment is kept as a placeholder only while some reply below it
    is still visible; otherwise it and its deleted replies disappear.
    """
    shown = visible_ids(comments, user)
    return nest(summary, [c for c in comments if c.pk in shown], user)


def nest(
    summary, comments: list[Comment], user, *, focus=None, elsewhere=(), may_comment=None
) -> list[Entry]:
    """Entries for ``comments`` (all to be shown), nested by reply up to MAX_DEPTH.

    A comment whose parent is not among them is a top-level entry, except on a
    comment's own page (``focus``, its id): there it is listed under the focus,
    saying whom it replies to, named from ``elsewhere`` (those parents' rows).
    Rows loaded by ``_rows`` say whether the viewer muted their author, or their
    author blocked the viewer; the anonymous writer's comments never do, for that
    would tell who they are.
    """
    loaded = {comment.pk for comment in comments}
    if may_comment is None:
        may_comment = may_comment_here(summary, user)

    def entry(comment: Comment, depth: int, replying_to: Entry | None) -> Entry:
        gone = is_gone(comment, user)
        name, url = author_label(comment, summary, reveal_deleted=not gone)
        alive = not gone and comment.deleted_at is None
        named = not (summary.anonymous and comment.author_id == summary.author_id)
        others = user.is_authenticated and comment.author_id != user.pk
        muted = named and others and getattr(comment, "author_muted", False)
        blocks_viewer = named and getattr(comment, "author_blocks_viewer", False)
        return Entry(
            comment=comment,
            depth=depth,
            gone=gone,
            author_name=name,
            author_url=url,
            is_summary_author=alive and comment.author_id == summary.author_id,
            replying_to=replying_to,
            can_reply=alive and may_comment and not blocks_viewer,
            can_edit=alive and may_comment and comment.author_id == user.pk,
            can_delete=alive and services.may_delete(comment, user),
            muted=alive and muted,
            can_mute=alive and named and others and not muted,
        )

    parents_elsewhere = {}
    for parent in elsewhere:
        parents_elsewhere[parent.pk] = entry(parent, 0, None)
        parents_elsewhere[parent.pk].on_page = False

    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        if comment.parent_id in loaded:
            children[comment.parent_id].append(comment)
        elif focus is not None and comment.pk != focus:
            children[focus].append(comment)
        else:
            children[None].append(comment)

    top: list[Entry] = []
    # (comment, depth, list to append to, whom it replies to when that is not obvious)
    stack = [(comment, 1, top, None) for comment in reversed(children[None])]
    while stack:
        comment, depth, into, replying_to = stack.pop()
        current = entry(comment, depth, replying_to)
        into.append(current)
        kids = children[comment.pk]
        if depth < MAX_DEPTH:
            stack.extend(
                (kid, depth + 1, current.replies, parents_elsewhere.get(kid.parent_id))
                for kid in reversed(kids)
            )
        else:  # listed flat after it, in reading order
            stack.extend(
                (kid, depth, into, parents_elsewhere.get(kid.parent_id, current))
                for kid in reversed(kids)
            )
    return top


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One comment a page shows: its thread (the anchor it was reached from), its place
    there by age (``nth``; the anchor is 0), and how many visible replies the thread has."""

    pk: int
    parent_id: int | None
    root_id: int
    nth: int
    replies: int


# Walks the threads below the anchor comments (deleted ones included), marks the
# comments with a live reply somewhere below them, ranks the visible ones by age
# within their thread (nth; the anchor is 0), and keeps the first ``limit`` of
# those ``where`` accepts, a round of ranks at a time across threads. UNION
# rather than UNION ALL, so that even a corrupt parent cycle cannot loop. Only
# the table name and fixed SQL are formatted in; values are parameters.
_THREADS_SQL = """
WITH RECURSIVE
thread (id, parent_id, root_id, root_created_at, alive, created_at) AS (
    SELECT id, parent_id, id, created_at, CASE WHEN {alive} THEN 1 ELSE 0 END,
        created_at
    FROM {comment} c WHERE id IN ({anchors})
    UNION
    SELECT c.id, c.parent_id, t.root_id, t.root_created_at,
        CASE WHEN {alive} THEN 1 ELSE 0 END, c.created_at
    FROM {comment} c JOIN thread t ON c.parent_id = t.id
),
lit (id) AS (
    SELECT parent_id FROM thread WHERE alive = 1 AND id <> root_id
    UNION
    SELECT t.parent_id FROM thread t JOIN lit ON t.id = lit.id WHERE t.id <> t.root_id
),
shown (id, parent_id, root_id, root_created_at, nth, replies) AS (
    SELECT id, parent_id, root_id, root_created_at,
        ROW_NUMBER() OVER (PARTITION BY root_id ORDER BY created_at, id) - 1,
        COUNT(*) OVER (PARTITION BY root_id) - 1
    FROM thread
    WHERE alive = 1 OR id IN (SELECT id FROM lit)
),
picked (id, parent_id, root_id, nth, replies, place) AS (
    SELECT id, parent_id, root_id, nth, replies,
        ROW_NUMBER() OVER (ORDER BY nth, root_created_at, root_id)
    FROM shown WHERE {where}
)
SELECT id, parent_id, root_id, nth, replies FROM picked WHERE place <= %s
"""

_PAGE_OF_THREADS = """
SELECT id FROM (
    SELECT id FROM {comment} WHERE summary_id = %s AND parent_id IS NULL
    ORDER BY created_at, id LIMIT %s OFFSET %s
) page
"""

# The thread a comment belongs to (walking up its parents), and how many top-level
# comments of the summary come before that thread's first comment.
_ROOT_SQL = """
WITH RECURSIVE up (id, parent_id) AS (
    SELECT id, parent_id FROM {comment} WHERE id = %s AND summary_id = %s
    UNION
    SELECT c.id, c.parent_id FROM {comment} c JOIN up ON c.id = up.parent_id
)
SELECT r.id, (
    SELECT COUNT(*) FROM {comment} o
    WHERE o.summary_id = r.summary_id AND o.parent_id IS NULL
        AND (o.created_at < r.created_at OR (o.created_at = r.created_at AND o.id < r.id))
)
FROM up JOIN {comment} r ON r.id = up.id
WHERE up.parent_id IS NULL
"""


def _sql(template: str, **parts: str) -> str:
    table = connection.ops.quote_name(Comment._meta.db_table)
    return template.format(comment=table, **{k: v.format(comment=table) for k, v in parts.items()})


def _alive_sql(user) -> str:
    """SQL, on comment ``c``, for "shown to ``user`` as itself": not deleted, and shown by
    moderation, or written by ``user``, or ``user`` moderates. Only an integer id and
    fixed text are formatted in."""
    if is_moderator(user):
        return "c.deleted_at IS NULL"
    mine = f" OR c.author_id = {int(user.pk)}" if user.is_authenticated else ""
    return f"c.deleted_at IS NULL AND (c.moderation = '{ModerationState.OK}'{mine})"


def _shown(anchors: str, anchor_params: list, where: str, where_params: list, *, limit: int, user):
    """The visible comments of the threads below ``anchors`` (SQL giving ids) that ``where``
    keeps (SQL on id, nth, replies), at most ``limit``, as ``user`` sees them. One query."""
    sql = _sql(_THREADS_SQL, anchors=anchors, where=where, alive=_alive_sql(user))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*anchor_params, *where_params, limit])
        return [Shown(*row) for row in cursor.fetchall()]


def _summary_page(summary, offset: int, user) -> list[Shown]:
    """The comments a summary's page shows: the threads from ``offset`` on, with replies."""
    return _shown(
        _PAGE_OF_THREADS,
        [summary.pk, THREADS_PER_PAGE, offset],
        "nth <= %s",
        [REPLIES_PER_THREAD],
        limit=COMMENTS_PER_SUMMARY_PAGE,
        user=user,
    )


def _rows(ids, user) -> dict[int, Comment]:
    """The comments with these ids, with their authors, and for a signed-in ``user``
    whether they muted the author (``author_muted``) or the author blocked them
    (``author_blocks_viewer``). One query."""
    rows = Comment.objects.filter(pk__in=ids).select_related("author")
    if user.is_authenticated:
        rows = rows.annotate(
            author_muted=Exists(Block.objects.filter(who=user, whom=OuterRef("author"))),
            author_blocks_viewer=Exists(
                Block.objects.filter(who=OuterRef("author"), whom=user, kind=Block.Kind.BLOCK)
            ),
        )
    return {c.pk: c for c in rows}


MAX_PAGE_NUMBER = 1_000_000  # far past any real page; keeps SQL offsets in range


def _page_number(value) -> int:
    try:
        return min(max(1, int(value)), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


def thread_context(
    summary, user, *, page=None, form=None, reply_to: int | None = None, reply_form=None
):
    """The template context for a summary's comment section: page ``page`` of its
    threads (three queries; one when there are no comments).

    Also sets ``summary.comment_count`` for the summary's footer link.
    """
    counts = Comment.objects.filter(summary=summary).aggregate(
        alive=Count("pk", filter=Q(deleted_at__isnull=True) & shown_q()),
        threads=Count("pk", filter=Q(parent__isnull=True)),
    )
    summary.comment_count = counts["alive"]
    pages = Paginator(range(counts["threads"]), THREADS_PER_PAGE).get_page(_page_number(page))
    may_comment = may_comment_here(summary, user)
    entries: list[Entry] = []
    if counts["threads"]:
        shown = _summary_page(summary, pages.start_index() - 1, user)
        rows = _rows([s.pk for s in shown], user) if shown else {}
        entries = nest(
            summary, [rows[s.pk] for s in shown if s.pk in rows], user, may_comment=may_comment
        )
        replies = {s.root_id: s.replies for s in shown}
        on_page = Counter(s.root_id for s in shown if s.pk != s.root_id)
        for entry in entries:
            entry.more_replies = replies.get(entry.pk, 0) - on_page[entry.pk]
    base = summary.get_absolute_url()
    listing_url = f"{base}?comments={pages.number}" if pages.number > 1 else base
    return {
        "comment_entries": entries,
        "comment_count": summary.comment_count,
        "comment_page": pages,
        "comment_page_param": "comments",
        "comment_listing_url": listing_url,
        **_forms(
            summary,
            user,
            entries,
            may_comment=may_comment,
            form=form,
            reply_to=reply_to,
            reply_form=reply_form,
        ),
    }


def comment_thread_context(comment, user, *, page=None, reply_to=None, reply_form=None):
    """The template context for a comment's own page: it, and page ``page`` of the
    replies below it, oldest first (two queries). None when the comment is not shown
    (deleted, with no live reply below it)."""
    summary = comment.summary
    number = _page_number(page)
    shown = _replies_page(comment.pk, number, user)
    if not shown:
        return None
    replies = shown[0].replies
    pages = Paginator(range(replies), COMMENTS_PER_PAGE).get_page(number)
    if pages.number != number:  # past the last page: show the last
        shown = _replies_page(comment.pk, pages.number, user)
    on_page = {s.pk for s in shown}
    parents = {s.parent_id for s in shown if s.pk != comment.pk and s.parent_id not in on_page}
    rows = _rows(on_page | parents, user)
    may_comment = may_comment_here(summary, user)
    entries = nest(
        summary,
        [rows[s.pk] for s in shown if s.pk in rows],
        user,
        focus=comment.pk,
        elsewhere=[rows[pk] for pk in parents if pk in rows],
        may_comment=may_comment,
    )
    base = reverse("discussions:comment", args=[comment.pk])
    return {
        "comment_entries": entries,
        "comment_page": pages,
        "comment_page_param": "page",
        "comment_listing_url": f"{base}?page={pages.number}" if pages.number > 1 else base,
        **_forms(
            summary,
            user,
            entries,
            may_comment=may_comment,
            reply_to=reply_to,
            reply_form=reply_form,
        ),
    }


def _replies_page(pk: int, number: int, user) -> list[Shown]:
    first = (number - 1) * COMMENTS_PER_PAGE + 1
    last = first + COMMENTS_PER_PAGE - 1
    return _shown(
        "%s", [pk], "nth = 0 OR nth BETWEEN %s AND %s", [first, last], limit=last + 1, user=user
    )


def _forms(
    summary, user, entries, *, may_comment, form=None, reply_to=None, reply_form=None
) -> dict:
    # A comment or reply sent and refused (a block, say) comes back with its reason and
    # its text, even where no new one is offered.
    refused = reply_form is not None
    if reply_to is not None and not any(
        e.pk == reply_to and (e.can_reply or (refused and not e.is_deleted)) for e in _walk(entries)
    ):
        reply_to = None  # only under a live comment shown on this page that takes replies
    return {
        "may_comment": may_comment,
        # Signed in and allowed but for the writer's block: the page says why.
        "comment_blocked": not may_comment and services.may_comment_on(summary, user),
        "comment_form": (form or CommentForm()) if may_comment else form,
        "reply_to": reply_to if may_comment or refused else None,
        "reply_form": reply_form or CommentForm(initial={"parent": reply_to}),
    }


def _walk(entries: list[Entry]):
    stack = list(entries)
    while stack:
        entry = stack.pop()
        yield entry
        stack.extend(entry.replies)


@dataclass(frozen=True)
class Place:
    """Where a comment is shown: page ``page`` of its summary's comments, or, when its
    thread is longer than a summary's page shows, ``url`` (its thread's own page)."""

    page: int = 1
    url: str = ""


def comment_place(summary, comment_id: int, user) -> Place:
    """Where comment ``comment_id`` of ``summary`` is shown to ``user`` (two or three
    queries). Page 1 when there is no such comment."""
    if not 0 < comment_id < 2**63:  # not an id at all; the database would refuse it
        return Place()
    with connection.cursor() as cursor:
        cursor.execute(_sql(_ROOT_SQL), [comment_id, summary.pk])
        found = cursor.fetchone()
    if found is None:
        return Place()
    root_id, before = found
    page = before // THREADS_PER_PAGE + 1
    offset = (page - 1) * THREADS_PER_PAGE
    if any(s.pk == comment_id for s in _summary_page(summary, offset, user)):
        return Place(page=page)
    shown = _shown("%s", [root_id], "id = %s", [comment_id], limit=1, user=user)
    if not shown:  # not shown anywhere (deleted, nothing live below it)
        return Place(page=page)
    thread_page = (shown[0].nth - 1) // COMMENTS_PER_PAGE + 1
    url = reverse("discussions:comment", args=[root_id])
    if thread_page > 1:
        url += f"?page={thread_page}"
    return Place(page=page, url=f"{url}#comment-{comment_id}")
