"""Requests (issue 13): who counts, moderators' hides, /requests/, claims, and the news
requesters get when a summary comes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from precis.accounts.models import TrustLevel, User
from precis.accounts.tests.factories import UserFactory
from precis.lib import ratelimit
from precis.moderation import services as moderation
from precis.moderation.models import Action
from precis.notifications import services as notifications
from precis.notifications.models import Kind, Notification
from precis.papers import claims, demand
from precis.papers.models import Paper, SummaryClaim, SummaryRequest
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services as summaries
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

REQUESTS = "/requests/"


def fresh(paper):
    return Paper.objects.get(pk=paper.pk)


def newcomer(**fields):
    """An account made a moment ago, at trust level New: its requests do not count."""
    return UserFactory(trust_level=TrustLevel.NEW, **fields)


def ask(client, paper, action="request", next_url=None):
    return client.post(
        reverse("papers:request_summary", args=[paper.pk]),
        {"action": action, "next": next_url or paper.get_absolute_url()},
    )


def claim(client, paper, action="claim", next_url=None):
    return client.post(
        reverse("papers:claim", args=[paper.pk]),
        {"action": action, "next": next_url or paper.get_absolute_url()},
    )


def page(client, path=REQUESTS, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, (path, params)
    return response.content.decode()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# -- who counts ------------------------------------------------------------------------


def test_a_fresh_accounts_request_is_kept_but_not_counted():
    paper = PaperFactory(title="Wanted by a newcomer")
    reader = newcomer()
    assert demand.request_summary(requester=reader, paper=paper)
    assert SummaryRequest.objects.filter(requester=reader, paper=paper).exists()
    assert (fresh(paper).request_count, fresh(paper).demand) == (0, 0)
    assert not demand.is_counted(reader)
    assert demand.papers_waiting() == []
    # Three days on (or at trust level Basic), the same request counts.
    User.objects.filter(pk=reader.pk).update(date_joined=timezone.now() - timedelta(days=4))
    demand.recount([paper.pk])
    assert fresh(paper).request_count == 1
    assert [p.title for p in demand.papers_waiting()] == ["Wanted by a newcomer"]
    basic = UserFactory(trust_level=TrustLevel.BASIC)
    demand.request_summary(requester=basic, paper=paper)
    assert fresh(paper).request_count == 2


def test_a_wave_of_fresh_accounts_cannot_put_a_spam_paper_on_the_waiting_lists(client):
    spam = PaperFactory(title="BUY CHEAP PILLS bibtex paste")
    for _ in range(25):
        client.force_login(newcomer())
        assert ask(client, spam).status_code == 302
        for n in range(3):  # and rotating the User-Agent to look like many visitors
            client.get(spam.get_absolute_url(), HTTP_USER_AGENT=f"bot {n}")
    client.logout()
    assert SummaryRequest.objects.filter(paper=spam).count() == 25
    assert fresh(spam).request_count == 0
    assert fresh(spam).views > 0  # visits still count as demand …
    assert "BUY CHEAP PILLS" not in page(client, "/")  # … but are no way onto the lists
    assert "BUY CHEAP PILLS" not in page(client)


def test_follows_count_only_from_accounts_in_good_standing():
    paper = PaperFactory()
    notifications.follow(follower=newcomer(), paper=paper)
    assert fresh(paper).follower_count == 0
    notifications.follow(follower=UserFactory(), paper=paper)
    assert (fresh(paper).follower_count, fresh(paper).demand) == (1, demand.FOLLOW_WEIGHT)


def test_a_suspension_takes_the_weight_away_at_once_and_lifting_it_gives_it_back(bob):
    paper = PaperFactory()
    reader, other = UserFactory(), UserFactory()
    demand.request_summary(requester=reader, paper=paper)
    demand.request_summary(requester=other, paper=paper)
    assert fresh(paper).request_count == 2
    moderation.suspend(moderator=bob, person=reader, days=7, reason="Rude.")
    assert fresh(paper).request_count == 1
    assert fresh(paper).demand == demand.demand_of(views=0, followers=0, requests=1)
    moderation.lift_suspension(moderator=bob, person=User.objects.get(pk=reader.pk))
    assert fresh(paper).request_count == 2


def test_a_spammer_mark_a_hidden_profile_and_a_deactivation_each_recount(bob):
    paper = PaperFactory()
    spammer, hidden, gone = UserFactory(), UserFactory(), UserFactory()
    for person in (spammer, hidden, gone):
        demand.request_summary(requester=person, paper=paper)
    assert fresh(paper).request_count == 3
    moderation.mark_spammer(moderator=bob, person=spammer)
    assert fresh(paper).request_count == 2
    hidden.save_moderation("hidden", "Profile spam.")
    assert fresh(paper).request_count == 1
    gone.is_active = False
    gone.save()
    assert fresh(paper).request_count == 0


def test_a_save_that_changes_no_standing_costs_no_query(django_assert_num_queries):
    person = UserFactory()
    demand.request_summary(requester=person, paper=PaperFactory())
    person = User.objects.get(pk=person.pk)
    person.bio = "Reads papers."
    with django_assert_num_queries(1):  # the UPDATE itself
        person.save()


def test_a_deleted_account_takes_its_requests_out_of_the_count():
    paper = PaperFactory()
    leaving = UserFactory()
    demand.request_summary(requester=leaving, paper=paper)
    demand.request_summary(requester=UserFactory(), paper=paper)
    leaving.delete()
    assert fresh(paper).request_count == 1


def test_the_daily_run_recounts_what_changed_with_time_alone(bob):
    paper = PaperFactory()
    grown, served = newcomer(), UserFactory()
    demand.request_summary(requester=grown, paper=paper)
    demand.request_summary(requester=served, paper=paper)
    moderation.suspend(moderator=bob, person=served, days=1, reason="Cool off.")
    assert fresh(paper).request_count == 0
    # Time passes: no save of either account (and so no signal) says so.
    now = timezone.now()
    User.objects.filter(pk=grown.pk).update(date_joined=now - timedelta(days=3, hours=1))
    User.objects.filter(pk=served.pk).update(suspended_until=now - timedelta(hours=1))
    assert fresh(paper).request_count == 0
    call_command("update_trust_levels", verbosity=0)
    assert fresh(paper).request_count == 2


def test_a_recount_of_everything_is_idempotent():
    paper = PaperFactory()
    demand.request_summary(requester=UserFactory(), paper=paper)
    Paper.objects.filter(pk=paper.pk).update(request_count=40, demand=400)
    assert demand.recount_all() >= 1
    assert demand.recount_all() >= 1
    assert (fresh(paper).request_count, fresh(paper).demand) == (1, demand.REQUEST_WEIGHT)


# -- moderators take papers off the lists ----------------------------------------------


def wanted(title="Wanted paper", n=1, **fields):
    paper = PaperFactory(title=title, **fields)
    for _ in range(n):
        demand.request_summary(requester=UserFactory(), paper=paper)
    return fresh(paper)


def test_a_moderator_hides_a_paper_from_the_waiting_lists_from_its_page(client, bob):
    paper = wanted("Spam paper pasted as BibTeX")
    assert "Spam paper pasted" in page(client, "/") and "Spam paper pasted" in page(client)
    client.force_login(bob)
    body = page(client, paper.get_absolute_url())
    assert "Hide from the waiting lists" in body
    url = reverse("moderation:waiting", args=[paper.pk])
    nul = client.post(url, {"action": "hide", "reason": "Not a paper.\x00"})
    assert nul.status_code == 400 and fresh(paper).waiting_hidden_at is None
    response = client.post(
        url, {"action": "hide", "reason": "Not a \u202e paper.", "next": paper.get_absolute_url()}
    )
    assert response.status_code == 302 and response.url == paper.get_absolute_url()
    paper = fresh(paper)
    assert paper.waiting_hidden_by == bob and paper.waiting_hidden_at is not None
    assert paper.waiting_hidden_reason == "Not a paper."
    action = Action.objects.get(verb="hid from requests")
    assert (action.moderator, action.reason, action.target) == (bob, "Not a paper.", paper)
    assert "Off the waiting lists since" in page(client, paper.get_absolute_url())
    assert "hid from requests" in page(client, reverse("moderation:log"))
    client.logout()
    assert "Spam paper pasted" not in page(client, "/")
    assert "Spam paper pasted" not in page(client)
    assert SummaryRequest.objects.filter(paper=paper).count() == 1  # requests are kept
    # And back.
    client.force_login(bob)
    client.post(url, {"action": "show", "next": REQUESTS})
    assert fresh(paper).waiting_hidden_at is None
    assert Action.objects.filter(verb="showed in requests", moderator=bob).count() == 1
    client.logout()
    assert "Spam paper pasted" in page(client)


def test_hiding_needs_a_reason_and_a_moderator(client, bob, carol):
    paper = wanted()
    url = reverse("moderation:waiting", args=[paper.pk])
    client.force_login(carol)
    assert client.post(url, {"action": "hide", "reason": "Mine now."}).status_code == 404
    assert client.get(reverse("moderation:requests")).status_code == 404
    assert "Hide from the waiting lists" not in page(client, paper.get_absolute_url())
    client.force_login(bob)
    client.post(url, {"action": "hide", "reason": " \u202e\t "})
    assert fresh(paper).waiting_hidden_at is None
    assert client.post(url, {"action": "hide", "reason": "x" * 200_000}).status_code == 302
    assert len(fresh(paper).waiting_hidden_reason) == 300
    assert client.post("/moderation/papers/99999999999/waiting", {}).status_code == 404
    assert client.get(url).status_code == 405


def test_moderators_review_the_waiting_lists_from_the_queue(client, bob):
    listed = wanted("On the list now")
    hidden = wanted("Taken off before")
    demand.hide_from_waiting_lists(paper=hidden, moderator=bob, reason="Spam.")
    client.force_login(bob)
    assert reverse("moderation:requests") in page(client, reverse("moderation:queue"))
    body = page(client, reverse("moderation:requests"))
    assert listed.title in body and hidden.title in body
    assert "Put back on the waiting lists" in body and "“Spam.”" in body


# -- /requests/ ------------------------------------------------------------------------


def test_the_requests_page_lists_the_most_wanted_without_a_good_summary(client):
    wanted("Asked by three", n=3)
    wanted("Asked by one", n=1)
    explained = wanted("Asked but explained", n=5)
    SummaryFactory(paper=explained)
    downvoted = wanted("Asked, only a downvoted summary", n=2)
    Summary.objects.filter(pk=SummaryFactory(paper=downvoted).pk).update(score=-2)
    held = wanted("Asked, only a held summary", n=4)
    SummaryFactory(paper=held).save_moderation("held", "Waiting.")
    body = page(client)
    titles = [
        "Asked, only a held summary",
        "Asked by three",
        "Asked, only a downvoted",
        "Asked by one",
    ]
    assert [body.index(title) for title in titles] == sorted(body.index(t) for t in titles)
    assert "Asked but explained" not in body
    assert "3 readers asked" in body
    # Reached from the navigation and from the home page's list.
    assert f'href="{REQUESTS}"' in page(client, "/")
    assert "All papers readers want explained" in page(client, "/")


def test_the_requests_page_filters_by_field_and_venue(client):
    icml = VenueFactory(key="icml", name="ICML")
    wanted("Learning paper at ICML", venue=icml, categories=["cs.LG"])
    wanted("Probability paper at ICML", venue=icml, categories=["math.PR"])
    wanted("Learning paper elsewhere", categories=["cs.LG"])
    body = page(client, field="math")
    assert "Probability paper" in body and "Learning paper" not in body
    body = page(client, venue="icml")
    assert "Learning paper at ICML" in body and "Probability paper at ICML" in body
    assert "Learning paper elsewhere" not in body
    body = page(client, venue="icml", field="cs")
    assert "Learning paper at ICML" in body
    assert "Probability" not in body and "elsewhere" not in body
    assert 'value="icml" selected' in body
    body = page(client, venue="icml", field="bio")
    assert "No paper at ICML in this field is waiting" in body


def test_the_requests_page_is_paginated_in_few_queries(
    client, no_page_cache, django_assert_max_num_queries
):
    for n in range(25):
        wanted(f"Paper number {n:02d}", n=1 + n // 10)
    with django_assert_max_num_queries(8):
        body = page(client)
    assert "Page 1 of 2" in body and body.count('class="requests-paper"') == 20
    body = page(client, page="2")
    assert body.count('class="requests-paper"') == 5
    assert 'rel="prev"' in body


@pytest.mark.parametrize(
    "params, status",
    [
        ({"page": "99999999999999999999"}, 200),
        ({"page": "-3"}, 200),
        ({"page": "1\x00"}, 400),
        ({"page": "\x1b[31m"}, 200),
        ({"field": "astrology"}, 404),
        ({"field": "cs\x00"}, 400),
        ({"venue": "no-such-venue"}, 404),
        ({"venue": "icml\x00"}, 400),
        ({"venue": "\u202eicml"}, 404),
        ({"venue": "v" * 200_000}, 404),
        ({"field": "x" * 200_000}, 404),
        ({"utm_source": "mail"}, 200),
    ],
)
def test_hostile_parameters_get_a_clear_answer_never_a_500(client, params, status):
    """A NUL anywhere in a request is refused by the site's middleware (400)."""
    VenueFactory(key="icml")
    wanted()
    assert client.get(REQUESTS, params).status_code == status


