"""Search as you type in the header box, with the keyboard."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_type_a_few_letters_pick_a_suggestion_with_the_keyboard(live_server, page, artifacts):
    call_command("load_demo", verbosity=0)
    page.goto(live_server.url)
    box = page.locator("#header-q")
    box.fill("residu")
    suggestions = page.locator("#header-suggestions [role=option]")
    suggestions.first.wait_for()
    assert "Deep Residual Learning" in suggestions.first.inner_text()
    page.screenshot(path=str(artifacts / "search-suggestions.png"))
    box.press("ArrowDown")
    assert suggestions.first.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url(re.compile(r"/papers/\d+/deep-residual-learning-for-image-recognition/$"))


def test_the_header_box_is_a_plain_form_too(live_server, page):
    call_command("load_demo", verbosity=0)
    page.goto(live_server.url)
    page.fill("#header-q", "attention")
    page.press("#header-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=attention"))
    assert "Attention Is All You Need" in page.locator(".search-results").inner_text()
