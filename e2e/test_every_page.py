"""Every page, signed out and signed in, on a 390 px phone and a 1366 px desktop.

One walk checks what each page must do whatever it shows: fit the screen, keep the
header to one row on a desktop, load the math font where there is math, and pass
axe-core's accessibility rules (no serious or critical violation). It also saves
screenshots of the main pages, light and dark, into e2e/artifacts/screenshots/.
"""

import os
import shutil
from functools import partial
from pathlib import Path

import pytest

from e2e.browsing import new_page, no_sideways_scroll
from e2e.pages import MATH_PAGES, MODERATOR_PAGES, build_site, public_pages, signed_in_pages
from precis.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 768}
SIZES = {"phone": PHONE, "desktop": WIDE}
SCREENSHOT_PAGES = {"home", "paper", "summary", "search", "profile", "editor"}

# Rules left out of the walk, each with its reason. (None today.)
AXE_RULES_OFF: dict[str, str] = {}

HEADER_ROWS = """() => {
  // Everything the header shows (a closed dropdown's links take no room) and the rows they sit on.
  const items = [...document.querySelectorAll(
    '.header-inner a, .header-inner button, .header-inner input, .header-inner summary')]
    .filter((el) => el.checkVisibility())
    .map((el) => el.getBoundingClientRect())
    .filter((box) => box.width > 0 && box.height > 0);
  const brand = document.querySelector('.brand').getBoundingClientRect();
  const middle = brand.top + brand.height / 2;
  return {
    items: items.length,
    offRow: items.filter((box) => box.top > middle || box.bottom < middle).length,
    height: document.querySelector('.site-header').getBoundingClientRect().height,
  };
}"""

