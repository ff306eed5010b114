"""Long discussions: pages of threads, a comment's own page, links that find a comment."""

import re

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from precis.accounts.tests.factories import UserFactory
from precis.discussions.models import Comment
from precis.discussions.threads import (
    COMMENTS_PER_PAGE,
    COMMENTS_PER_SUMMARY_PAGE,
    REPLIES_PER_THREAD,
    THREADS_PER_PAGE,
)
from precis.summaries.tests.factories import SummaryFactory
from precis.testing import QUERY_BUDGET as BUDGET

from .factories import CommentFactory, bulk_comments, reply_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary(alice):
    return SummaryFactory(author=alice, source="Alice explains the paper.")


def shown_ids(body):
    return [int(pk) for pk in re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', body)]


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


class Loaded:
    """Counts the Comment rows a block of code loads from the database."""

    def __enter__(self):
        self.count = 0
        post_init.connect(self.seen, sender=Comment)
        return self

    def seen(self, **kwargs):
        self.count += 1

    def __exit__(self, *exc):
        post_init.disconnect(self.seen, sender=Comment)


def big_discussion(summary, author):
    """10,000 comments: 300 threads, one of them 4,000 replies deep, the others bushy."""
    threads = bulk_comments(summary, [None] * 300, author=author)
    chain = reply_chain(summary, 4000, author=author, under=threads[0])
    parents = threads[1:]
    made = 300 + 4000
    while made < 10_000:
        wave = bulk_comments(summary, parents[: 10_000 - made], author=author)
        made += len(wave)
        parents = wave
    return threads, chain


def test_ten_thousand_comments_show_one_page_in_a_constant_number_of_queries(
    client, summary, alice, django_assert_max_num_queries, no_page_cache
):
    CommentFactory(summary=summary)
    CommentFactory(summary=summary)
    get(client, summary.get_absolute_url())  # the first visit creates today's view counter row
    with CaptureQueriesContext(connection) as few:
        get(client, summary.get_absolute_url())
    Comment.objects.all().delete()
    threads, chain = big_discussion(summary, alice)
    assert Comment.objects.filter(summary=summary).count() == 10_000
    with django_assert_max_num_queries(BUDGET) as many, Loaded() as loaded:
        body = get(client, summary.get_absolute_url())
    assert len(many) == len(few)
    shown = shown_ids(body)
    assert len(shown) <= COMMENTS_PER_SUMMARY_PAGE
    assert loaded.count == len(shown)  # only the page's rows left the database
    assert [pk for pk in shown if pk in {c.pk for c in threads}] == [
        c.pk for c in threads[:THREADS_PER_PAGE]
    ]
    chain_shown = [pk for pk in shown if pk in {c.pk for c in chain}]
    assert chain_shown == [c.pk for c in chain[: len(chain_shown)]]
    assert f"{4000 - len(chain_shown)} more replies in this thread" in body
    assert "10000 comments" in body
    assert "Page 1 of 6" in body
    assert body.count('class="comment-list"') == 1
    assert 'href="?comments=2#comments"' in body


def test_one_busy_thread_does_not_crowd_out_the_others(client, summary, alice, bob):
    threads = bulk_comments(summary, [None] * THREADS_PER_PAGE, author=bob)
    bulk_comments(summary, threads * REPLIES_PER_THREAD, author=alice)  # 500 replies
    body = get(client, summary.get_absolute_url())
    share = (COMMENTS_PER_SUMMARY_PAGE - THREADS_PER_PAGE) // THREADS_PER_PAGE
    assert len(shown_ids(body)) == COMMENTS_PER_SUMMARY_PAGE
    assert body.count(f"{REPLIES_PER_THREAD - share} more replies in this thread") == len(threads)


def test_it_pages_by_thread_each_with_its_replies(client, summary, alice, bob):
    threads = bulk_comments(summary, [None] * (THREADS_PER_PAGE + 5), author=bob)
    [reply] = bulk_comments(summary, [threads[-1]], author=alice)
    body = get(client, summary.get_absolute_url(), comments=2)
    assert shown_ids(body) == [c.pk for c in threads[THREADS_PER_PAGE:]] + [reply.pk]
    assert 'href="?comments=1#comments"' in body
    assert "Page 2 of 2" in body


def test_a_page_past_the_last_shows_the_last_and_nonsense_shows_the_first(client, summary, bob):
    threads = bulk_comments(summary, [None] * (THREADS_PER_PAGE + 1), author=bob)
    assert shown_ids(get(client, summary.get_absolute_url(), comments=99)) == [threads[-1].pk]
    first_page = shown_ids(get(client, summary.get_absolute_url(), comments="x"))
    assert first_page == [c.pk for c in threads[:THREADS_PER_PAGE]]


def test_a_link_to_a_comment_on_page_3_lands_on_page_3(client, summary, alice, bob):
    threads = bulk_comments(summary, [None] * (3 * THREADS_PER_PAGE), author=bob)
    target = threads[2 * THREADS_PER_PAGE + 7]
    [reply] = bulk_comments(summary, [target], author=alice)
    for comment in (target, reply):
        url = comment.get_absolute_url()
        assert url.endswith(f"#comment-{comment.pk}")
        body = get(client, url.split("#")[0])
        assert comment.pk in shown_ids(body)
        assert "Page 3 of 3" in body


def test_a_comment_keeps_its_page_when_earlier_ones_are_deleted(client, summary, bob):
    threads = bulk_comments(summary, [None] * (THREADS_PER_PAGE + 1), author=bob)
    Comment.objects.filter(pk__in=[c.pk for c in threads[:10]]).update(deleted_at=timezone.now())
    body = get(client, summary.get_absolute_url(), comments=2)
    assert shown_ids(body) == [threads[-1].pk]
    assert threads[0].pk not in shown_ids(get(client, summary.get_absolute_url()))


def test_a_link_to_a_reply_deep_in_a_long_thread_goes_to_the_threads_page(client, summary, alice):
    chain = reply_chain(summary, 3000, author=alice)
    target = chain[2500]  # the 2,500th reply: page 25 of the thread's own page
    response = client.get(target.get_absolute_url().split("#")[0])
    thread_url = reverse("discussions:comment", args=[chain[0].pk])
    assert response.status_code == 302
    assert response.url == f"{thread_url}?page=25#comment-{target.pk}"
    body = get(client, thread_url, page=25)
    assert target.pk in shown_ids(body)
    assert len(shown_ids(body)) == 1 + COMMENTS_PER_PAGE
    # Its first reply answers one on the page before: named, and linked where it is.
    first = chain[2401]
    assert f'href="{chain[2400].get_absolute_url()}"' in body
    assert shown_ids(body)[:2] == [chain[0].pk, first.pk]


def test_more_replies_lead_to_the_threads_own_page(client, summary, alice, bob):
    [top] = bulk_comments(summary, [None], author=bob)
    replies = bulk_comments(summary, [top] * (REPLIES_PER_THREAD + 3), author=alice)
    body = get(client, summary.get_absolute_url())
    assert shown_ids(body) == [top.pk] + [c.pk for c in replies[:REPLIES_PER_THREAD]]
    thread_url = reverse("discussions:comment", args=[top.pk])
    assert f'<a href="{thread_url}">3 more replies in this thread' in body
    assert shown_ids(get(client, thread_url)) == [top.pk] + [c.pk for c in replies]


def test_a_deleted_reply_stays_as_a_placeholder_for_a_live_reply_past_the_cap(
    client, summary, alice, bob
):
    [top] = bulk_comments(summary, [None], author=bob)
    [gone] = bulk_comments(summary, [top], author=bob, deleted={0})
    others = bulk_comments(summary, [top] * REPLIES_PER_THREAD, author=alice)
    [late] = bulk_comments(summary, [gone], author=alice)
    body = get(client, summary.get_absolute_url())
    assert shown_ids(body) == [top.pk, gone.pk] + [c.pk for c in others[:-1]]
    assert "[deleted]" in body
    assert "2 more replies in this thread" in body
    thread = get(client, reverse("discussions:comment", args=[top.pk]))
    assert shown_ids(thread) == [top.pk, gone.pk, late.pk] + [c.pk for c in others]


def test_deleted_replies_with_nothing_live_below_them_take_no_room(client, summary, alice, bob):
    [top] = bulk_comments(summary, [None], author=bob, deleted={0})
    replies = bulk_comments(summary, [top] * 15, author=alice, deleted=set(range(14)))
    body = get(client, summary.get_absolute_url())
    assert shown_ids(body) == [top.pk, replies[-1].pk]
    assert "more repl" not in body


def test_a_comments_own_page_is_hidden_with_its_summary(client, alice, carol):
    private = SummaryFactory(author=alice, visibility="private")
    comment = CommentFactory(summary=private, author=alice)
    url = reverse("discussions:comment", args=[comment.pk])
    client.force_login(carol)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert comment.pk in shown_ids(get(client, url))


def test_a_deleted_comment_without_live_replies_has_no_page(client, summary, carol):
    [gone] = bulk_comments(summary, [None], author=carol, deleted={0})
    assert client.get(reverse("discussions:comment", args=[gone.pk])).status_code == 404


def test_replying_from_page_2_opens_the_form_there_and_lands_on_the_new_reply(
    client, summary, bob, carol
):
    threads = bulk_comments(summary, [None] * (THREADS_PER_PAGE + 1), author=bob)
    parent = threads[-1]
    client.force_login(carol)
    body = get(client, summary.get_absolute_url(), comments=2)
    link = f"{summary.get_absolute_url()}?comments=2&amp;reply_to={parent.pk}#reply-{parent.pk}"
    assert f'href="{link}"' in body
    body = get(client, summary.get_absolute_url(), comments=2, reply_to=parent.pk)
    assert f'id="reply-{parent.pk}"' in body
    response = client.post(
        reverse("discussions:comment_create", args=[summary.pk]),
        {"source": "A reply on page two", "parent": parent.pk},
    )
    reply = Comment.objects.get(source="A reply on page two")
    assert response.url == f"{summary.get_absolute_url()}?comments=2#comment-{reply.pk}"


def test_a_failed_reply_deep_in_a_thread_is_shown_again_under_its_comment(client, summary, carol):
    chain = reply_chain(summary, 50, author=carol)
    client.force_login(carol)
    response = client.post(
        reverse("discussions:comment_create", args=[summary.pk]),
        {"source": " ", "parent": chain[40].pk},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="reply-{chain[40].pk}"' in body
    assert "cannot be empty" in body


def test_the_comments_own_page_says_whom_it_answers(client, summary, bob, carol):
    parent = CommentFactory(summary=summary, author=bob)
    reply = CommentFactory(summary=summary, author=carol, parent=parent)
    body = get(client, reverse("discussions:comment", args=[reply.pk]))
    assert f'In reply to <a href="{parent.get_absolute_url()}">{bob.public_name}</a>' in body
    assert shown_ids(body) == [reply.pk]


def test_thread_pages_make_the_same_number_of_queries_for_short_and_long_threads(
    client, summary, alice
):
    short = reply_chain(summary, 3, author=alice)
    long = reply_chain(summary, 1500, author=UserFactory())
    counts = []
    for url in (
        reverse("discussions:comment", args=[short[0].pk]),
        reverse("discussions:comment", args=[long[0].pk]) + "?page=7",
    ):
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "-1", "0", "x"])
def test_out_of_range_pages_and_ids_are_answered_not_errors(client, summary, value):
    comment = CommentFactory(summary=summary)
    for url, params in (
        (summary.get_absolute_url(), {"comment": value}),
        (summary.get_absolute_url(), {"comments": value, "reply_to": value}),
        (reverse("discussions:comment", args=[comment.pk]), {"page": value}),
        (reverse("summaries:history", args=[summary.pk]), {"a": value, "b": value}),
    ):
        assert client.get(url, params).status_code == 200, (url, params)


def test_deleting_a_comment_on_page_2_returns_to_page_2(client, summary, bob, carol):
    bulk_comments(summary, [None] * THREADS_PER_PAGE, author=bob)
    mine = CommentFactory(summary=summary, author=carol)
    client.force_login(carol)
    response = client.post(reverse("discussions:comment_delete", args=[mine.pk]))
    assert response.url == f"{summary.get_absolute_url()}?comments=2#comment-{mine.pk}"
