"""Joining in the demo on a 390 px phone (sign up, find the e-mail in the outbox, confirm,
welcome), and the busy state of Add a paper's Find button while a lookup is on its way."""

import re
import time

import pytest

from e2e.browsing import PHONE, new_page, no_sideways_scroll
from precis.accounts.forms import started_stamp
from precis.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_mail(settings, tmp_path):
    """`make demo`'s configuration: DEBUG, and e-mail written to files (here, tmp_path)."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    return tmp_path


def test_joining_on_a_phone_through_the_outbox_to_the_welcome(
    live_server, browser, demo_mail, artifacts
):
    context, phone = new_page(browser, viewport=PHONE)
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(f"{live_server.url}/accounts/signup/")
    assert phone.locator("h1").inner_text() == "Join Precis"
    phone.fill("input[name=email]", "pocket@example.org")
    phone.fill("input[name=username]", "pocket")
    phone.fill("input[name=password1]", "a long pocket passphrase")
    phone.fill("input[name=password2]", "a long pocket passphrase")
    phone.eval_on_selector(
        "input[name=started]", "(el, v) => { el.value = v; }", started_stamp(time.time() - 60)
    )
    phone.click("main form button[type=submit]")
    phone.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert phone.locator("h1").inner_text() == "Check your e-mail"
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "check-your-email-phone.png"), full_page=True)

    phone.click("text=demo outbox")
    phone.wait_for_url(re.compile(r"/accounts/outbox/$"))
    newest = phone.locator(".outbox-message").first
    assert "Confirm your e-mail address to finish joining" in newest.inner_text()
    assert "To pocket@example.org" in newest.inner_text()
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "outbox-phone.png"), full_page=True)

    newest.locator("a[href*='/accounts/confirm-email/']").click()
    phone.wait_for_url(re.compile(r"/accounts/confirm-email/[^/]+/$"))
    assert phone.locator("h1").inner_text() == "Confirm your e-mail address"
    no_sideways_scroll(phone)
    phone.click("main form button[type=submit]")
    phone.wait_for_url(re.compile(r"/accounts/welcome/$"))
    assert phone.locator("h1").inner_text() == "Welcome to Precis, pocket"
    assert phone.locator(".welcome-steps > li").count() == 4
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "welcome-phone.png"), full_page=True)
    context.close()
    assert errors == []


def test_find_shows_it_is_looking_up_and_sends_once(live_server, browser, artifacts):
    UserFactory(username="finder")
    context, page = new_page(browser, viewport=PHONE)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/?next=/papers/add")
    page.fill("input[name=login]", "finder")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/papers/add$"))

    # Stand-in for a slow lookup: a listener after site.js's keeps the form from leaving,
    # so the page stays as a reader sees it while arXiv is asked; it counts what was sent.
    page.evaluate(
        """() => {
          window.sent = 0;
          window.addEventListener("submit", (event) => {
            if (!event.defaultPrevented) window.sent += 1;
            event.preventDefault();
          });
        }"""
    )
    page.fill("textarea[name=query], input[name=query]", "1512.03385")
    find = page.locator("form.add-paper-form button[type=submit]")
    find.click()
    page.wait_for_function("document.querySelector('form.add-paper-form button').disabled")
    assert find.get_attribute("aria-busy") == "true"
    assert find.inner_text() == "Looking up…"
    assert page.locator("form.add-paper-form .busy-status").inner_text() == "Looking up…"
    no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "add-paper-busy-phone.png"))

    # A second press (or Enter in the box) while it is on its way sends nothing more.
    page.evaluate("document.querySelector('form.add-paper-form').requestSubmit()")
    assert page.evaluate("window.sent") == 1

    # Back from the next page (the browser's bfcache shows this one as it was left).
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert find.is_enabled()
    assert find.inner_text() == "Find"
    assert find.get_attribute("aria-busy") is None
    find.click()  # and it can be pressed again
    assert page.evaluate("window.sent") == 2
    context.close()
    assert errors == []


def test_find_still_works_without_javascript(live_server, browser, settings):
    settings.OUTBOUND_HTTP = False  # the lookup fails fast, and says so
    UserFactory(username="plain")
    context, page = new_page(browser, viewport=PHONE, javascript=False)
    page.goto(f"{live_server.url}/accounts/login/?next=/papers/add")
    page.fill("input[name=login]", "plain")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/papers/add$"))
    page.fill("textarea[name=query], input[name=query]", "1512.03385")
    page.click("form.add-paper-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("form.add-paper-form button[type=submit]").inner_text() == "Find"
    assert page.input_value("textarea[name=query], input[name=query]") == "1512.03385"
    context.close()
