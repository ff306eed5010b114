"""Figures in a real browser: upload from the editor with and without JavaScript, see them
rendered, and fit a 390 px phone."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from e2e.browsing import PHONE, no_sideways_scroll, sign_in
from precis.accounts.tests.factories import PASSWORD, UserFactory
from precis.papers.tests.factories import PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)

SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 120" onload="alert(1)">
<rect width="300" height="120" fill="#eef"/><path d="M10 110 L150 20 L290 90" stroke="#a00"
fill="none" stroke-width="4"/><text x="20" y="30">loss</text></svg>"""


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS_VIOLATIONS = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}"""


TRANSITIONS_DONE = """async () => {
  for (let frame = 0; frame < 20; frame++) {
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const running = document.getAnimations();
    if (!running.length) return;
    await Promise.all(running.map((animation) => animation.finished.catch(() => {})));
  }
}"""


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings, light and dark (none without the package)."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text())  # through DevTools, so the CSP allows it
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        # Buttons fade to the new scheme's colours: judge them once they have arrived.
        page.evaluate(TRANSITIONS_DONE)
        found += [f"{scheme}: {v}" for v in page.evaluate(SERIOUS_VIOLATIONS)]
    page.emulate_media(color_scheme="light")
    return found


def wide_png() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (1600, 400), (240, 240, 250))
    image.paste((160, 20, 20), (0, 0, 800, 400))
    image.save(out, "PNG")
    return out.getvalue()


def loaded(image) -> bool:
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_upload_from_the_editor_inserts_the_figure_at_the_cursor(live_server, browser, artifacts):
    UserFactory(username="figwriter")
    paper = PaperFactory()
    context, page = sign_in(browser, live_server.url, "figwriter", PASSWORD)
    page.goto(live_server.url + reverse("summaries:write", args=[paper.pk]))
    source = page.locator("textarea[name=source]")
    source.fill("Before the figure.\n\nAfter the figure.")
    source.evaluate("el => el.setSelectionRange(18, 18)")  # just after "Before the figure."
    insert = page.get_by_role("button", name="Upload and insert")
    assert serious_violations(page) == []

    # The status line is a live region: each check waits for its text, never reads once.
    status = page.locator("[data-figure-status]")
    insert.click()
    expect(status).to_contain_text("Choose an image file first")

    page.set_input_files(
        "[data-figure-file]", {"name": "loss.png", "mimeType": "image/png", "buffer": wide_png()}
    )
    # Choosing a file leads to the description, which is required.
    description = page.locator("[data-figure-description]")
    expect(description).to_be_focused()
    insert.click()
    expect(status).to_contain_text("Describe the figure first")

    description.fill("Loss falls [fast]")
    description.press("Enter")  # uploads; does not save the summary
    # Said once the figure is in the text: the upload has finished.
    expect(status).to_contain_text("Inserted “Loss falls [fast]” into your text")
    expect(source).to_have_value(
        re.compile(
            r"^Before the figure\.\n\n!\[Loss falls \[fast\]\]\(/figures/[0-9a-f]{64}\.png\)"
            r"\n\nAfter the figure\.$"
        )
    )
    assert "/summaries/" not in page.url  # still in the editor
    page.locator(".editor").screenshot(path=artifacts / "figure-editor-desktop.png")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    page.locator("[data-figure-upload]").screenshot(path=artifacts / "figure-upload-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    preview_image = page.locator("[data-preview] img")
    preview_image.wait_for()
    page.wait_for_function("() => document.querySelector('[data-preview] img').complete")
    assert loaded(preview_image)

    page.check("input[name=visibility][value=public]")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/summaries/\d+/$"))
    summary_url = page.url
    page.goto(live_server.url + "/figures/")
    assert page.locator(".figure-item img").count() == 1
    assert serious_violations(page) == []
    # Deleting asks first; saying no keeps the figure.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name=re.compile("^Delete")).click()
    assert asked and asked[0].startswith("Delete this figure?")
    assert page.locator(".figure-item img").count() == 1
    context.close()

    # A reader on a phone sees it, scaled to the screen.
    phone_context = browser.new_context(viewport=PHONE)
    phone = phone_context.new_page()
    phone.goto(summary_url)
    image = phone.locator("main img[src^='/figures/']")
    image.scroll_into_view_if_needed()
    phone.wait_for_function("() => document.querySelector(\"main img[src^='/figures/']\").complete")
    assert loaded(image)
    assert image.get_attribute("alt") == "Loss falls [fast]"
    assert image.bounding_box()["width"] <= PHONE["width"]
    no_sideways_scroll(phone)
    phone.screenshot(path=artifacts / "figure-summary-phone.png", full_page=True)
    phone_context.close()


def test_without_javascript_the_figures_page_gives_the_line_to_paste(
    live_server, browser, artifacts
):
    UserFactory(username="nojswriter")
    paper = PaperFactory()
    context, page = sign_in(
        browser, live_server.url, "nojswriter", PASSWORD, viewport=PHONE, javascript=False
    )
    page.goto(live_server.url + reverse("summaries:write", args=[paper.pk]))
    link = page.get_by_role("link", name="Upload a figure")
    # A new tab: the text being written in the editor stays where it is.
    assert link.get_attribute("target") == "_blank"
    no_sideways_scroll(page)

    page.goto(live_server.url + link.get_attribute("href"))
    page.set_input_files(
        "input[name=file]", {"name": "plot.svg", "mimeType": "image/svg+xml", "buffer": SVG}
    )
    page.fill("input[name=description]", "Validation loss over training")
    page.get_by_role("button", name="Upload figure").click()
    page.wait_for_url(re.compile(r"/figures/\?added=\d+"))

    line = page.locator("#added-markdown").input_value()
    assert re.fullmatch(r"!\[Validation loss over training\]\(/figures/[0-9a-f]{64}\.svg\)", line)
    thumbnail = page.locator(".figure-added img")
    assert loaded(thumbnail)  # a sandboxed SVG still draws as an image
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "figures-page-phone.png", full_page=True)

    page.fill("input[name=description]", "Nothing")
    page.set_input_files(
        "input[name=file]", {"name": "notes.png", "mimeType": "image/png", "buffer": b"hello"}
    )
    page.get_by_role("button", name="Upload figure").click()
    assert "not a PNG, JPEG, WebP or SVG" in page.locator(".field-error").inner_text()
    context.close()