def test_its_filters_leave_the_page_in_the_page_cache(client):
    VenueFactory(key="icml")
    wanted(venue=VenueFactory(key="icml"))
    query = {"field": "cs", "venue": "icml", "page": "1"}
    client.get(REQUESTS, query)
    assert "ETag" in client.get(REQUESTS, query)  # kept, and served from the cache


def test_a_signed_in_reader_asks_and_withdraws_from_the_requests_page(client, carol):
    paper = wanted("Ask me too")
    client.force_login(carol)
    assert "I want one too" in page(client)
    response = ask(client, paper, next_url=f"{REQUESTS}#paper-{paper.pk}")
    assert response.status_code == 302 and response.url == f"{REQUESTS}#paper-{paper.pk}"
    assert fresh(paper).request_count == 2
    body = page(client)
    assert "Withdraw my request" in body and "2 readers asked" in body
    ask(client, paper, action="withdraw", next_url=REQUESTS)
    assert fresh(paper).request_count == 1


def test_cached_pages_follow_requests_and_claims(alice, carol):
    paper = wanted("A cached paper", n=1)
    visitor = Client()
    assert "1 reader asked" in page(visitor)
    assert "1 reader asked" in page(visitor)  # from the page cache now
    before = page(visitor, paper.get_absolute_url())
    assert "is writing a summary" not in before
    reader = Client()
    reader.force_login(carol)
    ask(reader, paper)
    assert "2 readers asked" in page(visitor)
    writer = Client()
    writer.force_login(alice)
    claim(writer, paper)
    assert "Alice Writer</a> is writing a summary" in page(visitor)
    assert "Alice Writer</a> is writing a summary" in page(visitor, paper.get_absolute_url())
    claim(writer, paper, action="release")
    assert "is writing a summary" not in page(visitor)
    assert "is writing a summary" not in page(visitor, paper.get_absolute_url())


