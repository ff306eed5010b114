"""bob comments on alice's summary; alice sees the bell, opens the notification and replies."""

import re

import pytest

from e2e.browsing import sign_in
from precis.accounts.tests.factories import UserFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long conversation passphrase"


def test_comment_bell_open_and_reply(live_server, browser, artifacts):
    alice = UserFactory(username="alice", display_name="Alice Writer", password=PASSWORD)
    UserFactory(username="bob", display_name="Bob Reader", password=PASSWORD)
    summary = SummaryFactory(author=alice, source="Residual blocks learn $F(x) = H(x) - x$.")
    base = live_server.url

    bob_context, bob = sign_in(browser, base, "bob", PASSWORD)
    bob.goto(f"{base}{summary.get_absolute_url()}")
    bob.fill("#comment-source", "Why does learning the residual make optimisation easier?")
    bob.get_by_role("button", name="Post comment").click()
    bob.locator(".comment").first.wait_for()
    bob_context.close()

    alice_context, alice_page = sign_in(browser, base, "alice", PASSWORD)
    assert alice_page.locator(".bell-count").inner_text() == "1"
    alice_page.click(".bell")
    alice_page.locator(".notification-open").first.click()
    alice_page.wait_for_url(re.compile(rf"/summaries/{summary.pk}/"))
    alice_page.locator(".comment [data-reply-to]").first.click()
    reply_box = alice_page.locator("textarea[id^=reply-source-]")
    reply_box.fill("Because the identity is the easy default: the block only learns a correction.")
    alice_page.get_by_role("button", name="Post reply").click()
    alice_page.wait_for_load_state()
    thread = alice_page.locator(".comment")
    thread.nth(1).wait_for()
    text = alice_page.locator("main").inner_text()
    assert "Why does learning the residual" in text and "easy default" in text
    assert alice_page.locator(".bell-count").count() == 0
    alice_page.screenshot(path=str(artifacts / "conversation.png"), full_page=True)
    alice_context.close()
