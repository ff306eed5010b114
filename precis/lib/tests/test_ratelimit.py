import pytest
from django.urls import reverse

from precis.lib import ratelimit, visitors
from precis.lib.ratelimit import allow
from precis.summaries.tests.factories import SummaryFactory


@pytest.fixture(autouse=True)
def frozen_window(monkeypatch):
    """Keep every request in one window, so no test straddles a window boundary."""
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_000_020.0)


def test_it_allows_up_to_the_limit_per_window():
    results = [allow("test", "actor", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert allow("test", "someone-else", limit=3, window_seconds=60)


def test_a_spent_limit_holds_through_a_wave_of_other_visitors():
    """The counters share their cache with a mark per visitor, object and day; a crowd
    of visits (a spam wave, a crawler) must not push a spent budget out of it."""
    for _ in range(4):
        allow("test", "spammer", limit=3, window_seconds=60)
    for number in range(2000):
        visitors.first_visit(f"192.0.2.{number % 250}/{number}", kind="paper", object_id=number)
        allow("test", f"crowd-{number}", limit=3, window_seconds=60)
    assert not allow("test", "spammer", limit=3, window_seconds=60)


@pytest.mark.django_db
def test_vote_floods_get_a_429_with_a_clear_message(client, alice, carol):
    summary = SummaryFactory(author=alice)
    client.force_login(carol)
    url = reverse("summaries:vote", args=[summary.pk])
    statuses = [
        client.post(url, {"value": "up"}, headers={"Accept": "application/json"}).status_code
        for _ in range(62)
    ]
    assert statuses[:60] == [200] * 60
    response = client.post(url, {"value": "up"}, headers={"Accept": "application/json"})
    assert response.status_code == 429
    assert "at most 60 per 60 seconds" in response.json()["detail"]
    page = client.post(url, {"value": "up"})
    assert page.status_code == 429
    assert "Please wait a moment" in page.content.decode()
