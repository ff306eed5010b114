"""The demo has a moderator and a queue to show, however often it loads."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from precis.accounts.models import User
from precis.discussions.models import Answer, Comment, Question
from precis.lib.moderation import is_moderator
from precis.moderation.models import Action, Flag, Report

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_moderator_and_a_held_a_reported_and_an_appealed_item(client):
    call_command("load_demo", verbosity=0)
    counts = [Flag.objects.count(), Report.objects.count(), Action.objects.count()]
    call_command("load_demo", verbosity=0)
    assert [Flag.objects.count(), Report.objects.count(), Action.objects.count()] == counts
    moderator = User.objects.get(username="mod_ana")
    assert is_moderator(moderator) and moderator.check_password("precis-demo")
    flags = {flag.cause: flag.target for flag in Flag.objects.open()}
    assert set(flags) == {"held", "reported", "appealed"}
    assert isinstance(flags["held"], Comment) and flags["held"].is_held
    assert isinstance(flags["reported"], Question) and flags["reported"].is_shown
    assert isinstance(flags["appealed"], Answer) and flags["appealed"].appealed_at
    client.force_login(moderator)
    page = client.get(reverse("moderation:queue")).content.decode()
    assert page.count('class="card flag"') == 3
