"""The demo opens a non-empty /for-you/ for every demo user, one of them seeded from
someone else's public collection."""

from io import StringIO

import pytest
from django.core.management import call_command

from precis.accounts.models import User
from precis.demo import corpus
from precis.demo.foryou import SEEDS
from precis.foryou.models import Pick, Seed

pytestmark = pytest.mark.django_db


def test_every_demo_user_has_a_feed(client):
    call_command("load_demo", stdout=StringIO())
    for spec in corpus.USERS:
        user = User.objects.get(username=spec["username"])
        assert Pick.objects.filter(reader=user).count() >= 5, user.username
        client.force_login(user)
        body = client.get("/for-you/").content.decode()
        assert "Because you" in body, user.username
        assert "nothing to learn from yet" not in body
    reader, owner, title = SEEDS[0]
    assert Seed.objects.filter(
        reader__username=reader, collection__owner__username=owner, collection__title=title
    ).exists()
    # A second load changes no one's picks.
    before = list(Pick.objects.order_by("reader", "rank").values_list("reader", "paper", "rank"))
    call_command("load_demo", stdout=StringIO())
    after = list(Pick.objects.order_by("reader", "rank").values_list("reader", "paper", "rank"))
    assert before == after
