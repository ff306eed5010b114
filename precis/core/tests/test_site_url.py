"""Absolute URLs follow the address the site was reached on when SITE_URL is unset (the
demo on any PORT), SITE_URL when it is set, and SITE_URL (from PORT) without a request."""

import json
import os
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from precis.accounts.tests.factories import signup_data
from precis.core.siteurl import absolute, site_url
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory
from precis.testing import manage_python

pytestmark = pytest.mark.django_db

HOST_A = "127.0.0.1:8123"
HOST_B = "localhost:9000"


@pytest.fixture
def unset_site_url(settings):
    """The demo's situation: no SITE_URL in the environment."""
    settings.SITE_URL_IS_SET = False
    settings.SITE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def summary(alice):
    paper = PaperFactory(title="Deep residual learning", arxiv="1512.03385")
    return SummaryFactory(author=alice, paper=paper, source="Shortcuts help. See [it](/venues/).")


def canonical(body: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', body).group(1)


def test_pages_link_to_the_host_and_port_they_were_asked_on(client, unset_site_url, summary):
    body = client.get(summary.get_absolute_url(), HTTP_HOST=HOST_A).content.decode()
    assert canonical(body) == f"http://{HOST_A}{summary.get_absolute_url()}"
    assert f'content="http://{HOST_A}{summary.get_absolute_url()}"' in body  # og:url
    assert f'href="http://{HOST_A}/feeds/summaries.atom"' in body
    assert "127.0.0.1:8000" not in body


def test_a_cached_page_is_never_served_to_another_host(client, unset_site_url, summary):
    url = summary.paper.get_absolute_url()
    first = client.get(url, HTTP_HOST=HOST_A)
    assert first.status_code == 200 and first.has_header("ETag")  # kept in the page cache
    again = client.get(url, HTTP_HOST=HOST_A)
    assert again["ETag"] == first["ETag"]  # and served from it
    other = client.get(url, HTTP_HOST=HOST_B).content.decode()
    assert canonical(other) == f"http://{HOST_B}{url}"
    assert HOST_A not in other


def test_https_through_a_trusted_proxy_gives_https_links(client, unset_site_url, summary):
    body = client.get(
        summary.get_absolute_url(),
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR="127.0.0.1",
    ).content.decode()
    assert canonical(body).startswith("https://localhost/")


def test_a_client_cannot_claim_https_or_a_foreign_host(client, unset_site_url, summary):
    posing = client.get(
        summary.get_absolute_url(), HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.9"
    )
    assert canonical(posing.content.decode()).startswith("http://testserver/")
    assert client.get(summary.get_absolute_url(), HTTP_HOST="evil.example").status_code == 400


def test_feeds_robots_and_sitemaps_follow_the_host(client, unset_site_url, summary):
    feed = client.get("/feeds/summaries.atom", HTTP_HOST=HOST_A).content.decode()
    assert f"http://{HOST_A}{summary.get_absolute_url()}" in feed
    assert f'href="http://{HOST_A}/venues/"' in feed  # links inside the summary, too
    assert "127.0.0.1:8000" not in feed
    robots = client.get("/robots.txt", HTTP_HOST=HOST_A).content.decode()
    assert f"Sitemap: http://{HOST_A}/sitemap.xml" in robots
    index = client.get("/sitemap.xml", HTTP_HOST=HOST_A).content.decode()
    assert f"http://{HOST_A}/sitemap-" in index


def test_the_api_lookup_answers_with_the_hosts_urls_and_caches_per_host(
    client, unset_site_url, summary
):
    answers = {}
    for host in (HOST_A, HOST_B):
        response = client.get("/api/v1/lookup", {"arxiv": "1512.03385"}, HTTP_HOST=host)
        answers[host] = json.loads(response.content)
    assert answers[HOST_A]["url"] == f"http://{HOST_A}{summary.paper.get_absolute_url()}"
    assert answers[HOST_B]["url"] == f"http://{HOST_B}{summary.paper.get_absolute_url()}"


def test_account_e_mails_link_to_the_host_the_person_joined_on(client, unset_site_url):
    client.post(
        reverse("account_signup"),
        signup_data(
            username="porter",
            email="porter@example.org",
            password1="a long passphrase 42",
            password2="a long passphrase 42",
        ),
        HTTP_HOST=HOST_A,
    )
    (message,) = mail.outbox
    assert f"http://{HOST_A}/accounts/confirm-email/" in message.body
    assert message.body.rstrip().endswith(f"http://{HOST_A}/")


def test_a_set_site_url_wins_over_the_host(client, settings, summary):
    settings.SITE_URL_IS_SET = True
    settings.SITE_URL = "https://precis.example.org"
    body = client.get(summary.get_absolute_url(), HTTP_HOST=HOST_A).content.decode()
    assert canonical(body) == f"https://precis.example.org{summary.get_absolute_url()}"


def test_account_e_mails_link_to_a_set_site_url_not_the_host(client, settings, alice):
    settings.SITE_URL_IS_SET = True
    settings.SITE_URL = "https://precis.example.org"
    client.post(reverse("account_reset_password"), {"email": alice.email}, HTTP_HOST=HOST_A)
    (message,) = mail.outbox
    assert "https://precis.example.org/accounts/password/reset/key/" in message.body
    assert HOST_A not in message.body


def test_without_a_request_site_url_is_used(unset_site_url, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    assert site_url() == "http://127.0.0.1:8123"
    assert absolute("/notifications/") == "http://127.0.0.1:8123/notifications/"


def test_during_a_request_code_without_it_gets_the_requests_host(unset_site_url, summary):
    # The feed's presenters never see the request; the middleware lends them its base.
    body = Client().get(f"/feeds/papers/{summary.paper.pk}.atom", HTTP_HOST=HOST_B).content
    assert f"http://{HOST_B}/".encode() in body
    assert site_url() == "http://127.0.0.1:8000"  # and takes it back afterwards


def test_site_url_defaults_to_the_demos_port(tmp_path):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path),
        "PORT": "8123",
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.SITE_URL, settings.SITE_URL_IS_SET]))"
    )
    assert manage_python(code, env=environment) == ["http://127.0.0.1:8123", False]
    environment["SITE_URL"] = "https://precis.example.org/"
    assert manage_python(code, env=environment) == ["https://precis.example.org", True]