MATH_FONT = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter((face) => face.family.replace(/["']/g, '') === 'Precis Math');
  return { loaded: faces.some((face) => face.status === 'loaded'), status: faces.map((face) => face.status) };
}"""

AXE_RUN = """async (rulesOff) => {
  await document.fonts.ready;
  const rules = Object.fromEntries(rulesOff.map((id) => [id, { enabled: false }]));
  const result = await axe.run(document, { rules, resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}"""


def _axe_source() -> str | None:
    return AXE.read_text() if AXE.exists() else None


def _sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".account-nav form[action$='/logout/']").count() == 1, "sign-in failed"


def _check_page(page, name, size_name, size, axe_source, problems):
    where = f"{name} at {size['width']} px"
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > size["width"]:
        problems.append(f"{where}: the page is {width} px wide")
    if size_name == "desktop":
        rows = page.evaluate(HEADER_ROWS)
        if rows["offRow"]:
            problems.append(f"{where}: {rows['offRow']} header items off the first row")
    if name in MATH_PAGES and page.locator("main math").count():
        font = page.evaluate(MATH_FONT)
        if not font["loaded"]:
            problems.append(f"{where}: the math font Precis Math is not loaded: {font['status']}")
    if axe_source:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Through the DevTools protocol, so the site's CSP (script-src 'self') allows it.
            page.evaluate(axe_source)
        for violation in page.evaluate(AXE_RUN, list(AXE_RULES_OFF)):
            problems.append(f"{where}: {violation}")


def _screenshot_light_and_dark(page, name, size_name, artifacts, axe_source, problems):
    """Screenshots in both colour schemes; the dark one is checked by axe too (contrast)."""
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=str(folder / f"{name}-{size_name}-{scheme}.png"), full_page=True)
    if axe_source:
        for violation in page.evaluate(AXE_RUN, list(AXE_RULES_OFF)):
            problems.append(f"{name} at {size_name}, dark: {violation}")
    page.emulate_media(color_scheme="light")


def _walk(browser, base, pages, *, size_name, artifacts, axe_source, problems, user=None, shots=()):
    size = SIZES[size_name]
    context, page = new_page(browser, viewport=size)
    # No transitions: a colour caught halfway from light to dark is neither.
    page.emulate_media(reduced_motion="reduce")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        if user:
            _sign_in(page, base, *user)
        for name, path in pages.items():
            response = page.goto(f"{base}{path}")
            expected = 404 if name == "not-found" else 200
            if response.status != expected:
                problems.append(f"{name} ({path}) answered {response.status}, not {expected}")
                continue
            page.wait_for_load_state()
            if name == "editor":
                # The live preview renders the draft (with its table) after the page loads.
                page.locator("[data-preview] table").wait_for()
            _check_page(page, name, size_name, size, axe_source, problems)
            if name in shots:
                _screenshot_light_and_dark(page, name, size_name, artifacts, axe_source, problems)
    finally:
        context.close()
    problems.extend(f"JavaScript error ({size_name}): {error}" for error in errors)


def test_every_page_fits_the_screen_loads_its_fonts_and_passes_axe(live_server, browser, artifacts):
    site = build_site()
    base = live_server.url
    axe_source = _axe_source()
    problems: list[str] = []
    writer = (site.writer.username, site.password)
    moderator = (site.moderator.username, site.password)
    walk = partial(
        _walk, browser, base, artifacts=artifacts, axe_source=axe_source, problems=problems
    )
    everything = {**public_pages(site), **signed_in_pages(site)}
    for size_name in SIZES:
        walk(public_pages(site), size_name=size_name, shots=SCREENSHOT_PAGES)
        walk(everything, size_name=size_name, user=writer, shots={"editor"})
        walk(MODERATOR_PAGES, size_name=size_name, user=moderator)
    assert problems == [], "\n".join(problems)
    if axe_source is None:
        pytest.skip(
            f"pages fit and fonts load, but {AXE} is absent: run `make install` (npm ci) "
            "for the accessibility check"
        )


def test_the_phone_menu_opens_without_javascript_and_marks_the_current_page(live_server, browser):
    context, page = new_page(browser, viewport=PHONE, javascript=False)
    try:
        page.goto(f"{live_server.url}/venues/")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 80, f"the header takes {header['height']} px"
        nav = page.locator("nav[aria-label=Main]")
        assert not nav.is_visible()
        page.click(".menu-button")
        assert nav.is_visible()
        current = nav.locator("a[aria-current=page]")
        assert current.count() == 1
        assert current.inner_text() == "Venues"
        # Visibly marked too, not only for screen readers.
        other = nav.get_by_role("link", name="Writers")
        style = "(el) => getComputedStyle(el).fontWeight + getComputedStyle(el).textDecorationLine"
        assert current.evaluate(style) != other.evaluate(style)
        # Without JavaScript there is no theme toggle: it could not remember anything.
        assert not page.locator("[data-theme-toggle]").is_visible()
        page.click(".menu-button")
        assert not nav.is_visible()
    finally:
        context.close()


def test_the_desktop_header_is_one_row_and_the_account_menu_drops_down(live_server, browser):
    site = build_site()
    context, page = new_page(browser, viewport=WIDE)
    try:
        _sign_in(page, live_server.url, site.moderator.username, site.password)
        page.goto(f"{live_server.url}/")
        rows = page.evaluate(HEADER_ROWS)
        assert rows["offRow"] == 0 and rows["height"] < 80, rows
        assert page.locator(".site-nav a[aria-current=page]").inner_text() == "Summaries"
        moderation = page.get_by_role("link", name="Moderation")
        assert not moderation.is_visible()
        page.click(".account-menu > summary")
        assert moderation.is_visible()
        page.keyboard.press("Escape")
        assert not moderation.is_visible()
        assert page.evaluate("document.activeElement.matches('.account-menu > summary')")
        page.click(".account-menu > summary")
        page.click("main h1, main", position={"x": 5, "y": 5})
        assert not moderation.is_visible()
    finally:
        context.close()


def test_the_longest_name_fits_the_narrowest_desktop_header(live_server, browser):
    """At 1280 px (80rem, where the header turns into one row) the links leave the
    account name little room: the longest name allowed is cut short, the page does not
    scroll sideways, and the whole name is still the menu's text."""
    longest_name = ("Maximiliane Wilhelmina " * 5)[:100]
    writer = UserFactory(username="longname", display_name=longest_name, password=PASSWORD)
    context, page = new_page(browser, viewport={"width": 1280, "height": 800})
    try:
        _sign_in(page, live_server.url, writer.username, PASSWORD)
        page.goto(f"{live_server.url}/")
        no_sideways_scroll(page, 1280)
        rows = page.evaluate(HEADER_ROWS)
        assert rows["offRow"] == 0, rows
        name = page.locator(".account-name")
        assert name.inner_text() == longest_name
        assert page.evaluate(
            "(name) => name.scrollWidth > name.clientWidth", name.element_handle()
        ), "the name is not cut short"
        page.click(".account-menu > summary")
        profile = page.get_by_role("link", name="Your profile")
        assert profile.is_visible()
        assert profile.bounding_box()["x"] >= 0
        no_sideways_scroll(page, 1280)
    finally:
        context.close()


def test_the_theme_toggle_is_remembered_in_the_browser_only(live_server, browser, client):
    context, page = new_page(browser, viewport=WIDE)
    background = "getComputedStyle(document.body).backgroundColor"
    try:
        page.emulate_media(color_scheme="light")
        page.goto(f"{live_server.url}/about/")
        light = page.evaluate(background)
        toggle = page.locator("[data-theme-toggle]")
        assert toggle.get_attribute("data-theme") == "system"
        assert "Auto" in toggle.text_content()
        toggle.click()  # light
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        toggle.click()  # dark
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert page.evaluate(background) != light
        assert page.evaluate("localStorage.getItem('precis-theme')") == "dark"

        # Applied before the first paint on the next page (theme.js, not deferred), which
        # comes from the shared page cache and so says nothing about the choice.
        page.goto(f"{live_server.url}/conduct/", wait_until="commit")
        page.wait_for_selector("body", state="attached")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.wait_for_load_state()
        assert page.evaluate(background) != light
        html = client.get("/conduct/").content.decode()
        assert "data-theme=" not in html.split("<body", 1)[0]

        toggle = page.locator("[data-theme-toggle]")
        toggle.click()  # back to following the system
        assert page.evaluate("document.documentElement.dataset.theme") is None
        assert page.evaluate("localStorage.getItem('precis-theme')") is None
        assert page.evaluate(background) == light
    finally:
        context.close()


def test_readme_screenshots(live_server, browser, artifacts):
    """The README's pictures of the site with the demo's data. They land in artifacts on
    every run, and in docs/screenshots/ only with UPDATE_SCREENSHOTS=1, so a test run
    never changes the tree."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    context, page = new_page(browser, viewport={"width": 1366, "height": 900})
    taken = {}
    try:
        page.emulate_media(color_scheme="light")
        for name, path in {"home": "/", "paper": "/arxiv/1512.03385"}.items():
            page.goto(f"{live_server.url}{path}")
            page.evaluate("document.fonts.ready")
            taken[name] = folder / f"readme-{name}.png"
            page.screenshot(path=str(taken[name]))
    finally:
        context.close()
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, path in taken.items():
            shutil.copyfile(path, README_SCREENSHOTS / f"{name}.png")
