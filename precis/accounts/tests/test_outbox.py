"""The demo's outbox: what the file e-mail backend wrote, listed in debug mode only."""

import os
import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from precis.accounts import outbox
from precis.accounts.tests.factories import signup_data

pytestmark = pytest.mark.django_db

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture
def demo_mail(settings, tmp_path):
    """The demo's configuration: DEBUG, and e-mail written to files under tmp_path."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = tmp_path
    return tmp_path


def send(subject, body, to="reader@example.org"):
    mail.send_mail(subject, body, "Precis <noreply@localhost>", [to])


def test_the_outbox_lists_sent_mail_newest_first_with_links_to_follow(client, demo_mail):
    send("First", "Open http://testserver/accounts/confirm-email/abc/ to confirm.")
    (first_file,) = demo_mail.iterdir()
    an_hour_ago = time.time() - 3600
    os.utime(first_file, (an_hour_ago, an_hour_ago))
    send("Second <b>bold</b>", "Nothing to click.", to="other@example.org")
    body = client.get(reverse("accounts:outbox")).content.decode()
    assert body.index("Second &lt;b&gt;bold&lt;/b&gt;") < body.index("First")
    assert "<b>bold</b>" not in body  # subjects are text, not HTML
    assert '<a href="http://testserver/accounts/confirm-email/abc/"' in body
    assert "To reader@example.org" in body and "To other@example.org" in body
    assert str(demo_mail) in body
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', body)


def test_the_outbox_does_not_exist_outside_debug_mode(client, demo_mail, settings):
    send("Secret", "A password link.")
    settings.DEBUG = False
    response = client.get(reverse("accounts:outbox"))
    assert response.status_code == 404
    assert b"Secret" not in response.content


def test_the_outbox_does_not_exist_when_mail_really_goes_out(client, demo_mail, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert client.get(reverse("accounts:outbox")).status_code == 404


def test_the_footer_links_the_outbox_only_in_debug_mode(client, demo_mail, settings):
    assert b'href="/accounts/outbox/"' in client.get(reverse("core:about")).content
    settings.DEBUG = False
    assert b'href="/accounts/outbox/"' not in client.get(reverse("core:conduct")).content


def test_check_your_e_mail_points_to_the_outbox_in_the_demo(client, demo_mail, settings):
    settings.SITE_URL_IS_SET = False  # as in the demo: links follow the request's host
    response = client.post(
        reverse("account_signup"),
        signup_data(
            username="demo",
            email="demo@example.org",
            password1="a long passphrase 42",
            password2="a long passphrase 42",
        ),
        follow=True,
    )
    body = response.content.decode()
    assert "<h1>Check your e-mail</h1>" in body
    assert 'href="/accounts/outbox/"' in body and "sends no real e-mail" in body
    outbox_page = client.get(reverse("accounts:outbox")).content.decode()
    assert "Confirm your e-mail address to finish joining" in outbox_page
    link = re.search(r'<a href="(http://testserver/accounts/confirm-email/[^"]+)"', outbox_page)
    assert link, "the confirmation link is clickable"
    confirm = client.get(link.group(1).removeprefix("http://testserver"))
    assert b"Confirm your e-mail address" in confirm.content


def test_the_outbox_bounds_how_many_messages_it_shows(client, demo_mail):
    connection = mail.get_connection()
    messages = [
        mail.EmailMessage(f"Message {n}", "Hello.", to=["a@example.org"]) for n in range(70)
    ]
    connection.send_messages(messages)  # one file holding seventy messages
    listed = outbox.newest_messages()
    assert len(listed) == outbox.SHOWN_MESSAGES
    body = client.get(reverse("accounts:outbox")).content.decode()
    assert body.count('class="outbox-message"') == outbox.SHOWN_MESSAGES
    assert "the newest 50 are shown" in body


def test_long_bodies_are_cut_and_odd_files_do_not_break_the_page(client, demo_mail):
    send("Long", "x" * (outbox.LONGEST_BODY + 500))
    (demo_mail / "garbage.log").write_bytes(b"\xff\xfe not an e-mail at all \x00")
    (demo_mail / "empty.log").write_bytes(b"")
    os.mkdir(demo_mail / "a-folder")
    response = client.get(reverse("accounts:outbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This message is longer" in body
    assert "x" * (outbox.LONGEST_BODY + 1) not in body


def test_an_outbox_folder_not_yet_made_is_an_empty_outbox(client, demo_mail, settings):
    settings.EMAIL_FILE_PATH = demo_mail / "not-yet"
    body = client.get(reverse("accounts:outbox")).content.decode()
    assert "Nothing has been sent yet" in body
