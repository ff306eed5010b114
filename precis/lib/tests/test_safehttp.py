import itertools

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


# --------------------------------------------------------------------------
# Any public host (the image proxy)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.31.255.255", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - refused, not bound
        ("192.0.2.1", False),  # documentation
        ("198.18.0.1", False),  # benchmarking
        ("224.0.0.251", False),  # multicast
        ("240.0.0.1", False),  # reserved
        ("255.255.255.255", False),
        ("::", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("2002:a00:1::", False),  # 6to4 around 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo around 10.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64
        ("not an address", False),
    ],
)
def test_it_tells_public_addresses_from_internal_ones(address, public):
    assert safehttp.is_public_address(address) is public


def fake_resolver(table):
    def resolve(host, port, type=0, **kwargs):  # getaddrinfo names it "type"
        if host not in table:
            raise OSError("no such host")
        return [(2, type, 6, "", (address, port)) for address in table[host]]

    return resolve


def test_any_public_host_lifts_the_allowlist_but_pins_the_checked_address(network, monkeypatch):
    monkeypatch.setattr(safehttp, "resolve", fake_resolver({"pics.example": ["93.184.216.34"]}))
    network.route("https://93.184.216.34/p.png", b"png")
    response = safehttp.get("https://pics.example/p.png", any_public_host=True)
    assert response.content == b"png"
    assert response.url == "https://pics.example/p.png"
    assert network.requests[0].headers["Host"] == "pics.example"


@pytest.mark.parametrize(
    "url",
    ["ftp://pics.example/p.png", "https://pics.example:8443/p.png", "https://internal.example/"],
)
def test_any_public_host_refuses_other_schemes_ports_and_internal_names(network, monkeypatch, url):
    monkeypatch.setattr(
        safehttp,
        "resolve",
        fake_resolver({"pics.example": ["93.184.216.34"], "internal.example": ["10.0.0.2"]}),
    )
    with pytest.raises(safehttp.HostNotAllowed):
        safehttp.get(url, any_public_host=True)
    assert network.requests == []


def test_any_public_host_gives_up_on_a_server_that_sends_too_slowly(network, monkeypatch):
    monkeypatch.setattr(safehttp, "resolve", fake_resolver({"pics.example": ["93.184.216.34"]}))
    network.route("https://93.184.216.34/p.png", b"png")
    ticks = itertools.count(0, 100)  # every look at the clock finds 100 s gone
    monkeypatch.setattr(safehttp, "clock", lambda: next(ticks))
    with pytest.raises(safehttp.FetchError, match="took too long"):
        safehttp.get("https://pics.example/p.png", any_public_host=True, retries=0)
