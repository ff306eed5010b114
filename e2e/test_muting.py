"""Mute someone from beside their comment, peek at what they wrote, block and undo, and
see writers' points: on a 390 px phone, without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone

from e2e.browsing import PHONE, no_sideways_scroll, sign_in
from precis.accounts.models import Block, TrustLevel
from precis.accounts.tests.factories import UserFactory
from precis.discussions import reputation
from precis.discussions import services as discussions
from precis.summaries import services as summaries
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a muting journey passphrase"
ON_PHONE = {"viewport": PHONE, "javascript": False}


def test_a_reader_mutes_a_noisy_commenter_then_blocks_and_forgives(live_server, browser, artifacts):
    writer = UserFactory(username="writer", display_name="Wendy Writer", password=PASSWORD)
    noisy = UserFactory(username="noisy_commenter_with_a_long_name", password=PASSWORD)
    reader = UserFactory(  # a member of long standing, whose vote counts
        username="reader",
        password=PASSWORD,
        trust_level=TrustLevel.MEMBER,
        trust_level_locked=True,
        date_joined=timezone.now() - timedelta(days=400),
    )
    summary = SummaryFactory(author=writer, source="Residual blocks learn $F(x) = H(x) - x$.")
    loud = discussions.post_comment(author=noisy, summary=summary, source="FIRST!!! " * 20)
    discussions.post_comment(author=writer, summary=summary, source="Thanks.", parent=loud)
    summaries.cast_vote(voter=reader, summary=summary, value=1)
    reputation.recompute_reputations([writer.pk])
    # A writer whose name is one long word must not widen the writers table.
    SummaryFactory(author=UserFactory(display_name="Ultralongunbrokenname" * 4))
    base = live_server.url

    context, page = sign_in(browser, base, "reader", PASSWORD, **ON_PHONE)
    page.goto(f"{base}{summary.get_absolute_url()}")
    page.locator(f"#comment-{loud.pk} > .comment-body .mute-form button").click()
    assert "Muted." in page.locator(".messages").inner_text()
    folded = page.locator(f"#comment-{loud.pk} > details.comment-muted")
    assert not folded.locator(".comment-text").is_visible()
    assert page.get_by_text("Thanks.").is_visible()  # the writer's reply stays
    folded.locator("summary").click()  # opens without JavaScript
    assert folded.locator(".comment-text").is_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "muting-thread-phone.png"), full_page=True)

    page.goto(f"{base}/u/{noisy.username}/")
    page.get_by_role("button", name="Block").click()
    assert Block.objects.get(who=reader).kind == "block"
    assert "You blocked" in page.locator(".profile-relation").inner_text()
    no_sideways_scroll(page)

    page.goto(f"{base}/settings/#muted")
    page.get_by_role("button", name="Unblock").click()
    assert not Block.objects.exists()
    assert "You have not muted or blocked anyone." in page.locator("main").inner_text()
    no_sideways_scroll(page)

    page.goto(f"{base}/users/")
    assert "Top writers this month" in page.locator("main").inner_text()
    assert "Wendy Writer" in page.locator(".top-writers").inner_text()
    no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "writers-points-phone.png"), full_page=True)
    context.close()
