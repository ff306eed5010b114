"""The feed by e-mail (opt-in, unsubscribe, once per period) and as Atom (private token)."""

from datetime import timedelta

import feedparser
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from precis.collections import services as collections
from precis.foryou import services, training
from precis.foryou.emails import send_feed_emails
from precis.foryou.models import Profile
from precis.notifications.services import unsubscribe_token as all_mail_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(reader, corpus):
    collection = collections.create_collection(owner=reader, title="My secret reading list")
    for paper in corpus.folding[:3]:
        collections.add_item(collection=collection, paper=paper)
    training.train_readers([reader.pk])
    return Profile.objects.get(user=reader)


# -- e-mail -----------------------------------------------------------------------------


def test_no_one_gets_the_email_without_asking(trained):
    assert send_feed_emails() == 0
    assert mail.outbox == []


def test_a_reader_who_asks_gets_it_once_a_day(trained, reader, corpus):
    services.set_email_frequency(reader=reader, frequency="daily")
    now = timezone.now()
    assert send_feed_emails(now=now) == 1
    assert send_feed_emails(now=now + timedelta(hours=2)) == 0  # safe to run twice
    message = mail.outbox[0]
    assert message.to == [reader.email]
    assert "Papers for you today" in message.subject
    assert corpus.folding[3].title in message.body
    assert "Because you collected" in message.body
    assert "/for-you/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert corpus.folding[3].title in html
    assert send_feed_emails(now=now + timedelta(days=1)) == 1


def test_weekly_readers_get_it_once_a_week(trained, reader):
    services.set_email_frequency(reader=reader, frequency="weekly")
    now = timezone.now()
    assert send_feed_emails(now=now) == 1
    assert send_feed_emails(now=now + timedelta(days=3)) == 0
    assert send_feed_emails(now=now + timedelta(days=7)) == 1
    assert "this week" in mail.outbox[0].subject


def test_turning_all_email_off_stops_it_too(trained, reader):
    services.set_email_frequency(reader=reader, frequency="daily")
    reader.email_frequency = "off"
    reader.save(update_fields=["email_frequency"])
    assert send_feed_emails() == 0


def test_the_stop_all_email_link_stops_it(client, trained, reader):
    services.set_email_frequency(reader=reader, frequency="daily")
    client.post(f"/notifications/unsubscribe/{all_mail_token(reader)}")
    assert send_feed_emails() == 0


def test_the_one_click_unsubscribe_turns_it_off(client, trained, reader):
    services.set_email_frequency(reader=reader, frequency="daily")
    send_feed_emails()
    link = next(
        line.strip() for line in mail.outbox[0].body.splitlines() if "/for-you/unsubscribe/" in line
    )
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert "Stop e-mailing your feed?" in page.content.decode()
    assert client.post("/" + path).status_code == 200  # no session, no CSRF token
    assert Profile.objects.get(user=reader).email_frequency == "off"


@pytest.mark.parametrize("token", ["nope", "%00", "x" * 200_000, "%ED%A0%80"])
def test_a_bad_unsubscribe_token_is_404(client, token):
    # A NUL in a path is refused site-wide with 400 before any view; the rest find no one.
    assert client.get(f"/for-you/unsubscribe/{token}").status_code in {400, 404}
    assert client.post(f"/for-you/unsubscribe/{token}").status_code in {400, 404}


def test_a_token_from_notifications_does_not_unsubscribe_here(client, trained, reader):
    services.set_email_frequency(reader=reader, frequency="daily")
    assert client.post(f"/for-you/unsubscribe/{all_mail_token(reader)}").status_code == 404
    assert Profile.objects.get(user=reader).email_frequency == "daily"


def test_nothing_is_sent_without_picks(reader):
    services.set_email_frequency(reader=reader, frequency="daily")
    assert send_feed_emails() == 0


def test_the_command_sends_them(trained, reader):
    from io import StringIO

    services.set_email_frequency(reader=reader, frequency="daily")
    out = StringIO()
    call_command("send_foryou_emails", stdout=out)
    assert "Sent 1 feed e-mail(s)." in out.getvalue()


# -- Atom -----------------------------------------------------------------------------------


def feed_path(profile) -> str:
    return f"/for-you/feed/{profile.feed_token}.atom"


def test_the_feed_lists_the_picks_and_names_no_one(client, trained, reader, corpus):
    response = client.get(feed_path(trained))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    feed = feedparser.parse(body)
    titles = [entry.title for entry in feed.entries]
    assert titles[0] in {p.title for p in corpus.folding[3:]}
    assert "Because you collected" in body
    for identity in (reader.username, reader.display_name, reader.email, "My secret reading list"):
        assert identity not in body


def test_the_feed_is_never_kept_by_a_shared_cache(client, trained, settings):
    settings.PAGE_CACHE_SECONDS = 300
    response = client.get(feed_path(trained))
    directives = response["Cache-Control"]
    assert "private" in directives and "no-store" in directives
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    old = feed_path(trained)
    services.new_feed_address(reader=trained.user)
    # A new address retires the old one at once: no copy of it is served from a cache.
    assert client.get(old).status_code == 404


def test_a_new_address_works_and_the_old_one_is_404(client, trained, reader):
    client.force_login(reader)
    old = feed_path(trained)
    assert client.post("/for-you/feed-address").status_code == 302
    fresh = Profile.objects.get(user=reader)
    assert fresh.feed_token != trained.feed_token
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(feed_path(fresh)).status_code == 200


@pytest.mark.parametrize("token", ["wrong", "%00", "a" * 200_000, "%ED%A0%80", ""])
def test_a_wrong_feed_token_is_404(client, trained, token):
    assert client.get(f"/for-you/feed/{token}.atom").status_code in {400, 404}


def test_a_deactivated_readers_feed_is_404(client, trained, reader):
    reader.is_active = False
    reader.save(update_fields=["is_active"])
    assert client.get(feed_path(trained)).status_code == 404
