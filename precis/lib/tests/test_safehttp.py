import itertools
import json
import os
import subprocess
import sys
import threading

import httpx
import pytest
from django.core.cache import cache

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


def test_within_a_deadline_it_stops_retrying_before_the_deadline(network):
    network.fail(URL, httpx.ConnectError("refused"))
    started = safehttp.clock()
    with safehttp.within(10), pytest.raises(safehttp.FetchError, match="Could not reach"):
        safehttp.get(URL)
    # tried at 0, 2 and 6 s; the next try, after 8 s more, would come after the deadline
    assert len(network.requests) == 3
    assert safehttp.clock() - started == pytest.approx(6, abs=0.5)


def test_each_try_waits_no_longer_than_the_deadline_allows(network):
    network.route(URL, b"ok")
    with safehttp.within(4):
        safehttp.get(URL, timeout_seconds=20)
    assert network.requests[0].extensions["timeout"]["read"] <= 4
    safehttp.get(URL, timeout_seconds=20)
    assert network.requests[1].extensions["timeout"]["read"] == 20


def test_a_nested_block_keeps_the_earlier_end_and_the_fewer_retries(network, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(safehttp, "clock", lambda: now[0])
    network.route(URL, status=503)
    with safehttp.within(60, retries=1), safehttp.within(5, retries=2):
        with pytest.raises(safehttp.FetchError, match="answered 503 after 2 tries"):
            safehttp.get(URL)
        cache.clear()  # the failures above rest the host; this part is about the deadline
        now[0] = 106.0
        with pytest.raises(safehttp.FetchError, match="did not answer in time"):
            safehttp.get(URL)
    assert len(network.requests) == 2


def test_a_host_that_keeps_failing_is_left_alone_for_a_while(network):
    network.fail(URL, httpx.ConnectError("refused"))
    with pytest.raises(safehttp.FetchError, match="Could not reach"):
        safehttp.get(URL, retries=safehttp.BREAKER_FAILURES - 1)
    asked = len(network.requests)
    with pytest.raises(safehttp.FetchError, match="leaving it alone") as caught:
        safehttp.get(URL)
    assert caught.value.retryable
    assert len(network.requests) == asked  # not asked again
    other = "https://dblp.org/search/publ/api"
    network.route(other, b"{}")
    assert safehttp.get(other).status == 200  # other hosts are unaffected


def test_an_answer_clears_the_count_of_failures(network):
    assert safehttp.BREAKER_FAILURES == 3
    answers = iter([503, 200, 503, 503, 200])
    network.routes.append((URL, lambda request: httpx.Response(next(answers))))
    assert safehttp.get(URL).status == 200  # one failure, then an answer
    with pytest.raises(safehttp.FetchError, match="answered 503 after 2 tries"):
        safehttp.get(URL, retries=1)
    # three failures, but not in a row: the host is still asked
    assert safehttp.get(URL).status == 200
    assert len(network.requests) == 5


def test_it_caps_the_response_size(network):
    network.route(URL, b"x" * 5000)
    with pytest.raises(safehttp.FetchError, match="larger than 1,000 bytes") as caught:
        safehttp.get(URL, max_bytes=1000)
    assert not caught.value.retryable


def test_4xx_answers_are_returned_for_the_caller_to_judge(network):
    network.route(URL, b"not found", status=404)
    assert safehttp.get(URL).status == 404


# --------------------------------------------------------------------------
# Polite delays, site-wide: slots are reserved in the shared cache. Tests pin
# ``wall_clock`` and look at the reserved slots, never at how long anything took.
# --------------------------------------------------------------------------

T = 1_700_000_000.0  # a fixed "now"
ARXIV = "https://export.arxiv.org/api/query"


@pytest.fixture
def frozen_clock(monkeypatch):
    now = [T]
    monkeypatch.setattr(safehttp, "wall_clock", lambda: now[0])
    return now


def test_it_waits_between_requests_to_a_polite_host(network, monkeypatch, settings, frozen_clock):
    settings.OUTBOUND_HOST_DELAYS = {"api.crossref.org": 3.0}
    waits = []
    monkeypatch.setattr(safehttp, "sleep", waits.append)
    network.route(URL, b"ok")
    safehttp.get(URL)
    safehttp.get(URL)
    assert waits == [3.0]


def test_hosts_without_a_delay_reserve_nothing(network, settings, frozen_clock):
    settings.OUTBOUND_HOST_DELAYS = {}
    network.route(URL, b"ok")
    safehttp.get(URL)
    assert cache.get("safehttp:polite:api.crossref.org:next") is None


def test_replays_without_politeness_reserve_nothing(settings, frozen_clock):
    fake = httpx.MockTransport(lambda request: httpx.Response(200, content=b"ok"))
    with safehttp.use_transport(fake, polite=False):
        safehttp.get(ARXIV)
    assert cache.get("safehttp:polite:export.arxiv.org:next") is None


def test_concurrent_callers_get_successive_slots(network, monkeypatch, frozen_clock):
    """Four threads at the same moment: one goes now, the others 3, 6 and 9 s later."""
    waits = []
    monkeypatch.setattr(safehttp, "sleep", waits.append)  # list.append is thread-safe
    network.route(ARXIV, b"<feed/>")
    start = threading.Barrier(4)

    def fetch():
        start.wait()
        safehttp.get(ARXIV)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(network.requests) == 4
    assert sorted(waits) == [3.0, 6.0, 9.0]


def test_a_polite_wait_past_the_deadline_fails_and_reserves_nothing(
    network, settings, frozen_clock
):
    settings.OUTBOUND_HOST_DELAYS = {"api.crossref.org": 3.0}
    network.route(URL, b"ok")
    safehttp.get(URL)
    next_slot = cache.get("safehttp:polite:api.crossref.org:next")
    with safehttp.within(2), pytest.raises(safehttp.FetchError, match="would wait 3 s"):
        safehttp.get(URL)
    assert cache.get("safehttp:polite:api.crossref.org:next") == next_slot
    assert len(network.requests) == 1


def test_it_gives_up_rather_than_queue_a_request_too_long(frozen_clock):
    slots = [safehttp._reserve_slot("dblp.org", 5.0) for _ in range(3)]
    assert slots == [T, T + 5, T + 10]  # 10 s: the longest wait allowed
    with pytest.raises(safehttp.FetchError, match="would wait 15 s") as caught:
        safehttp._reserve_slot("dblp.org", 10.0, "https://dblp.org/rec/x")
    assert caught.value.retryable
    assert caught.value.url == "https://dblp.org/rec/x"
    frozen_clock[0] = T + 5  # the refused caller reserved nothing: the next slot is still T+15
    assert safehttp._reserve_slot("dblp.org", 5.0) == T + 15


def test_a_waiting_request_fails_with_a_fetch_error(network, frozen_clock):
    network.route(ARXIV, b"<feed/>")
    for _ in range(4):  # slots now, +3 s, +6 s, +9 s
        safehttp.get(ARXIV)
    with pytest.raises(safehttp.FetchError, match="Too many requests are waiting"):
        safehttp.get(ARXIV)
    assert len(network.requests) == 4


def test_an_idle_host_is_asked_at_once(frozen_clock):
    assert safehttp._reserve_slot("export.arxiv.org", 3.0) == T
    frozen_clock[0] = T + 100
    assert safehttp._reserve_slot("export.arxiv.org", 3.0) == T + 100
    assert safehttp._reserve_slot("export.arxiv.org", 3.0) == T + 103


def test_hosts_keep_separate_slots(frozen_clock):
    assert safehttp._reserve_slot("export.arxiv.org", 3.0) == T
    assert safehttp._reserve_slot("dblp.org", 1.0) == T
    assert safehttp._reserve_slot("dblp.org", 1.0) == T + 1


def test_a_lock_that_is_never_released_ends_in_a_fetch_error(monkeypatch, frozen_clock):
    cache.add("safehttp:polite:export.arxiv.org:lock", 1, timeout=60)  # a stuck holder
    monkeypatch.setattr(safehttp, "POLITE_LOCK_PATIENCE_SECONDS", 0.05)
    with pytest.raises(safehttp.FetchError, match="Too many requests are waiting"):
        safehttp._reserve_slot("export.arxiv.org", 3.0)


CHILD = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precis.settings")
django.setup()
from precis.lib import safehttp
safehttp.wall_clock = lambda: float(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps([safehttp._reserve_slot("polite.test", 1.0) for _ in range(5)]), flush=True)
"""


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="processes share slots only through Redis"
)
def test_two_processes_sharing_redis_get_successive_slots(settings):
    """Two app processes (as on two nodes) reserve five slots each at the same moment."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(T)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=settings.BASE_DIR,
        )
        for _ in range(2)
    ]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        for child in children:  # both start as close together as the OS allows
            child.stdin.write("go\n")
            child.stdin.flush()
        slots = [json.loads(child.stdout.readline()) for child in children]
    finally:
        for child in children:
            child.stdin.close()
            child.wait(timeout=30)
    assert sorted(slots[0] + slots[1]) == [T + 1.0 * n for n in range(10)]


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
