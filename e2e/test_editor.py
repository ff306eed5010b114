"""The summary editor in a real browser: the toolbar, the word count, the busy preview,
a draft autosaved and sent as the page is left, restored on return; at phone and
desktop widths."""

import time
from pathlib import Path

import pytest

from e2e.browsing import DESKTOP, PHONE, no_sideways_scroll, sign_in
from precis.accounts.tests.factories import UserFactory
from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Draft, Summary

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long drafting passphrase"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS_VIOLATIONS = """async (selector) => {
  const result = await axe.run(selector, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}"""


def serious_violations(page, selector: str) -> list[str]:
    """axe-core's serious and critical findings in the part of the page this test is
    about (e2e/test_every_page.py checks whole pages); none without the npm package."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text())  # through DevTools, so the CSP allows it
    return page.evaluate(SERIOUS_VIOLATIONS, selector)


def wait_for_draft(containing: str, *, seconds: float = 10) -> Draft:
    """The writer's draft once it holds ``containing`` (a beacon lands when it lands)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        draft = Draft.objects.filter(source__contains=containing).first()
        if draft:
            return draft
        time.sleep(0.1)
    raise AssertionError(f"no draft with {containing!r} arrived")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_toolbar_word_count_and_a_draft_that_survives_leaving(
    live_server, browser, artifacts, viewport
):
    UserFactory(username="drafter", password=PASSWORD)
    paper = PaperFactory(title="Deep Residual Learning for Image Recognition")
    base = live_server.url
    context, page = sign_in(browser, base, "drafter", PASSWORD, viewport=viewport)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    write_url = f"{base}/papers/{paper.pk}/write"
    page.goto(write_url)
    source = page.locator("textarea[name=source]")
    words = page.locator("[data-word-count]")

    # The toolbar wraps the selection, or inserts a placeholder selected for typing over.
    source.fill("Residual")
    source.press("ControlOrMeta+a")
    page.get_by_role("button", name="Bold").click()
    assert source.input_value() == "**Residual**"
    source.press("End")
    page.keyboard.type(" blocks learn ")
    page.get_by_role("button", name="Inline math").click()
    page.keyboard.type("F(x) + x")
    assert source.input_value() == "**Residual** blocks learn $F(x) + x$"
    source.press("End")
    page.keyboard.type(" as in ")
    page.get_by_role("button", name="Citation").click()
    page.keyboard.type("he2016deep")
    source.press("End")
    page.keyboard.type(".")
    page.get_by_role("button", name="Display math").click()
    assert source.input_value().endswith(".\n\n$$\n\\sum_i x_i\n$$\n")

    # One tab stop for the toolbar; arrow keys walk it; Ctrl+I works in the text box.
    page.get_by_role("button", name="Bold").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent").strip().endswith("Italic")
    source.focus()
    source.press("ControlOrMeta+End")
    page.keyboard.type("\nThe ")
    source.press("ControlOrMeta+i")
    page.keyboard.type("key")
    assert source.input_value().endswith("The *key*")

    # Words, not markup: a formula or a citation counts as one word.
    assert words.inner_text().startswith("10 words.")
    assert "Most good summaries are 150 to 500 words." in words.inner_text()
    source.fill("word " * 200)
    assert words.inner_text().startswith("200 words: a good length")
    source.fill("word " * 620)
    assert words.inner_text().startswith("620 words.")
    assert words.get_attribute("data-range") == "over"

    # The preview shows it is busy while the server renders, and names a broken formula.
    held = []
    page.route("**/summaries/preview", lambda route: held.append(route))
    source.fill("Broken $\\frac{1}{$ formula, and **bold**.")
    with page.expect_request("**/summaries/preview"):
        page.get_by_role("button", name="Preview").click()
    assert page.locator("[data-preview]").get_attribute("aria-busy") == "true"
    assert page.get_by_role("button", name="Updating preview…").is_visible()
    while held:  # the button's request, and the live preview's if it went first
        held.pop(0).continue_()
    page.unroute("**/summaries/preview")
    preview = page.locator("[data-preview]")
    preview.locator(".formula-problems").wait_for()
    assert "\\frac{1}{" in preview.locator(".formula-problems").inner_text()
    assert preview.locator("strong").last.inner_text() == "bold"
    page.wait_for_selector("[data-preview]:not([aria-busy])")

    # Autosaved a moment after typing stops.
    page.locator("[data-draft-status]", has_text="Draft saved at").wait_for()
    assert wait_for_draft("Broken").writer.username == "drafter"
    no_sideways_scroll(page, viewport["width"])
    page.screenshot(path=str(artifacts / f"editor-{viewport['width']}.png"), full_page=True)

    # Typed and left at once, before the autosave: the beacon keeps it.
    source.press("ControlOrMeta+End")
    page.keyboard.type(" Last words before leaving.")
    page.goto(f"{base}/about/")
    wait_for_draft("Last words before leaving.")
    page.goto(write_url)
    assert source.input_value().endswith("Last words before leaving.")
    notice = page.locator("[data-draft-notice]")
    assert "Draft restored from" in notice.inner_text()
    no_sideways_scroll(page, viewport["width"])
    page.locator("details.cheatsheet > summary").click()
    no_sideways_scroll(page, viewport["width"])
    assert serious_violations(page, ".editor") == []

    # Publishing removes the draft; the writer's own page offers Edit, Copy link, Share.
    page.check("input[name=visibility][value=public]")
    page.locator("button[name=save]").click()
    page.wait_for_url(f"{base}/summaries/**")
    assert not Draft.objects.exists()
    summary = Summary.objects.get(author__username="drafter")
    assert page.get_by_role("link", name="Edit summary").is_visible()
    page.get_by_role("button", name="Copy link").click()
    page.locator("[data-copy-status]", has_text="link").wait_for()
    assert page.locator("[data-copy-source]").input_value().endswith(summary.get_absolute_url())
    page.get_by_text("Delete…").click()
    assert page.get_by_role("button", name="Yes, delete it").is_visible()
    no_sideways_scroll(page, viewport["width"])
    assert serious_violations(page, ".owner-actions") == []
    page.screenshot(path=str(artifacts / f"own-summary-{viewport['width']}.png"), full_page=True)
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def test_without_javascript_the_editor_keeps_a_draft_on_preview_and_the_cheat_sheet_reads(
    live_server, browser
):
    UserFactory(username="plainwriter", password=PASSWORD)
    paper = PaperFactory()
    base = live_server.url
    context, page = sign_in(
        browser, base, "plainwriter", PASSWORD, viewport=PHONE, javascript=False
    )
    page.goto(f"{base}/papers/{paper.pk}/write")
    assert not page.locator("[data-editor-toolbar]").is_visible()  # its buttons need JS
    page.locator("details.cheatsheet > summary").click()
    assert page.locator("details.cheatsheet table").is_visible()
    assert "\\cite{bibtexKey}" in page.locator("details.cheatsheet").inner_text()
    page.fill("textarea[name=source]", "Plain words, $\\frac{1}{$ and all.")
    page.locator("button[name=preview]").click()
    page.wait_for_load_state()
    assert "This formula will not show as written" in page.locator("[data-preview]").inner_text()
    no_sideways_scroll(page)
    page.goto(f"{base}/about/")
    page.goto(f"{base}/papers/{paper.pk}/write")
    assert (
        page.locator("textarea[name=source]").input_value() == "Plain words, $\\frac{1}{$ and all."
    )
    assert "Draft restored from" in page.locator("[data-draft-notice]").inner_text()
    page.get_by_role("button", name="Discard draft").click()
    page.wait_for_load_state()
    assert page.locator("textarea[name=source]").input_value() == ""
    assert not Draft.objects.exists()
    context.close()
