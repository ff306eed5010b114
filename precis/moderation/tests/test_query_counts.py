"""The queue and the log cost the same number of queries for few items and for many."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.moderation import services
from precis.moderation.kinds import KINDS

from .factories import KIND_NAMES, hold, make, make_moderator

pytestmark = pytest.mark.django_db

BUDGET = 20  # session, user, group, counts, flags, one per kind, reports, authors


def add_flags(count, *, start=0):
    """``count`` queue items of every kind in turn, each by a new author, some reported."""
    for n in range(start, start + count):
        kind = KIND_NAMES[n % len(KIND_NAMES)]
        row = make(kind, UserFactory(), n=n)
        if n % 3:
            hold(row)
        else:
            services.report(reporter=UserFactory(), row=row, reason="spam", text=f"Ad {n}.")
            services.report(reporter=UserFactory(), row=row, reason="abuse")


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture(autouse=True)
def _content_types_known():
    """As in a running site: content types are looked up once per process, then cached."""
    ContentType.objects.get_for_models(*(kind.model for kind in KINDS))


def test_the_queue_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(make_moderator())
    queue = reverse("moderation:queue")
    add_flags(2)  # a summary and a comment
    few = count(client, queue)
    add_flags(len(KINDS) - 2, start=2)  # one of every kind
    every_kind = count(client, queue)
    add_flags(30 - len(KINDS), start=len(KINDS))
    with django_assert_max_num_queries(BUDGET):
        many = count(client, queue)
    # One more query for each kind of item the page holds (the generic prefetch), and
    # nothing more for more items.
    assert every_kind == few + len(KINDS) - 2, (few, every_kind)
    assert many == every_kind, f"{few} queries for 2 items, {many} for 30 of every kind"
    print(f"\n/moderation/: {few} queries for 2 items, {many} for 30 items of six kinds")


def test_the_log_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    moderator = make_moderator()
    client.force_login(moderator)
    log = reverse("moderation:log")

    def decide(count, start=0):
        for n in range(start, start + count):
            kind = KIND_NAMES[n % len(KIND_NAMES)]
            services.hide(moderator=moderator, row=make(kind, UserFactory(), n=n), reason="Spam.")

    decide(len(KINDS))
    few = count(client, log)
    decide(24, start=len(KINDS))
    with django_assert_max_num_queries(BUDGET):
        many = count(client, log)
    assert many == few
