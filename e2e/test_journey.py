"""A writer's whole first visit, in a real browser."""

import re
import time

import pytest
from django.core.management import call_command

from precis.accounts.forms import started_stamp
from precis.accounts.tests.factories import UserFactory
from precis.moderation import services as moderation
from precis.summaries.models import Summary

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = """Attention replaces recurrence: every token looks at every other token.

Scores are scaled by $\\sqrt{d_k}$ so the softmax does not saturate:

$$\\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V$$

Written in the e2e journey."""


def test_sign_up_write_with_math_publish_and_vote(live_server, page, mailoutbox, artifacts):
    call_command("load_demo", verbosity=0)
    base = live_server.url

    # Sign up and confirm the e-mail address from the outbox.
    page.goto(f"{base}/accounts/signup/")
    # A person takes a while over this form (under 3 s is refused); the browser does not.
    a_minute_ago = started_stamp(time.time() - 60)
    page.eval_on_selector("input[name=started]", "(el, v) => { el.value = v; }", a_minute_ago)
    page.fill("input[name=username]", "journey")
    page.fill("input[name=email]", "journey@example.org")
    page.fill("input[name=password1]", "a long journey passphrase")
    page.fill("input[name=password2]", "a long journey passphrase")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".account-nav").inner_text().find("journey") >= 0

    # Open a paper by its arXiv id, in a form a person might paste.
    page.goto(f"{base}/arxiv/arXiv:1706.03762v5")
    assert re.search(r"/papers/\d+/attention-is-all-you-need/$", page.url)

    # Write with inline and display math; the live preview shows MathML.
    page.click("text=Write a summary")
    page.fill("textarea[name=source]", SUMMARY)
    preview = page.locator("[data-preview]")
    preview.locator("math[display=block]").wait_for()
    assert preview.locator("math").count() >= 2
    page.check("input[name=visibility][value=public]")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/summaries/\d+/$"))
    # A new account's first summary waits for a moderator, who lets it through.
    assert "Held for review" in page.locator(".messages").inner_text()
    summary = Summary.objects.get(author__username="journey")
    assert summary.is_held
    moderation.approve(moderator=UserFactory(is_staff=True), row=summary)

    # It is on the paper page and first on the home page's recent tab.
    page.goto(f"{base}{summary.paper.get_absolute_url()}")
    assert page.locator(f"#summary-{summary.pk} math[display=block]").count() == 1
    page.screenshot(path=str(artifacts / "paper-page.png"), full_page=True)
    page.goto(f"{base}/?tab=recent")
    first_card = page.locator(".summary-card").first
    assert "Attention Is All You Need" in first_card.locator(".card-title").inner_text()

    # Vote on someone else's summary; the score changes in place and survives a reload.
    page.goto(f"{base}/arxiv/1512.03385")
    target = page.locator("article.summary").first
    before = int(target.locator("[data-score]").inner_text())
    target.locator(".vote-up").click()
    page.wait_for_function(
        "([el, n]) => el.textContent.trim() === String(n)",
        arg=[target.locator("[data-score]").element_handle(), before + 1],
    )
    page.reload()
    assert page.locator("article.summary .vote-up[aria-pressed=true]").count() == 1
    page.screenshot(path=str(artifacts / "voted.png"))
