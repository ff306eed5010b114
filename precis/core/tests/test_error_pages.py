"""The 404 and 500 pages: the site's own, in production and in the demo (DEBUG on)."""

import pytest
from django.http import Http404
from django.test import Client
from django.urls import include, path

from precis.core import errorpages

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("a bug in a view")


def missing(request):
    raise Http404("No such comment.")


# This module is also a URLconf: the site's, plus views that fail.
urlpatterns = [
    path("boom/", explode),
    path("missing/", missing),
    path("", include("precis.urls")),
]
handler404 = "precis.core.errorpages.not_found"
handler500 = "precis.core.errorpages.server_error"


@pytest.fixture(params=["production", "demo"])
def configuration(request, settings):
    """Both ways the site runs: DEBUG off, and `make demo`'s DEBUG on."""
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = request.param == "demo"
    settings.DEBUG_TECHNICAL_ERRORS = False
    return request.param


def assert_helpful(body: str):
    assert 'class="site-header"' in body
    assert 'role="search"' in body and 'id="error-q"' in body
    for href in ('href="/"', 'href="/venues/"', 'href="/papers/add"', 'href="/about/"'):
        assert href in body, href
    assert "URLconf" not in body and "Traceback" not in body and "urlpatterns" not in body


def test_an_unknown_address_gets_the_real_404(client, configuration):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Page not found</h1>" in body
    assert_helpful(body)


def test_a_view_raising_404_shows_its_readers_message(client, configuration):
    response = client.get("/missing/")
    assert response.status_code == 404
    assert "No such comment." in response.content.decode()


def test_djangos_model_wording_is_not_shown_to_readers(client, configuration):
    response = client.get("/papers/987654/some-slug/")
    assert response.status_code == 404
    assert "matches the given query" not in response.content.decode()


def test_a_paper_like_address_suggests_searching_for_it(client, configuration):
    body = client.get("/papers/987654/deep-residual-learning/").content.decode()
    assert "Looking for a paper about “deep residual learning”" in body
    assert 'value="deep residual learning"' in body  # the search box is filled in


def test_an_arxiv_address_on_our_host_suggests_looking_it_up(client, configuration):
    body = client.get("/abs/1512.03385v2").content.decode()
    assert 'href="/arxiv/1512.03385"' in body and 'data-remote-busy="Looking up…"' in body


def test_a_doi_in_the_address_suggests_looking_it_up(client, configuration):
    body = client.get("/pdf/10.1109/CVPR.2016.90").content.decode()
    assert 'href="/doi/10.1109/CVPR.2016.90"' in body


def test_a_hostile_address_is_only_ever_text(client, configuration):
    body = client.get('/papers/1/"><script>alert(1)</script>/').content.decode()
    assert "<script>alert" not in body


def test_an_address_without_its_slash_still_redirects_in_both(client, configuration):
    response = client.get("/about")
    assert response.status_code == 301 and response["Location"] == "/about/"


def test_a_crash_shows_the_real_500_page(configuration, settings):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in body
    assert_helpful(body)
    assert "a bug in a view" not in body
    assert ("make demo" in body) == (configuration == "demo")


def test_the_500_page_falls_back_to_plain_html_when_it_cannot_be_drawn(settings, monkeypatch):
    settings.ROOT_URLCONF = __name__

    def broken(*args, **kwargs):
        raise RuntimeError("templates are broken too")

    monkeypatch.setattr(errorpages, "render_to_string", broken)
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b'action="/search"' in response.content


def test_a_developer_can_ask_for_djangos_technical_pages(client, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_ERRORS = True
    assert b"URLconf" in client.get("/no/such/page/").content
    response = Client(raise_request_exception=False).get("/boom/")
    assert b"a bug in a view" in response.content


def test_the_demo_runs_with_these_settings():
    """`make demo` runs with DEBUG on and the site's error pages: this file tests that."""
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    demo_env = next(line for line in makefile.splitlines() if line.startswith("DEMO_ENV"))
    assert "DEBUG=true" in demo_env and "DEBUG_TECHNICAL_ERRORS" not in demo_env
