"""The page cache: signed-out readers get copies, and no copy outlives a write."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path, reverse
from django.utils import timezone

from precis.accounts.tests.factories import PASSWORD
from precis.core import generations
from precis.importers.base import AuthorName, PaperRecord
from precis.papers.models import Paper
from precis.papers.services import upsert_papers
from precis.papers.tests.factories import PaperFactory
from precis.search.tasks import index_papers_task
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def visitor(address="192.0.2.10"):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT="reader")


def get_counting_queries(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_second_visitor_gets_the_page_without_a_query_and_can_revalidate(alice):
    summary = SummaryFactory(author=alice, source="Cached words.")
    first, rendering = get_counting_queries(visitor(), summary.paper.get_absolute_url())
    second, copying = get_counting_queries(visitor("192.0.2.11"), summary.paper.get_absolute_url())
    assert rendering > 0
    assert copying == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    again = visitor().get(
        summary.paper.get_absolute_url(), headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304
    assert not again.content


def test_a_new_public_summary_shows_to_visitors_at_once(client, alice):
    paper = PaperFactory()
    reader = visitor()
    assert "Brand new insight" not in reader.get("/").content.decode()
    assert "Brand new insight" not in reader.get(paper.get_absolute_url()).content.decode()
    client.force_login(alice)
    client.post(
        reverse("summaries:write", args=[paper.pk]),
        {"source": "Brand new insight, clearly put.", "visibility": "public", "save": ""},
    )
    assert "Brand new insight" in reader.get("/").content.decode()
    assert "Brand new insight" in reader.get(paper.get_absolute_url()).content.decode()


def test_a_vote_moves_the_score_visitors_see_within_seconds(client, alice, carol, settings):
    summary = SummaryFactory(author=alice)
    client.force_login(carol)
    reader = visitor()
    assert 'title="score">0<' in reader.get(summary.get_absolute_url()).content.decode()
    client.post(reverse("summaries:vote", args=[summary.pk]), {"value": "up"})
    # A vote is a soft write: the copy may serve the old score for a few seconds more
    # (a wave of votes re-renders each page once per VOTE_STALENESS_SECONDS, no more).
    stale, queries = get_counting_queries(reader, summary.get_absolute_url())
    assert 'title="score">0<' in stale.content.decode()
    assert queries == 0  # the copy: nothing rendered (views are counted in the cache)
    settings.VOTE_STALENESS_SECONDS = 0
    assert 'title="score">1<' in reader.get(summary.get_absolute_url()).content.decode()


def test_a_moderator_hiding_something_removes_it_from_cached_pages(client, alice, bob):
    summary = SummaryFactory(author=alice, source="Buy cheap watches here.")
    reader = visitor()
    assert "cheap watches" in reader.get(summary.paper.get_absolute_url()).content.decode()
    client.force_login(bob)
    client.post(
        reverse("moderation:item", args=["summary", summary.pk]),
        {"action": "hide", "preset": "Spam or advertising."},
    )
    assert Summary.objects.get(pk=summary.pk).moderation == "hidden"
    assert "cheap watches" not in reader.get(summary.paper.get_absolute_url()).content.decode()


def test_a_finished_background_task_refreshes_cached_pages(alice):
    SummaryFactory(author=alice)
    before = generations.current()
    index_papers_task.enqueue([])
    assert generations.current() != before


def test_signed_in_readers_never_get_a_visitors_copy(client, alice):
    summary = SummaryFactory(author=alice)
    visitor().get(summary.get_absolute_url())
    client.force_login(alice)
    response, queries = get_counting_queries(client, summary.get_absolute_url())
    assert queries > 0
    assert "Sign out" in response.content.decode()
    assert not response.has_header("ETag")


def test_views_of_cached_pages_still_count_once_per_visitor(alice):
    summary = SummaryFactory(author=alice)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.2", "192.0.2.3"):
        assert visitor(address).get(summary.get_absolute_url()).status_code == 200
    assert Summary.objects.get(pk=summary.pk).views == 3


def test_unlisted_summaries_are_cached_but_not_counted(alice):
    summary = SummaryFactory(author=alice, visibility="unlisted")
    for address in ("192.0.2.1", "192.0.2.2"):
        assert visitor(address).get(summary.get_absolute_url()).status_code == 200
    assert Summary.objects.get(pk=summary.pk).views == 0


def test_a_missing_page_is_not_kept(alice):
    reader = visitor()
    _, first = get_counting_queries(reader, "/papers/999999/nothing/")
    response, second = get_counting_queries(reader, "/papers/999999/nothing/")
    assert response.status_code == 404
    assert second == first > 0


def test_nothing_is_cached_for_json_or_api_clients(alice):
    summary = SummaryFactory(author=alice)
    reader = visitor()
    reader.get(summary.get_absolute_url())
    _, queries = get_counting_queries(reader, summary.get_absolute_url(), Accept="application/json")
    assert queries > 0
    reader.get("/api/v1/papers")
    _, queries = get_counting_queries(reader, "/api/v1/papers")
    assert queries > 0


def page_with_a_form(request):
    return HttpResponse(f"<form><input name=csrfmiddlewaretoken value={get_token(request)}>")


urlpatterns = [path("form/", page_with_a_form)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_with_a_csrf_token_is_never_shared():
    first = Client(enforce_csrf_checks=True)
    token = first.get("/form/").content
    second = Client(enforce_csrf_checks=True)
    assert second.get("/form/").content != token


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_cache_can_be_turned_off(alice):
    summary = SummaryFactory(author=alice)
    reader = visitor()
    reader.get(summary.get_absolute_url())
    response, queries = get_counting_queries(reader, summary.get_absolute_url())
    assert queries > 0
    assert not response.has_header("ETag")


def test_a_long_lists_total_is_counted_once_until_the_next_write(client, alice, bob):
    SummaryFactory(author=alice)
    client.force_login(bob)  # a moderator: every page rendered for them (readerpages.py)
    _, first = get_counting_queries(client, "/")
    response, second = get_counting_queries(client, "/")
    # the list's total, the site's three counts and the papers waiting for a summary
    assert second == first - 5
    assert response.context["summary_total"] == 1
    SummaryFactory(author=alice, paper=PaperFactory())
    response, third = get_counting_queries(client, "/")
    assert third == first
    assert response.context["summary_total"] == 2


def test_fragments_shared_by_signed_in_readers_follow_writes(client, alice, carol):
    summary = SummaryFactory(author=alice)
    client.force_login(carol)
    for url in ("/", summary.paper.get_absolute_url(), summary.get_absolute_url()):
        assert summary.paper.title in client.get(url).content.decode()
    summary.paper.title = "A retitled paper"
    summary.paper.save()
    for url in ("/", summary.paper.get_absolute_url(), summary.get_absolute_url()):
        assert "A retitled paper" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "query", ["?utm_source=spam", "?page=1&page=2", "?q=" + "x" * 400, "?tab=recent&x=1"]
)
def test_urls_with_parameters_no_page_reads_are_rendered_but_not_kept(alice, query):
    summary = SummaryFactory(author=alice)
    reader = visitor()
    url = summary.paper.get_absolute_url() + query
    first = reader.get(url)
    response, queries = get_counting_queries(reader, url)
    assert first.status_code == response.status_code
    assert queries > 0
    assert not response.has_header("ETag")


def test_the_parameters_pages_read_are_kept(alice):
    SummaryFactory(author=alice)
    reader = visitor()
    reader.get("/?tab=recent&page=1")
    _, queries = get_counting_queries(reader, "/?tab=recent&page=1")
    assert queries == 0


def test_a_failed_sign_in_leaves_cached_pages_alone(client, alice):
    summary = SummaryFactory(author=alice)
    reader = visitor()
    reader.get(summary.paper.get_absolute_url())
    response = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    assert response.status_code == 200  # the form again, with its error
    _, queries = get_counting_queries(reader, summary.paper.get_absolute_url())
    assert queries == 0


def test_signing_in_leaves_cached_pages_alone(client, alice, carol):
    # Signing in writes last_login, which no page shows.
    summary = SummaryFactory(author=alice)
    reader = visitor()
    reader.get(summary.paper.get_absolute_url())
    generation = generations.current()
    response = client.post(reverse("account_login"), {"login": "carol", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:settings")).status_code == 200  # signed in
    carol.refresh_from_db()
    assert carol.last_login is not None
    assert generations.current() == generation
    _, queries = get_counting_queries(reader, summary.paper.get_absolute_url())
    assert queries == 0


def test_a_profile_edit_refreshes_cached_pages(client, carol):
    reader = visitor()
    assert "Carol Renamed" not in reader.get(carol.get_absolute_url()).content.decode()
    client.post(reverse("account_login"), {"login": "carol", "password": PASSWORD})
    generation = generations.current()
    response = client.post(
        reverse("accounts:settings"),
        {"display_name": "Carol Renamed", "bio": "Hi.", "email_frequency": "daily"},
    )
    assert response.status_code == 302
    assert generations.current() != generation
    assert "Carol Renamed" in reader.get(carol.get_absolute_url()).content.decode()


def test_a_save_of_last_login_with_any_other_field_refreshes_cached_pages(carol):
    generation = generations.current()
    carol.last_login = timezone.now()
    carol.save(update_fields=["last_login"])
    assert generations.current() == generation
    carol.bio = "New words."
    carol.save(update_fields=["last_login", "bio"])
    assert generations.current() != generation


def test_papers_imported_in_bulk_show_on_cached_pages(django_capture_on_commit_callbacks):
    # An import writes rows in bulk, without model signals, and may run inside a GET
    # (/arxiv/<id>) or a command, where no request or task moves the generation on.
    def record(title):
        return PaperRecord(
            title=title,
            authors=[AuthorName("Ada Lovelace")],
            year=2017,
            venue_key="nips",
            identifiers={},
            source="dblp",
        )

    with django_capture_on_commit_callbacks(execute=True):
        upsert_papers([record("Notes on the analytical engine")])
    author_page = Paper.objects.get().ordered_authors()[0].get_absolute_url()
    reader = visitor()
    assert "Bernoulli numbers" not in reader.get(author_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        upsert_papers([record("Computing the Bernoulli numbers")])
    assert "Bernoulli numbers" in reader.get(author_page).content.decode()


def test_a_copy_re_rendered_after_a_vote_is_the_one_served_next(client, alice, carol, settings):
    """Each process holds the copies it last read or kept (generations.NearCopies): the
    copy a vote outdated must give way to its replacement, not be rendered again and
    again."""
    summary = SummaryFactory(author=alice)
    address = summary.get_absolute_url()
    reader = visitor()
    reader.get(address)
    client.force_login(carol)
    client.post(reverse("summaries:vote", args=[summary.pk]), {"value": "up"})
    settings.VOTE_STALENESS_SECONDS = 0
    renewed, rendering = get_counting_queries(reader, address)
    assert 'title="score">1<' in renewed.content.decode()
    assert rendering > 0
    for _ in range(3):
        again, copying = get_counting_queries(reader, address)
        assert copying == 0
        assert again.content == renewed.content
