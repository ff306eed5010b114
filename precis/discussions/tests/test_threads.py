import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services
from precis.discussions.models import Comment
from precis.discussions.threads import ANONYMOUS_AUTHOR, MAX_DEPTH, build_thread, visible_ids
from precis.summaries.tests.factories import SummaryFactory

from .factories import CommentFactory, reply_chain

pytestmark = pytest.mark.django_db


def thread(summary, user=None):
    comments = list(Comment.objects.filter(summary=summary).select_related("author"))
    return build_thread(summary, comments, user or AnonymousUser())


def chain(summary, length):
    """A reply to a reply to a reply…, ``length`` comments deep."""
    comments, parent = [], None
    for _ in range(length):
        parent = CommentFactory(summary=summary, parent=parent, author=UserFactory())
        comments.append(parent)
    return comments


def test_it_nests_replies_up_to_the_depth_cap():
    summary = SummaryFactory()
    comments = chain(summary, MAX_DEPTH)
    entries = thread(summary)
    for depth, comment in enumerate(comments, start=1):
        assert [e.pk for e in entries] == [comment.pk]
        assert entries[0].depth == depth and entries[0].replying_to is None
        entries = entries[0].replies
    assert entries == []


def test_replies_beyond_the_cap_are_listed_flat_saying_whom_they_answer():
    summary = SummaryFactory()
    comments = chain(summary, MAX_DEPTH + 3)
    sibling = CommentFactory(summary=summary, parent=comments[MAX_DEPTH - 2])  # at the cap
    level = thread(summary)
    for _ in range(MAX_DEPTH - 1):
        level = level[0].replies
    # The deepest list holds the capped comment, its flattened descendants, then the sibling.
    assert [e.pk for e in level] == [c.pk for c in comments[MAX_DEPTH - 1 :]] + [sibling.pk]
    assert all(e.depth == MAX_DEPTH and e.replies == [] for e in level)
    assert level[0].replying_to is None and level[-1].replying_to is None
    for entry, parent in zip(level[1:-1], comments[MAX_DEPTH - 1 :], strict=False):
        assert entry.replying_to.pk == parent.pk
        assert entry.replying_to.author_name == parent.author.public_name


def test_a_deleted_comment_with_replies_stays_as_a_placeholder(carol):
    summary = SummaryFactory()
    parent = CommentFactory(summary=summary, author=carol)
    reply = CommentFactory(summary=summary, parent=parent)
    services.delete_comment(comment=parent, editor=carol)
    [entry] = thread(summary)
    assert entry.is_deleted and entry.author_name == "[deleted]" and entry.author_url == ""
    assert not (entry.can_reply or entry.can_edit or entry.can_delete)
    assert [e.pk for e in entry.replies] == [reply.pk]


def test_a_deleted_comment_whose_replies_are_all_deleted_disappears(carol):
    summary = SummaryFactory()
    kept = CommentFactory(summary=summary)
    parent = CommentFactory(summary=summary, author=carol)
    reply = CommentFactory(summary=summary, parent=parent, author=carol)
    reply_of_reply = CommentFactory(summary=summary, parent=reply, author=carol)
    for comment in (parent, reply, reply_of_reply):
        services.delete_comment(comment=comment, editor=carol)
    assert [e.pk for e in thread(summary)] == [kept.pk]


def test_the_anonymous_writer_is_shown_as_anonymous_author_everywhere(alice, carol):
    summary = SummaryFactory(author=alice, anonymous=True)
    mine = CommentFactory(summary=summary, author=alice)
    theirs = CommentFactory(summary=summary, author=carol, parent=mine)
    [entry] = thread(summary, carol)
    assert (entry.author_name, entry.author_url) == (ANONYMOUS_AUTHOR, "")
    assert entry.replies[0].author_name == carol.public_name
    assert entry.replies[0].pk == theirs.pk


def test_controls_follow_ownership(alice, bob, carol):
    summary = SummaryFactory(author=alice)
    CommentFactory(summary=summary, author=carol)
    [as_carol] = thread(summary, carol)
    [as_alice] = thread(summary, alice)
    [as_bob] = thread(summary, bob)
    [as_visitor] = thread(summary)
    assert (as_carol.can_reply, as_carol.can_edit, as_carol.can_delete) == (True, True, True)
    assert (as_alice.can_reply, as_alice.can_edit, as_alice.can_delete) == (True, False, False)
    assert (as_bob.can_reply, as_bob.can_edit, as_bob.can_delete) == (True, False, True)
    assert (as_visitor.can_reply, as_visitor.can_edit, as_visitor.can_delete) == (
        False,
        False,
        False,
    )


def test_it_builds_a_5000_deep_reply_chain_without_recursion(alice):
    summary = SummaryFactory(author=alice)
    made = reply_chain(summary, 5000, author=alice)
    level = thread(summary)
    for _ in range(MAX_DEPTH - 1):
        [entry] = level
        level = entry.replies
    assert [e.pk for e in level] == [c.pk for c in made[MAX_DEPTH - 1 :]]
    assert level[-1].replying_to.pk == made[-2].pk


def test_it_keeps_a_5000_deep_chain_of_deleted_comments_above_one_live_reply(alice):
    summary = SummaryFactory(author=alice)
    made = reply_chain(summary, 5000, author=alice)
    Comment.objects.filter(pk__in=[c.pk for c in made[:-1]]).update(deleted_at=timezone.now())
    comments = list(Comment.objects.filter(summary=summary))
    assert visible_ids(comments) == {c.pk for c in made}
    Comment.objects.filter(pk=made[-1].pk).update(deleted_at=timezone.now())
    assert visible_ids(list(Comment.objects.filter(summary=summary))) == set()