def test_the_requests_page_reveals_no_private_unlisted_or_anonymous_writing(client, alice):
    paper = wanted("Asked, with only unshared summaries", n=2)
    SummaryFactory(author=alice, paper=paper, source="Zanzibar private words", visibility="private")
    SummaryFactory(paper=paper, source="Unlisted quokka words", visibility="unlisted")
    body = page(client)
    assert "Asked, with only unshared summaries" in body
    assert "Zanzibar" not in body and "quokka" not in body and "Alice" not in body


# -- claims ----------------------------------------------------------------------------


def test_a_writer_claims_a_paper_others_see_it_and_cannot_claim_it_too(client, alice, carol):
    paper = wanted("Claim me")
    client.force_login(alice)
    assert "I’ll write it" in page(client, paper.get_absolute_url())
    response = claim(client, paper)
    assert response.status_code == 302
    held = SummaryClaim.objects.get(paper=paper)
    assert held.writer == alice and held.closed_at is None
    assert held.expires_at - held.claimed_at == timedelta(days=7)
    assert "You are writing a summary of this paper" in page(client, paper.get_absolute_url())
    # A double submit is the same claim, not a longer one.
    claim(client, paper)
    assert SummaryClaim.objects.get(paper=paper).expires_at == held.expires_at
    until = claims.until_label(held)
    client.force_login(carol)
    body = page(client)
    assert "Alice Writer</a> is writing a summary, until" in body and until in body
    assert "Alice Writer</a> is writing a summary, until" in page(client, paper.get_absolute_url())
    claim(client, paper)
    assert SummaryClaim.objects.filter(paper=paper).count() == 1
    message = page(client, paper.get_absolute_url())
    assert "Alice Writer is writing a summary of this paper, until" in message
    assert SummaryClaim.objects.get(paper=paper).writer == alice


