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


def no_sideways_scroll(page, width: int = PHONE["width"]) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} is {scrolled}px wide"
