"""Report, decide, appeal: on a 390 px phone, without JavaScript."""

import pytest

from e2e.browsing import PHONE, no_sideways_scroll, sign_in
from precis.accounts.tests.factories import UserFactory
from precis.discussions import services as discussions
from precis.moderation.models import Flag
from precis.moderation.tests.factories import make_moderator
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a moderation journey passphrase"
ON_PHONE = {"viewport": PHONE, "javascript": False}


def test_a_report_is_decided_in_the_queue_and_appealed(live_server, browser, artifacts):
    writer = UserFactory(username="writer", password=PASSWORD)
    spammer = UserFactory(username="spammer_with_a_rather_long_username", password=PASSWORD)
    UserFactory(username="reader", password=PASSWORD)
    moderator = make_moderator("mod_ana")
    moderator.set_password(PASSWORD)
    moderator.save()
    summary = SummaryFactory(author=writer, source="Residual blocks learn $F(x) = H(x) - x$.")
    comment = discussions.post_comment(
        author=spammer,
        summary=summary,
        source="Cheap essays in 24 hours: " + "write-my-thesis-now-" * 8,
    )
    base = live_server.url

    context, reader = sign_in(browser, base, "reader", PASSWORD, **ON_PHONE)
    reader.goto(f"{base}{summary.get_absolute_url()}")
    reader.locator(f"#comment-{comment.pk} .report-link").click()
    reader.get_by_label("Spam or advertising").check()
    reader.get_by_label("Anything a moderator should know").fill("An essay mill.")
    no_sideways_scroll(reader)
    reader.screenshot(path=str(artifacts / "moderation-report-phone.png"), full_page=True)
    reader.get_by_role("button", name="Send report").click()
    assert "Thanks — a moderator will look at it." in reader.locator(".messages").inner_text()
    context.close()

    context, mod = sign_in(browser, base, "mod_ana", PASSWORD, **ON_PHONE)
    mod.goto(f"{base}/moderation/")
    row = mod.locator(".flag").first
    assert "An essay mill." in row.inner_text()
    no_sideways_scroll(mod)
    mod.screenshot(path=str(artifacts / "moderation-queue-phone.png"), full_page=True)
    row.get_by_role("button", name="Hide", exact=True).click()  # the preset follows the report
    assert "Hidden:" in mod.locator(".messages").inner_text()
    assert Flag.objects.open().count() == 0
    mod.goto(f"{base}/moderation/log")
    assert "hidden" in mod.locator(".log-list").inner_text()
    no_sideways_scroll(mod)
    mod.screenshot(path=str(artifacts / "moderation-log-phone.png"), full_page=True)
    context.close()

    context, author = sign_in(browser, base, spammer.username, PASSWORD, **ON_PHONE)
    author.goto(f"{base}{summary.get_absolute_url()}")
    banner = author.locator(f"#comment-{comment.pk} .moderation-banner")
    assert "Hidden by a moderator: Spam or advertising." in banner.inner_text()
    banner.locator("summary").click()  # <details> opens without JavaScript
    banner.get_by_label("Why should it be shown? (optional)").fill("It was a joke.")
    no_sideways_scroll(author)
    author.screenshot(path=str(artifacts / "moderation-appeal-phone.png"), full_page=False)
    banner.get_by_role("button", name="Send appeal").click()
    assert "a moderator will look again" in author.locator(f"#comment-{comment.pk}").inner_text()
    assert Flag.objects.open().get().cause == "appealed"
    context.close()

    # The moderator finds the appeal from the item itself and shows the comment again.
    context, mod = sign_in(browser, base, "mod_ana", PASSWORD, **ON_PHONE)
    mod.goto(f"{base}{summary.get_absolute_url()}")
    mod.locator(f"#comment-{comment.pk} .report-link").click()  # "moderate", for moderators
    assert "in the queue: appealed" in mod.locator(".flag-head").inner_text()
    no_sideways_scroll(mod)
    mod.screenshot(path=str(artifacts / "moderation-item-phone.png"), full_page=True)
    mod.get_by_role("button", name="Show again").click()
    assert "Shown:" in mod.locator(".messages").inner_text()
    assert Flag.objects.open().count() == 0
    context.close()
