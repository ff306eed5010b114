"""Papers waiting for a summary: the demand signals, "I want a summary of this", the ranking."""

import pytest
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.lib import ratelimit
from precis.notifications import services as notifications
from precis.papers import demand
from precis.papers.models import Paper, SummaryRequest
from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def request_url(paper):
    return reverse("papers:request_summary", args=[paper.pk])


def ask(client, paper, action="request", **extra):
    return client.post(
        request_url(paper), {"action": action, "next": paper.get_absolute_url()}, **extra
    )


def fresh(paper):
    return Paper.objects.get(pk=paper.pk)


# -- asking for a summary ------------------------------------------------------------


def test_a_reader_asks_for_a_summary_and_takes_it_back(client):
    paper = PaperFactory(title="Nobody explained this")
    reader = UserFactory()
    client.force_login(reader)

    page = client.get(paper.get_absolute_url()).content.decode()
    assert "I want a summary of this" in page

    response = ask(client, paper)
    assert response.status_code == 302 and response.url == paper.get_absolute_url()
    assert SummaryRequest.objects.filter(paper=paper, requester=reader).count() == 1
    # The reader's visit counts too, once a day.
    assert (fresh(paper).request_count, fresh(paper).views) == (1, 1)
    assert fresh(paper).demand == demand.demand_of(views=1, followers=0, requests=1)

    page = client.get(paper.get_absolute_url()).content.decode()
    assert "You asked for a summary of this paper" in page
    assert "Withdraw my request" in page
    assert "1 reader has asked for a summary" in page

    ask(client, paper, action="withdraw")
    assert not SummaryRequest.objects.filter(paper=paper).exists()
    assert (fresh(paper).request_count, fresh(paper).demand) == (0, demand.VIEW_WEIGHT)
    assert "I want a summary of this" in client.get(paper.get_absolute_url()).content.decode()


def test_asking_twice_counts_once_and_withdrawing_twice_is_harmless(client):
    paper = PaperFactory()
    client.force_login(UserFactory())
    for _ in range(3):
        ask(client, paper)
    assert fresh(paper).request_count == 1
    for _ in range(2):
        assert ask(client, paper, action="withdraw").status_code == 302
    assert fresh(paper).request_count == 0


def test_many_readers_add_up_and_each_counts_once(client):
    paper = PaperFactory()
    readers = [UserFactory() for _ in range(3)]
    for reader in readers:
        demand.request_summary(requester=reader, paper=paper)
        demand.request_summary(requester=reader, paper=paper)
    assert fresh(paper).request_count == 3
    readers[0].delete()  # a deleted account's request goes with it
    demand.recount([paper.pk])
    assert fresh(paper).request_count == 2


def test_visitors_cannot_ask_and_get_a_sign_in_link(client):
    paper = PaperFactory()
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "I want a summary of this" not in page
    assert "to ask for a summary of this paper" in page
    response = ask(client, paper)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not SummaryRequest.objects.exists()


def test_asking_needs_a_post_with_a_csrf_token(client):
    paper = PaperFactory()
    reader = UserFactory()
    client.force_login(reader)
    assert client.get(request_url(paper)).status_code == 405
    strict = client.__class__(enforce_csrf_checks=True)
    strict.force_login(reader)
    assert ask(strict, paper).status_code == 403
    assert not SummaryRequest.objects.exists()


