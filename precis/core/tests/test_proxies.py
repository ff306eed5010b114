"""The client address behind trusted proxies, and forged forwarding headers from anyone else."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from precis.core.proxies import client_address
from precis.lib import env, ratelimit


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),  # one proxy
        ("10.0.0.5", "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two of ours
        ("10.0.0.5", "forged, 203.0.113.9", "203.0.113.9"),  # the client's own claim ignored
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not a proxy of ours: header ignored
        ("10.0.0.5", "", "10.0.0.5"),  # nothing forwarded
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "10.0.0.6, 10.0.0.7", "10.0.0.6"),  # only our proxies: the farthest
        ("10.0.0.5", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_reads_the_client_from_the_right_of_the_chain(proxies, remote, forwarded, client):
    assert client_address(remote, forwarded) == client


def seen_address(client, **headers):
    """The REMOTE_ADDR a view sees, via the rate limiter's actor for a visitor."""
    captured = {}

    def spy(action, actor, **kwargs):
        captured["actor"] = actor
        return True

    original = ratelimit.allow
    ratelimit.allow = spy
    try:
        client.get("/api/v1/health", **headers)
    finally:
        ratelimit.allow = original
    return captured["actor"]


@pytest.mark.django_db
def test_clients_behind_one_proxy_get_their_own_rate_limit_buckets(proxies):
    client = Client(REMOTE_ADDR="10.0.0.5")
    first = seen_address(client, HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = seen_address(client, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert first != second


@pytest.mark.django_db
def test_a_direct_client_cannot_pose_as_another_address_or_as_https(proxies):
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert seen_address(client, HTTP_X_FORWARDED_FOR="203.0.113.1") == seen_address(client)
    response = client.get("/about/", HTTP_X_FORWARDED_PROTO="https")
    assert response.wsgi_request.is_secure() is False
    behind_proxy = Client(REMOTE_ADDR="10.0.0.5").get("/about/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.wsgi_request.is_secure() is True


def test_a_malformed_proxy_list_stops_start_up(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, nginx")
    with pytest.raises(ImproperlyConfigured, match="nginx"):
        env.networks("TRUSTED_PROXIES", [])
