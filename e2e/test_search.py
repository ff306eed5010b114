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


@pytest.mark.parametrize("width", [390, 1366])
def test_the_search_page_has_one_box_dense_results_and_fits_the_screen(
    live_server, page, artifacts, width
):
    call_command("load_demo", verbosity=0)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/search?q=learning")
    page.screenshot(path=str(artifacts / f"search-{width}.png"), full_page=True)
    boxes = page.locator("input[type=search]")
    assert boxes.count() == 1 and boxes.first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    results = page.locator(".search-result")
    assert results.count() >= 5
    for n in range(results.count()):
        result = results.nth(n)
        # Authors, venue and year on one line; the snippet in at most two.
        meta = result.locator(".search-result-meta")
        line = float(meta.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert meta.bounding_box()["height"] <= line * 1.5
        snippet = result.locator(".snippet")
        if snippet.count():
            line = float(snippet.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
            assert snippet.bounding_box()["height"] <= line * 2.5
        box = result.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if width == 1366:  # title, meta, two snippet lines, summaries: a short screen holds many
        assert (
            page.evaluate(
                "[...document.querySelectorAll('.search-result')]"
                ".filter(e => e.getBoundingClientRect().bottom < innerHeight).length"
            )
            >= 5
        )
    # Typos: the results of the corrected word, said so, and the box holds it.
    page.goto(f"{live_server.url}/search?q=resdiual")
    assert "Showing results for residual" in page.locator(".search-correction").inner_text()
    assert page.locator("#search-page-q").input_value() == "residual"
    assert "Deep Residual Learning" in page.locator(".search-results").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"search-typo-{width}.png"))
    # The page's own box suggests titles as the header's does.
    page.locator("#search-page-q").fill("densel")
    suggestion = page.locator("#search-page-suggestions [role=option]").first
    suggestion.wait_for()
    assert "Densely Connected" in suggestion.inner_text()
