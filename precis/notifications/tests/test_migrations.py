"""Data migrations of notifications, run against real rows."""

import importlib

import pytest
from django.apps import apps

from precis.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def test_old_comment_links_are_rewritten_to_find_their_page(alice):
    migration = importlib.import_module(
        "precis.notifications.migrations.0003_comment_links_find_their_page"
    )
    old = Notification.objects.create(
        recipient=alice, kind=Kind.COMMENT, actor_name="Carol", text="…",
        url="/summaries/7/#comment-42",
    )  # fmt: skip
    other = Notification.objects.create(
        recipient=alice, kind=Kind.ANSWER, actor_name="Carol", text="…",
        url="/questions/3/#answer-5",
    )  # fmt: skip
    migration.name_the_comment(apps, None)
    migration.name_the_comment(apps, None)  # running it again changes nothing
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.url == "/summaries/7/?comment=42#comment-42"
    assert other.url == "/questions/3/#answer-5"