def test_the_claimer_releases_it_and_another_writer_may_claim(client, alice, carol):
    paper = wanted()
    claims.claim_paper(writer=alice, paper=paper)
    client.force_login(carol)
    claim(client, paper, action="release")  # not hers to release
    assert claims.claim_of(paper).writer == alice
    client.force_login(alice)
    claim(client, paper, action="release", next_url=REQUESTS)
    closed = SummaryClaim.objects.get(paper=paper)
    assert closed.outcome == "released" and closed.closed_at is not None
    assert claims.claim_of(paper) is None
    assert claims.claim_paper(writer=carol, paper=paper).writer == carol


def test_a_claim_runs_out_on_its_date_without_a_job(alice, carol):
    paper = wanted()
    long_ago = timezone.now() - timedelta(days=8)
    claims.claim_paper(writer=alice, paper=paper, now=long_ago)
    assert claims.claim_of(paper) is None  # read from the date
    assert claims.claims_of([paper]) == {}
    taken = claims.claim_paper(writer=carol, paper=paper)
    assert taken.writer == carol
    old = SummaryClaim.objects.get(writer=alice)
    assert old.outcome == "expired" and old.closed_at == old.expires_at


def test_one_writer_holds_a_few_claims_at_most(client, alice, settings):
    settings.CLAIMS_PER_WRITER = 2
    first, second, third = wanted("First"), wanted("Second"), wanted("Third")
    claims.claim_paper(writer=alice, paper=first)
    claims.claim_paper(writer=alice, paper=second)
    with pytest.raises(claims.ClaimRefused, match="as many as one writer may"):
        claims.claim_paper(writer=alice, paper=third)
    client.force_login(alice)
    claim(client, third)
    assert "as many as one writer may" in page(client, third.get_absolute_url())
    claims.release_claim(writer=alice, paper=first)
    assert claims.claim_paper(writer=alice, paper=third).paper == third


