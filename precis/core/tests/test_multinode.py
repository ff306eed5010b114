"""Stateless app nodes: two gunicorn nodes behind nginx, sharing PostgreSQL and Redis.

A load run goes through nginx while one node is stopped (SIGTERM, as a deploy does)
or killed (SIGKILL, as a dying machine does): nginx passes a dead node's requests
to the other one, so readers see no error. A sign-in on one node holds on the
other, and a rate limit spent on one is spent on both. Runs on the PostgreSQL pass
with REDIS_URL set, and needs Debian's nginx (`.ci/run` installs nginx-light).
`pytest -s` prints the counts.
"""

import re
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from precis.core.management.commands.load_demo import DEMO_PASSWORD
from precis.testing_nodes import NGINX, Cluster, Load, fetch

pytestmark = [
    pytest.mark.xdist_group("nodes"),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="app nodes share PostgreSQL and Redis: needs DATABASE_URL=postgres://… and REDIS_URL",
    ),
    pytest.mark.skipif(NGINX is None, reason="needs nginx (Debian: apt-get install nginx-light)"),
]

# Enough answers per phase to show who served them; counts, not seconds, so a slow
# machine only makes the run longer.
BEFORE_PER_NODE = 25
AFTER = 100


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(
        tmp_path_factory.mktemp("nodes"),
        database_url=settings.DATABASE_URL,
        redis_url=settings.REDIS_URL,
    )
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def nodes(cluster):
    """Both nodes serving, whatever an earlier test stopped."""
    cluster.start_stopped_nodes()
    return cluster.nodes["a"], cluster.nodes["b"]


@pytest.fixture(scope="module")
def pages(cluster) -> list[str]:
    """What a reader opens: home, a paper, a summary, a search, the API, the stylesheet."""
    home = fetch(cluster.port, "/").text
    paper_id, paper_path = re.search(r'href="(/papers/(\d+)/[\w-]+/)"', home).group(2, 1)
    summary_path = re.search(r'href="(/summaries/\d+/)"', home).group(1)
    stylesheet = re.search(r'href="(/static/css/[^"]+)"', home).group(1)
    paths = [
        *("/", paper_path, summary_path, "/search?q=learning"),
        *(f"/api/v1/papers/{paper_id}", stylesheet),
    ]
    for path in paths:
        assert fetch(cluster.port, path, forwarded_for="192.0.2.1").status == 200, path
    return paths


def served_by(load, cluster, phase) -> Counter:
    """Answers of ``phase`` by the node that finally answered (X-Upstream's last entry)."""
    return Counter(
        cluster.node_at(a.upstreams[-1]) for a in load.answers if a.phase == phase and a.upstreams
    )


def report(title: str, load: Load, cluster: Cluster) -> None:
    print(f"\n{title}: {len(load.answers)} requests through nginx")
    for phase in ("before", "stopping", "after"):
        answers = [a for a in load.answers if a.phase == phase]
        retried = sum(len(a.upstreams) > 1 for a in answers)
        failed = [a.error or a.status for a in answers if a.failed]
        print(
            f"  {phase:>8}: {len(answers):4} requests, by node {dict(served_by(load, cluster, phase))},"
            f" passed on by nginx {retried}, failed {len(failed)} {failed[:5] or ''}"
        )
    print(f"  statuses: {dict(Counter(a.status for a in load.answers))}")


def run_load_while(stop_node, *, cluster, pages, stopped, survivor) -> tuple[Load, int]:
    """Load through nginx; once both nodes served, ``stop_node()``; on until the survivor served
    more. Returns the run and how many requests were in flight when the stop began."""
    with Load(cluster.port, pages) as load:
        load.wait_until(
            lambda: (
                min(served_by(load, cluster, "before")[n.name] for n in (stopped, survivor))
                >= BEFORE_PER_NODE
            )
        )
        in_flight = load.set_phase("stopping")
        stop_node()
        assert not stopped.running
        load.set_phase("after")
        load.wait_until(lambda: served_by(load, cluster, "after").total() >= AFTER)
    return load, in_flight


def test_it_answers_every_request_while_a_node_shuts_down(cluster, nodes, pages):
    stopped, survivor = nodes
    load, _ = run_load_while(
        stopped.stop, cluster=cluster, pages=pages, stopped=stopped, survivor=survivor
    )

    report(f"SIGTERM to node {stopped.name}", load, cluster)
    assert Counter(a.status for a in load.answers) == {200: len(load.answers)}
    assert served_by(load, cluster, "before").keys() == {stopped.name, survivor.name}
    assert served_by(load, cluster, "after").keys() == {survivor.name}


def test_it_loses_no_more_than_the_requests_in_flight_when_a_node_dies(cluster, nodes, pages):
    survivor, killed = nodes
    load, in_flight = run_load_while(
        killed.crash, cluster=cluster, pages=pages, stopped=killed, survivor=survivor
    )

    report(f"SIGKILL to node {killed.name}, {in_flight} requests in flight", load, cluster)
    failed = [a for a in load.answers if a.failed]
    # nginx passes a GET the dead node never answered to the other node, so likely none.
    assert len(failed) <= in_flight
    assert {a.status for a in load.answers if not a.failed} == {200}
    assert served_by(load, cluster, "before").keys() == {killed.name, survivor.name}
    assert served_by(load, cluster, "after").keys() == {survivor.name}


def test_a_sign_in_on_one_node_holds_on_the_other(cluster, nodes):
    a, b = nodes
    form = fetch(b.port, "/accounts/login/")
    csrf_cookie = form.cookies()["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

    signed_in = fetch(
        a.port,
        "/accounts/login/",
        form={"login": "mara_k", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        cookies={"csrftoken": csrf_cookie},
    )

    assert signed_in.status == 302, signed_in.text[:500]
    session = {"sessionid": signed_in.cookies()["sessionid"]}
    for port in (b.port, a.port, cluster.port):
        page = fetch(port, "/settings/", cookies=session)
        assert page.status == 200 and "mara_k" in page.text
    assert fetch(b.port, "/settings/").status == 302  # and without the cookie, no one


def test_a_rate_limit_spent_on_one_node_is_spent_on_all(cluster, nodes):
    limit = int(cluster.env["API_READS_PER_MINUTE"])
    sent = limit + 6
    # The limit counts in fixed one-minute windows: if a window ended during the run,
    # run again from another client address.
    for client in ("198.51.100.1", "198.51.100.2"):
        window = int(time.time() // 60)
        statuses = [
            fetch(nodes[number % 2].port, "/api/v1/health", forwarded_for=client).status
            for number in range(sent)
        ]
        if int(time.time() // 60) == window:
            break

    print(f"\nAPI reads from one client, nodes in turn: {dict(Counter(statuses))} (limit {limit})")
    assert statuses == [200] * limit + [429] * (sent - limit)
