"""Reporting from the site: a quiet link on every kind of item, a form, the service's answers."""

import re

import pytest
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services as discussions
from precis.moderation import services
from precis.moderation.models import Flag, Report
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

from .factories import KIND_NAMES, make, make_moderator

pytestmark = pytest.mark.django_db


def report_url(kind, row):
    return reverse("moderation:report", args=[kind, row.pk])


def page_of(kind, row):
    """The page that shows ``row`` (where its Report link is)."""
    if kind == "comment":
        return row.summary.get_absolute_url()
    if kind == "answer":
        return row.question.get_absolute_url()
    return row.get_absolute_url()


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_it_reports_every_kind_and_thanks_the_reporter(client, alice, carol, kind):
    row = make(kind, alice)
    client.force_login(carol)
    page = client.get(page_of(kind, row))
    assert report_url(kind, row) in page.content.decode()  # the quiet link
    form = client.get(report_url(kind, row))
    assert form.status_code == 200
    assert 'type="radio" name="reason" value="wrong_paper"' in form.content.decode()
    response = client.post(report_url(kind, row), {"reason": "spam", "text": "Selling essays."})
    assert response.status_code == 302
    assert response.url == row.get_absolute_url()
    followed = client.get(response.url, follow=True)
    assert "Thanks — a moderator will look at it." in followed.content.decode()
    made = Report.objects.get()
    assert (made.reporter, made.reason, made.text, made.target) == (
        carol,
        "spam",
        "Selling essays.",
        row,
    )
    assert Flag.objects.open().get().cause == "reported"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_authors_and_visitors_see_no_report_link(client, alice, kind):
    row = make(kind, alice)
    assert report_url(kind, row) not in client.get(page_of(kind, row)).content.decode()
    client.force_login(alice)
    assert report_url(kind, row) not in client.get(page_of(kind, row)).content.decode()


def test_it_sends_visitors_to_sign_in(client, alice):
    summary = make("summary", alice)
    response = client.get(report_url("summary", summary))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_what_the_reporter_cannot_see_is_404(client, alice, carol):
    private = SummaryFactory(author=alice, paper=PaperFactory(), visibility="private")
    comment = make("comment", alice)
    moderator = make_moderator()
    services.hide(moderator=moderator, row=comment, reason="Abuse.")
    deleted = discussions.ask_question(author=alice, paper=PaperFactory(), title="Gone?")
    discussions.delete_question(question=deleted, editor=alice)
    client.force_login(carol)
    for url in (
        report_url("summary", private),
        report_url("comment", comment),
        report_url("question", deleted),
        reverse("moderation:report", args=["paper", private.paper_id]),
        reverse("moderation:report", args=["summary", 2**40]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "spam"}).status_code == 404, url
    assert not Report.objects.exists()


def test_other_needs_words_and_the_form_keeps_what_was_chosen(client, alice, carol):
    summary = make("summary", alice)
    client.force_login(carol)
    response = client.post(report_url("summary", summary), {"reason": "other", "text": "  "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say in a few words what is wrong." in page
    assert re.search(r'value="other"[^>]* checked', page)
    assert not Report.objects.exists()


def test_the_services_refusals_are_shown_with_the_text_kept(client, alice, carol):
    summary = make("summary", alice)
    client.force_login(alice)  # one's own writing: the link is not offered, the service says no
    response = client.post(report_url("summary", summary), {"reason": "abuse", "text": "Mine."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "You cannot report your own writing." in page
    assert ">Mine.</textarea>" in page
    services.suspend(moderator=make_moderator(), person=carol, days=1, reason="Flooding.")
    client.force_login(carol)
    response = client.post(report_url("summary", summary), {"reason": "spam", "text": "Ads."})
    page = response.content.decode()
    assert "Your account is suspended; you cannot report for now." in page
    assert ">Ads.</textarea>" in page
    assert not Report.objects.exists()


def test_the_rate_limit_is_explained(client, alice, carol, monkeypatch):
    from precis.lib import ratelimit

    monkeypatch.setattr(ratelimit, "allows", lambda limit, actor: limit is not services.REPORT)
    summary = make("summary", alice)
    client.force_login(carol)
    response = client.post(report_url("summary", summary), {"reason": "spam"})
    assert "many reports this hour" in response.content.decode()


def test_reporting_twice_is_thanked_and_counted_once(client, alice, carol):
    summary = make("summary", alice)
    client.force_login(carol)
    for reason in ("spam", "abuse"):
        assert client.post(report_url("summary", summary), {"reason": reason}).status_code == 302
    assert Report.objects.count() == 1
    assert Flag.objects.open().get().report_count == 1


def test_control_characters_are_dropped_from_report_text(client, alice):
    summary = make("summary", alice)
    client.force_login(UserFactory())
    client.post(report_url("summary", summary), {"reason": "other", "text": "Bad\u202e\x07 text"})
    assert Report.objects.get().text == "Bad text"
