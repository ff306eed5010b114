"""nginx's micro-cache for signed-out pages, as docs/deploy.md recommends it at scale.

precis/testing_nodes.py reads the config from the guide itself and puts it in front
of an app node; a test-only X-Cache-Status header says whether nginx answered from
its cache (HIT) or asked the node (MISS, EXPIRED, BYPASS, or nothing when the
location or method is never cached). Signed-out pages come from nginx for a few
seconds; nobody signed in ever gets a copy or leaves one; a new summary reaches
signed-out readers once the copy they were getting expires; and answers that set a
cookie, and POSTs, are never kept. Polls wait for the copy to expire with a
generous deadline and measure nothing. Needs Debian's nginx; all but the config
check run on the PostgreSQL pass with REDIS_URL set, like test_multinode.py.
"""

import re
import subprocess
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from precis.core.management.commands.load_demo import DEMO_PASSWORD
from precis.testing_nodes import NGINX, Cluster, fetch, free_port, nginx_config

pytestmark = [
    pytest.mark.xdist_group("nodes"),
    pytest.mark.skipif(NGINX is None, reason="needs nginx (Debian: apt-get install nginx-light)"),
]

# Many times the 3 s a copy lives: a slow machine only makes the wait longer.
DEADLINE_SECONDS = 60
# The header's account menu, shown only to the reader signed in, with their name.
ACCOUNT_NAME = re.compile(r'class="account-name">([^<]+)<')


def test_nginx_accepts_the_guides_micro_cache_as_written(tmp_path):
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(tmp_path, free_port(), ["127.0.0.1:9"], microcache=True))

    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert checked.returncode == 0, checked.stderr
    assert "proxy_cache pages;" in config.read_text()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "an app node as deployed at scale, on PostgreSQL and Redis: needs "
            "DATABASE_URL=postgres://… and REDIS_URL"
        )
    cluster = Cluster(
        tmp_path_factory.mktemp("microcache"),
        database_url=settings.DATABASE_URL,
        redis_url=settings.REDIS_URL,
        nodes=("a",),
        microcache=True,
    )
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def paper_path(cluster) -> str:
    return re.search(r'href="(/papers/\d+/[\w-]+/)"', fetch(cluster.port, "/").text).group(1)


def cache_status(response) -> str:
    return response.headers.get("X-Cache-Status", "")


def unique_path(path: str) -> str:
    """``path`` with a query parameter no page reads: a URL nobody asked for yet, which
    the page cache renders every time instead of keeping."""
    return f"{path}?unread={uuid.uuid4().hex}"


def poll(attempt, what: str):
    """``attempt()``'s first truthy result, tried until DEADLINE_SECONDS have passed."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (result := attempt()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE_SECONDS} s: {what}")
        time.sleep(0.2)
    return result


def csrf_pair(port) -> tuple[dict[str, str], str]:
    """A signed-out visitor's CSRF cookie and the form token that goes with it."""
    form = fetch(port, "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return {"csrftoken": form.cookies()["csrftoken"]}, token


def sign_in(port, username: str) -> dict[str, str]:
    """The cookies of ``username`` signed in through nginx: session and CSRF."""
    cookies, token = csrf_pair(port)
    signed_in = fetch(
        port,
        "/accounts/login/",
        form={"login": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        cookies=cookies,
    )
    assert signed_in.status == 302, signed_in.text[:500]
    return {**cookies, **signed_in.cookies()}


def test_a_signed_out_page_is_answered_by_nginx_while_its_copy_is_fresh(cluster):
    def copy_after_render():
        rendered, again = fetch(cluster.port, "/"), fetch(cluster.port, "/")
        return cache_status(again) == "HIT" and (rendered, again)

    rendered, copy = poll(copy_after_render, "a signed-out page answered from nginx's cache")

    assert copy.status == 200
    assert copy.body == rendered.body
    assert "X-Upstream" not in copy.headers  # no node was asked


def test_a_signed_in_reader_never_gets_a_copy_nor_leaves_one(cluster, paper_path):
    reader = sign_in(cluster.port, "t_adeyemi")
    poll(lambda: cache_status(fetch(cluster.port, "/")) == "HIT", "a signed-out copy of /")

    # A page nginx holds a copy of, then pages nobody asked for before the reader.
    for path in ("/", unique_path("/"), unique_path(paper_path)):
        pages = [fetch(cluster.port, path, cookies=reader) for _ in range(2)]
        signed_out = fetch(cluster.port, path)

        assert [cache_status(page) for page in pages] == ["BYPASS", "BYPASS"], path
        assert all(ACCOUNT_NAME.search(page.text) for page in pages), path
        assert signed_out.status == 200
        assert ACCOUNT_NAME.search(signed_out.text) is None, path
        if path != "/":  # nothing of the reader's was kept: the node renders it
            assert cache_status(signed_out) == "MISS", path


def test_a_new_summary_shows_at_once_to_its_writer_and_to_others_when_the_copy_expires(
    cluster, paper_path
):
    writer = sign_in(cluster.port, "mara_k")
    poll(
        lambda: cache_status(fetch(cluster.port, paper_path)) == "HIT",
        "the paper's signed-out page in nginx's cache",
    )
    marker = f"micro-cache check {uuid.uuid4().hex}"
    paper_id = re.match(r"/papers/(\d+)/", paper_path).group(1)

    published = fetch(
        cluster.port,
        f"/papers/{paper_id}/write",
        form={
            "source": f"A summary written through nginx: {marker}.",
            "visibility": "public",
            "csrfmiddlewaretoken": writer["csrftoken"],
        },
        cookies=writer,
    )

    assert published.status == 302, published.text[:500]
    writer |= published.cookies()  # what a browser sends next (a message, "just wrote")
    own_page = fetch(cluster.port, paper_path, cookies=writer)
    assert cache_status(own_page) == "BYPASS"
    assert marker in own_page.text
    poll(
        lambda: marker in fetch(cluster.port, paper_path).text,
        "the new summary on the paper's signed-out page",
    )


def test_an_answer_that_sets_a_cookie_is_never_kept(cluster):
    # A malformed CSRF cookie makes Django set a new one on any page it renders.
    path, spoilt = unique_path("/"), {"csrftoken": "not-a-token"}

    answers = [fetch(cluster.port, path, cookies=spoilt) for _ in range(3)]

    assert [cache_status(answer) for answer in answers] == ["MISS"] * 3
    tokens = {answer.cookies().get("csrftoken") for answer in answers}
    assert None not in tokens and len(tokens) == 3  # a new one each time: no answer a copy
    sign_in_forms = [fetch(cluster.port, "/accounts/login/") for _ in range(2)]
    assert [cache_status(form) for form in sign_in_forms] == ["", ""]  # never cached there


def test_a_post_is_never_kept(cluster):
    cookies, token = csrf_pair(cluster.port)
    path = unique_path("/about/")

    posts = [
        fetch(cluster.port, path, form={"csrfmiddlewaretoken": token}, cookies=cookies)
        for _ in range(2)
    ]
    after = fetch(cluster.port, path, cookies=cookies)

    # A plain 200 with no cookie set: what nginx would keep if it kept POSTs.
    assert [(post.status, post.cookies()) for post in posts] == [(200, {})] * 2
    assert [cache_status(post) for post in posts] == ["", ""]
    assert cache_status(after) == "MISS"
