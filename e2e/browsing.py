"""What the browser journeys share: screen sizes, signing in, and the phone-width check."""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def new_page(browser, *, viewport=DESKTOP, javascript: bool = True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def sign_in(browser, base: str, username: str, password: str, **page_options):
    """A new browser context signed in as ``username``, and its page."""
    context, page = new_page(browser, **page_options)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return context, page


WIDEST_ELEMENTS = """(width) => [...document.querySelectorAll('body *')]
  .map((element) => [element, element.getBoundingClientRect().right])
  .filter(([, right]) => right > width)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 5)
  .map(([element, right]) => `${element.tagName.toLowerCase()}`
    + (element.getAttribute('class') || '').trim().split(/\\s+/).filter(Boolean).map((c) => `.${c}`).join('')
    + ` ends at ${Math.round(right)}px`)"""


def no_sideways_scroll(page, width: int = PHONE["width"]) -> None:
    """The page is no wider than the screen; a failure names what sticks out."""
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    if scrolled > width:
        culprits = page.evaluate(WIDEST_ELEMENTS, width)
        raise AssertionError(f"{page.url} is {scrolled}px wide: {culprits}")