def test_publishing_the_summary_fulfils_the_claim_and_a_private_save_does_not(alice):
    paper = wanted()
    claims.claim_paper(writer=alice, paper=paper)
    summaries.save_summary(author=alice, paper=paper, source="Draft.", visibility="private")
    assert claims.claim_of(paper) is not None
    summaries.save_summary(
        author=alice, paper=paper, source="Done.", visibility="public", anonymous=True
    )
    done = SummaryClaim.objects.get(paper=paper)
    assert done.outcome == "fulfilled" and claims.claim_of(paper) is None


def test_claims_need_requests_a_standing_account_and_a_listed_paper(client, alice, bob):
    unasked = PaperFactory()
    with pytest.raises(claims.ClaimRefused, match="readers asked for"):
        claims.claim_paper(writer=alice, paper=unasked)
    hidden = wanted()
    demand.hide_from_waiting_lists(paper=hidden, moderator=bob, reason="Spam.")
    with pytest.raises(claims.ClaimRefused, match="not taking claims"):
        claims.claim_paper(writer=alice, paper=hidden)
    paper = wanted()
    claims.claim_paper(writer=alice, paper=paper)
    moderation.suspend(moderator=bob, person=alice, days=3, reason="Cool off.")
    assert claims.claim_of(paper) is None  # a suspension ends the claim
    assert SummaryClaim.objects.get(paper=paper).outcome == "cancelled"
    with pytest.raises(claims.ClaimRefused, match="cannot claim"):
        claims.claim_paper(writer=User.objects.get(pk=alice.pk), paper=paper)


