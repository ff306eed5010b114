import httpx
import pytest

from precis.lib import safehttp

URL = "https://api.crossref.org/works/10.1000/x"


def test_it_sends_a_descriptive_user_agent_and_returns_the_body(network):
    network.route(URL, b'{"ok": true}')
    response = safehttp.get(URL)
    assert response.status == 200
    assert response.content == b'{"ok": true}'
    agent = network.requests[0].headers["User-Agent"]
    assert agent.startswith("Precis/") and "mailto:" in agent


def test_it_refuses_hosts_off_the_allowlist():
    with pytest.raises(safehttp.HostNotAllowed):
        safehttp.get("https://evil.example/steal")


def test_it_refuses_everything_when_offline(settings):
    settings.OUTBOUND_HTTP = False
    with pytest.raises(safehttp.Offline, match="offline"):
        safehttp.get(URL)


def test_it_retries_server_errors_with_backoff_then_succeeds(network, monkeypatch):
    waits = []
    monkeypatch.setattr(safehttp, "sleep", waits.append)
    answers = iter([503, 502, 200])

    def flaky(request):
        return httpx.Response(next(answers), content=b"done")

    network.routes.append((URL, flaky))
    assert safehttp.get(URL).content == b"done"
    assert len(network.requests) == 3
    assert waits[:2] == [2, 4]  # exponential backoff, in seconds


def test_it_honours_retry_after(network, monkeypatch):
    waits = []
    monkeypatch.setattr(safehttp, "sleep", waits.append)
    answers = iter([httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200)])
    network.routes.append((URL, lambda request: next(answers)))
    safehttp.get(URL)
    assert 7 in waits


def test_it_gives_up_with_a_clear_message(network):
    network.route(URL, status=503)
    with pytest.raises(safehttp.FetchError, match="answered 503 after 4 tries") as caught:
        safehttp.get(URL)
    assert caught.value.retryable


def test_connection_failures_become_fetch_errors(network):
    network.fail(URL, httpx.ConnectError("refused"))
    with pytest.raises(safehttp.FetchError, match=r"Could not reach api\.crossref\.org"):
        safehttp.get(URL, retries=1)


def test_it_caps_the_response_size(network):
    network.route(URL, b"x" * 5000)
    with pytest.raises(safehttp.FetchError, match="larger than 1,000 bytes") as caught:
        safehttp.get(URL, max_bytes=1000)
    assert not caught.value.retryable


def test_4xx_answers_are_returned_for_the_caller_to_judge(network):
    network.route(URL, b"not found", status=404)
    assert safehttp.get(URL).status == 404


def test_it_waits_between_requests_to_a_polite_host(network, monkeypatch, settings):
    settings.OUTBOUND_HOST_DELAYS = {"api.crossref.org": 3.0}
    waits = []
    monkeypatch.setattr(safehttp, "sleep", waits.append)
    monkeypatch.setattr(safehttp, "_last_request_at", {})
    network.route(URL, b"ok")
    safehttp.get(URL)
    safehttp.get(URL)
    assert len(waits) == 1 and 2.9 < waits[0] <= 3.0
