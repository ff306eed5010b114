"""Joining and the code of conduct on a 390 px phone, without JavaScript."""

import re
import time

import pytest

from e2e.browsing import no_sideways_scroll
from precis.accounts.forms import started_stamp
from precis.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_joins_on_a_phone_past_the_honeypot_they_never_see(live_server, phone, artifacts):
    phone.goto(f"{live_server.url}/accounts/signup/")
    no_sideways_scroll(phone)
    honeypot = phone.locator("input[name=website]")
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0  # off screen, not merely small
    phone.screenshot(path=str(artifacts / "signup-phone.png"), full_page=True)

    phone.fill("input[name=username]", "pocket")
    phone.fill("input[name=email]", "pocket@example.org")
    phone.fill("input[name=password1]", "a long pocket passphrase")
    phone.fill("input[name=password2]", "a long pocket passphrase")
    # As fast as a script (a stamp that is not yet 3 s old, whatever the machine's
    # speed): refused politely, with what was typed still there.
    phone.eval_on_selector(
        "input[name=started]", "(el, v) => { el.value = v; }", started_stamp(time.time() + 600)
    )
    phone.click("main form button[type=submit]")
    assert "quicker than a person" in phone.locator("main").inner_text()
    assert phone.input_value("input[name=email]") == "pocket@example.org"
    no_sideways_scroll(phone)
    # A person who took their time (the stamp of a form shown a minute ago) gets in.
    phone.eval_on_selector(
        "input[name=started]", "(el, v) => { el.value = v; }", started_stamp(time.time() - 60)
    )
    phone.fill("input[name=password1]", "a long pocket passphrase")
    phone.fill("input[name=password2]", "a long pocket passphrase")
    phone.click("main form button[type=submit]")
    phone.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert User.objects.filter(username="pocket").exists()


def test_the_code_of_conduct_fits_a_phone(live_server, phone, artifacts):
    phone.goto(f"{live_server.url}/conduct/")
    assert phone.locator("h1").inner_text() == "Code of conduct"
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "conduct-phone.png"), full_page=True)