def test_claiming_is_a_post_with_csrf_for_the_signed_in_and_rate_limited(client, alice):
    paper = wanted()
    url = reverse("papers:claim", args=[paper.pk])
    response = client.post(url, {"action": "claim"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(alice)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(url, {"action": "claim"}).status_code == 403
    assert client.post("/papers/99999999999999/claim", {"action": "claim"}).status_code == 404
    response = client.post(url, {"action": "claim\x1b", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == paper.get_absolute_url()
    for _ in range(ratelimit.SUMMARY_CLAIM.count - 1):
        claim(client, paper, action="release")
    refused = claim(client, paper)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert claims.claim_of(paper) is None


def test_a_merged_duplicate_carries_its_claim(alice):
    from precis.papers.services import merge_papers

    kept, duplicate = wanted("Kept"), wanted("Duplicate")
    claims.claim_paper(writer=alice, paper=duplicate)
    merge_papers(duplicate=fresh(duplicate), into=fresh(kept))
    assert claims.claim_of(kept).writer == alice


# -- requesters hear when a summary comes ----------------------------------------------


def test_requesters_hear_of_a_public_summary_once_in_app_and_by_email(alice, carol, commit):
    paper = PaperFactory(title="Graph convolutional networks")
    demand.request_summary(requester=carol, paper=paper)
    notifications.follow(follower=carol, paper=paper)  # following too: one notification
    quiet = UserFactory(email_on_followed=False)
    demand.request_summary(requester=quiet, paper=paper)
    with commit():
        summary = SummaryFactory(author=alice, paper=paper)
    note = Notification.objects.get(recipient=carol)
    assert note.kind == Kind.REQUESTED
    assert (
        note.text == "Alice Writer summarised “Graph convolutional networks”, which you asked for"
    )
    assert note.url == summary.get_absolute_url()
    assert Notification.objects.filter(recipient=quiet, kind=Kind.REQUESTED).count() == 1
    assert [message.to for message in mail.outbox] == [[carol.email]]  # quiet: in-app only


def test_private_unlisted_held_and_anonymous_summaries_tell_requesters_nothing_more(
    alice, carol, bob, commit
):
    paper = PaperFactory()
    demand.request_summary(requester=carol, paper=paper)
    with commit():
        summaries.save_summary(author=alice, paper=paper, source="Secret.", visibility="private")
        summaries.save_summary(author=alice, paper=paper, source="Link.", visibility="unlisted")
    assert not Notification.objects.exists() and mail.outbox == []
    held_writer = newcomer()
    with commit():
        held = SummaryFactory(author=held_writer, paper=paper)
    held.refresh_from_db()
    assert held.is_held and not Notification.objects.exists()
    with commit():
        moderation.approve(moderator=bob, row=held)
    assert Notification.objects.filter(recipient=carol, kind=Kind.REQUESTED).count() == 1
    with commit():
        SummaryFactory(author=alice, paper=paper, anonymous=True)  # public now, anonymously
    latest = Notification.objects.filter(recipient=carol).order_by("-pk").first()
    assert latest.actor_name == "Anonymous" and "Alice" not in latest.text
    body = mail.outbox[-1].body + mail.outbox[-1].alternatives[0][0]
    assert "Alice" not in body and "alice" not in body.replace(carol.email, "")
