"""Project-wide test setup: test-friendly settings, the shared real-world data, a small cast."""

import time
from pathlib import Path

import pytest

SHARED_FIXTURES = Path(__file__).resolve().parent.parent / "shared" / "fixtures"


def pytest_configure(config):
    from django.conf import settings

    # Argon2 is deliberately slow; tests need speed, not resistance to cracking.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # As in production, SITE_URL is the public address; tests of URLs taken from the
    # request (SITE_URL unset, the demo) turn this off (precis/core/siteurl.py).
    settings.SITE_URL_IS_SET = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """The real-world data in ../shared/fixtures; skips where that checkout is absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"../shared/fixtures is absent (looked in {SHARED_FIXTURES})")
    return SHARED_FIXTURES


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    from precis.core import generations
    from precis.lib import visitors

    def forget():
        for cache in caches.all():
            cache.clear()
        generations.forget_near_copies()
        visitors.forget_marks()

    forget()
    yield
    forget()


# 20 seconds into a window of every rate limit (each window divides an hour).
RATE_LIMIT_INSTANT = 3600 * 500_000 + 20.0


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """Every test acts within one rate-limit window. A test that spends a limit and
    checks the next request is refused failed when, on a loaded machine, its requests
    straddled a minute and the count started again. Tests of windows set their own."""
    from precis.lib import ratelimit

    monkeypatch.setattr(ratelimit, "clock", lambda: RATE_LIMIT_INSTANT)


@pytest.fixture(autouse=True)
def _paper_standing_kept(request):
    """After every test that wrote to the database, each paper's kept count and best
    score of listed summaries (Paper.listed_summaries, best_wilson) must match its
    summaries: a write path that goes around summaries' own upkeep fails its test."""
    from pytest_django.fixtures import is_django_unittest

    uses_db = not is_django_unittest(request) and (
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:  # set up first, so that the database is still there after the test
        request.getfixturevalue("_django_db_helper")
    yield
    if uses_db:
        from precis.summaries.models import stale_standings

        assert stale_standings() == [], "(paper id, kept, what its summaries give)"


@pytest.fixture
def no_page_cache(settings):
    """Every request renders its page and counts its lists: for tests that count what
    rendering costs."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def alice(db):
    """A writer with a confirmed e-mail address."""
    from precis.accounts.tests.factories import UserFactory

    return UserFactory(username="alice", display_name="Alice Writer")


@pytest.fixture
def bob(db):
    """A moderator (staff)."""
    from precis.accounts.tests.factories import UserFactory

    return UserFactory(username="bob", display_name="Bob Moderator", is_staff=True)


@pytest.fixture
def carol(db):
    """A stranger: signed in, owns nothing."""
    from precis.accounts.tests.factories import UserFactory

    return UserFactory(username="carol", display_name="Carol Stranger")


class FakeNetwork:
    """Replays recorded responses by URL prefix; any other request fails the test loudly."""

    def __init__(self):
        self.routes: list[tuple[str, object]] = []
        self.requests: list = []

    def route(self, url_prefix: str, body: bytes | str = b"", *, status: int = 200, headers=None):
        import httpx

        content = body.encode() if isinstance(body, str) else body

        def respond(request):
            return httpx.Response(status, content=content, headers=headers or {})

        self.routes.append((url_prefix, respond))

    def fail(self, url_prefix: str, error: Exception):
        def respond(request):
            raise error

        self.routes.append((url_prefix, respond))

    def handle(self, request):
        self.requests.append(request)
        for prefix, respond in reversed(self.routes):
            if str(request.url).startswith(prefix):
                return respond(request)
        raise AssertionError(f"a test tried to reach the network: {request.method} {request.url}")


@pytest.fixture(autouse=True)
def network(monkeypatch):
    """No test reaches the network: routes added here replay recorded responses."""
    import httpx

    from precis.lib import safehttp

    fake = FakeNetwork()
    # Waiting costs no time, but the clock moves on as if it had: a test that fetches
    # many papers from arXiv keeps within the polite delay's queue limit.
    skipped = [0.0]
    monkeypatch.setattr(safehttp, "wall_clock", lambda: time.time() + skipped[0])
    monkeypatch.setattr(safehttp, "clock", lambda: time.monotonic() + skipped[0])
    monkeypatch.setattr(
        safehttp, "sleep", lambda seconds: skipped.__setitem__(0, skipped[0] + seconds)
    )
    with safehttp.use_transport(httpx.MockTransport(fake.handle)):
        yield fake
