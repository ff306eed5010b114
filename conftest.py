"""Project-wide test setup: test-friendly settings, the shared real-world data, a small cast."""

from pathlib import Path

import pytest

SHARED_FIXTURES = Path(__file__).resolve().parent.parent / "shared" / "fixtures"


def pytest_configure(config):
    from django.conf import settings

    # Argon2 is deliberately slow; tests need speed, not resistance to cracking.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