def test_an_unknown_paper_is_a_404_and_next_cannot_leave_the_site(client):
    client.force_login(UserFactory())
    assert client.post("/papers/999999/request", {"action": "request"}).status_code == 404
    paper = PaperFactory()
    response = client.post(
        request_url(paper), {"action": "request", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == paper.get_absolute_url()


def test_asking_is_rate_limited(client, settings):
    paper = PaperFactory()
    client.force_login(UserFactory())
    for _ in range(ratelimit.SUMMARY_REQUEST.count):
        assert ask(client, paper).status_code == 302
    refused = ask(client, paper, action="withdraw")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert "nothing was changed" in refused.content.decode()
    assert fresh(paper).request_count == 1  # the refused withdrawal changed nothing


# -- follows and views ---------------------------------------------------------------


def test_following_a_paper_counts_towards_its_demand():
    paper = PaperFactory()
    follower = UserFactory()
    notifications.follow(follower=follower, paper=paper)
    notifications.follow(follower=follower, paper=paper)
    assert (fresh(paper).follower_count, fresh(paper).demand) == (1, demand.FOLLOW_WEIGHT)
    notifications.unfollow(follower=follower, paper=paper)
    assert (fresh(paper).follower_count, fresh(paper).demand) == (0, 0)


def test_a_visitor_is_counted_once_a_day_even_from_the_page_cache(client, settings):
    paper = PaperFactory()
    url = paper.get_absolute_url()
    client.get(url, REMOTE_ADDR="192.0.2.1")
    client.get(url, REMOTE_ADDR="192.0.2.1")  # from the page cache: the hook runs
    assert fresh(paper).views == 1
    client.get(url, REMOTE_ADDR="192.0.2.2")  # another visitor, served from the cache
    assert (fresh(paper).views, fresh(paper).demand) == (2, 2 * demand.VIEW_WEIGHT)


# -- the ranking ---------------------------------------------------------------------


def test_waiting_papers_are_the_asked_for_ranked_by_requests_then_demand():
    asked = PaperFactory(title="Asked for twice")
    asked_and_followed = PaperFactory(title="Asked for once, followed by three")
    followed = PaperFactory(title="Followed by three")
    viewed = PaperFactory(title="Viewed five times")
    explained = PaperFactory(title="Asked for but explained")
    hidden_only = PaperFactory(title="Only a private summary")
    downvoted = PaperFactory(title="Only a summary voted below zero")
    PaperFactory(title="Nobody cares")
    for _ in range(2):
        demand.request_summary(requester=UserFactory(), paper=asked)
    demand.request_summary(requester=UserFactory(), paper=asked_and_followed)
    for _ in range(3):
        notifications.follow(follower=UserFactory(), paper=followed)
        notifications.follow(follower=UserFactory(), paper=asked_and_followed)
    for n in range(5):
        demand.count_view(viewed.pk, visitor=f"visitor {n}")
    for _ in range(4):
        demand.request_summary(requester=UserFactory(), paper=explained)
    demand.request_summary(requester=UserFactory(), paper=hidden_only)
    demand.request_summary(requester=UserFactory(), paper=downvoted)
    SummaryFactory(paper=explained)
    SummaryFactory(paper=hidden_only, visibility="private")
    Summary.objects.filter(pk=SummaryFactory(paper=downvoted).pk).update(score=-1)

    titles = [paper.title for paper in demand.papers_waiting(limit=10)]
    # Follows and visits alone are no way onto the list; among papers asked for as
    # often, they break the tie.
    assert titles == [
        "Asked for twice",
        "Asked for once, followed by three",
        "Only a summary voted below zero",
        "Only a private summary",
    ]


def test_a_deleted_summary_puts_its_paper_back_on_the_list():
    paper = PaperFactory(title="Explained once")
    demand.request_summary(requester=UserFactory(), paper=paper)
    summary = SummaryFactory(paper=paper)
    assert demand.papers_waiting() == []
    Summary.objects.filter(pk=summary.pk).update(deleted_at=summary.updated_at)
    assert [p.title for p in demand.papers_waiting()] == ["Explained once"]


def test_the_waiting_list_is_read_down_the_requests_index(django_assert_max_num_queries):
    for n in range(30):
        paper = PaperFactory()
        Paper.objects.filter(pk=paper.pk).update(request_count=n, views=n, demand=n)
        if n % 2:
            SummaryFactory(paper=paper)
    with django_assert_max_num_queries(3):  # the papers, their authors, their identifiers
        waiting = demand.papers_waiting(limit=6)
        [paper.ordered_authors() for paper in waiting]
    assert [paper.request_count for paper in waiting] == [28, 26, 24, 22, 20, 18]


def test_merging_a_duplicate_carries_its_requests_and_visits():
    from precis.papers.services import merge_papers

    kept, duplicate = PaperFactory(), PaperFactory()
    both, only_duplicate = UserFactory(), UserFactory()
    for paper in (kept, duplicate):
        demand.request_summary(requester=both, paper=paper)
    demand.request_summary(requester=only_duplicate, paper=duplicate)
    Paper.objects.filter(pk=duplicate.pk).update(views=7)
    merge_papers(duplicate=fresh(duplicate), into=fresh(kept))
    kept = fresh(kept)
    assert (kept.request_count, kept.views) == (2, 7)
    assert kept.demand == demand.demand_of(views=7, followers=0, requests=2)


def test_a_paper_card_without_a_summary_says_how_many_asked(client):
    paper = PaperFactory(title="Wanted on a topic page", categories=["cs.LG"])
    for _ in range(2):
        demand.request_summary(requester=UserFactory(), paper=paper)
    page = client.get("/topics/cs.LG/").content.decode()
    assert "No summary yet; 2 readers have asked for one." in page
