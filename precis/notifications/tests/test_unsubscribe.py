"""One-click unsubscribe links (``oneclick.UnsubscribeLink``), as notifications and the
for-you feed's e-mail both use them: no login, no CSRF token, one kind of e-mail each."""

import pytest
from django.core import signing
from django.test import Client

from precis.foryou import services as foryou
from precis.foryou.models import Profile
from precis.notifications import services
from precis.notifications.models import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def reader(carol):
    foryou.set_email_frequency(reader=carol, frequency="daily")
    return carol


def test_it_turns_off_one_kind_of_email_with_a_post_and_no_session(client, reader):
    path = f"/notifications/unsubscribe/{services.unsubscribe_token(reader, Kind.REPLY)}"
    assert "Stop e-mails about: reply to your comment?" in client.get(path).content.decode()
    assert client.post(path).status_code == 200
    reader.refresh_from_db()
    assert reader.email_on_reply is False
    assert reader.email_on_comment is True
    assert reader.email_frequency != "off"


def test_the_all_email_link_turns_all_of_it_off(client, reader):
    path = f"/notifications/unsubscribe/{services.unsubscribe_token(reader)}"
    assert "Stop all e-mail?" in client.get(path).content.decode()
    client.post(path)
    reader.refresh_from_db()
    assert reader.email_frequency == "off"


def test_links_in_emails_sent_before_keep_working(client, reader):
    # The tokens' salts and contents are those of the links already in people's inboxes.
    old_notification = signing.dumps(
        {"u": reader.pk, "k": "comment"}, salt="precis.notifications.unsubscribe"
    )
    old_feed = signing.dumps({"u": reader.pk}, salt="precis.foryou.unsubscribe")
    assert old_notification == services.unsubscribe_token(reader, Kind.COMMENT)
    assert old_feed == foryou.unsubscribe_token(reader)
    assert client.post(f"/notifications/unsubscribe/{old_notification}").status_code == 200
    assert client.post(f"/for-you/unsubscribe/{old_feed}").status_code == 200
    reader.refresh_from_db()
    assert reader.email_on_comment is False
    assert Profile.objects.get(user=reader).email_frequency == "off"


def test_a_feed_token_does_nothing_to_notification_email(client, reader):
    token = foryou.unsubscribe_token(reader)
    assert client.get(f"/notifications/unsubscribe/{token}").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 404
    reader.refresh_from_db()
    assert reader.email_frequency != "off"


@pytest.mark.parametrize(
    "path",
    [
        lambda user: f"/notifications/unsubscribe/{services.unsubscribe_token(user)}",
        lambda user: f"/for-you/unsubscribe/{foryou.unsubscribe_token(user)}",
    ],
    ids=["notifications", "for-you"],
)
def test_a_link_whose_account_is_gone_is_404(client, reader, path):
    link = path(reader)
    reader.delete()
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
