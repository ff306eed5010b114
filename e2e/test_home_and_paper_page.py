"""The home page's call to write and the long paper page, in a real browser at 390 and 1366 px:
nothing wider than the screen, the waiting list, the jump list, long summaries collapsed
(a link without JavaScript, an expanding button with it) and asking for a summary."""

import pytest

from e2e.browsing import PHONE, new_page, no_sideways_scroll, sign_in
from precis.accounts.tests.factories import UserFactory
from precis.papers import demand
from precis.papers.models import RelatedPaper
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1366, "height": 768}
PASSWORD = "a long enough test password"
SENTENCE = (
    "The residual $F(x) + x$ lets a block learn a small correction, "
    "which is far easier than learning the whole mapping from scratch. "
)
LONG = "\n\n".join(f"## Part {n}\n\n{SENTENCE * 3}" for n in range(14))


def build():
    paper = PaperFactory(title="Deep Residual Learning for Image Recognition " * 2)
    long = SummaryFactory(paper=paper, source=LONG, author=UserFactory(username="long_writer"))
    SummaryFactory(paper=paper, source="Short: *identity shortcuts* make depth trainable.")
    for n in range(4):
        RelatedPaper.objects.create(
            paper=paper,
            related=PaperFactory(title=f"A related paper about shortcuts number {n}"),
            score=1 - n / 10,
            reason="text",
        )
    waiting = PaperFactory(title="Supercalifragilisticexpialidociousnessification " * 3)
    for _ in range(2):
        demand.request_summary(requester=UserFactory(), paper=waiting)
    return paper, long, waiting


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "desktop"])
def test_home_and_paper_page_fit_and_read_well(live_server, browser, artifacts, viewport):
    paper, long, _ = build()
    base = live_server.url
    context, page = new_page(browser, viewport=viewport)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{base}/")
    no_sideways_scroll(page, viewport["width"])
    assert page.get_by_role("link", name="Join and write a summary").is_visible()
    waiting_section = page.locator("section.waiting")
    assert waiting_section.is_visible()
    assert waiting_section.get_by_text("2 asked").is_visible()
    page.screenshot(path=artifacts / f"home-writing-{viewport['width']}.png", full_page=True)

    page.goto(f"{base}{paper.get_absolute_url()}")
    no_sideways_scroll(page, viewport["width"])
    page.screenshot(path=artifacts / f"paper-jumps-{viewport['width']}.png", full_page=False)
    jumps = page.locator("nav.summary-jumps")
    assert jumps.is_visible() and jumps.locator("li").count() == 2
    box = page.locator(f"#summary-text-{long.pk}")
    collapsed = box.evaluate("el => el.getBoundingClientRect().height")
    assert collapsed < box.evaluate("el => el.scrollHeight")
    button = page.get_by_role("button", name="Read the whole summary")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert page.get_by_role("button", name="Show less").get_attribute("aria-expanded") == "true"
    assert box.evaluate("el => el.getBoundingClientRect().height") > collapsed * 2
    no_sideways_scroll(page, viewport["width"])
    page.get_by_role("button", name="Show less").click()
    assert box.evaluate("el => el.getBoundingClientRect().height") == pytest.approx(collapsed, 2)
    related = page.locator(".related-papers")
    assert related.is_visible()
    if viewport is WIDE:  # beside the summaries, in the first screen, not below them
        assert related.evaluate("el => el.getBoundingClientRect().top") < viewport["height"]
    # the jump list takes the reader to the summary
    jumps.locator("a").nth(1).click()
    assert page.url.endswith("#summary-" + page.url.rsplit("#summary-", 1)[-1])
    context.close()
    assert errors == []


def test_without_javascript_the_long_summary_links_to_its_page(live_server, browser):
    paper, long, _ = build()
    context, page = new_page(browser, viewport=PHONE, javascript=False)
    page.goto(f"{live_server.url}{paper.get_absolute_url()}")
    no_sideways_scroll(page)
    page.get_by_role("link", name="Read the whole summary by").click()
    page.wait_for_load_state()
    assert page.url.endswith(long.get_absolute_url())
    assert page.get_by_text("The residual", exact=False).last.is_visible()
    context.close()


def test_a_reader_asks_for_a_summary_on_a_phone(live_server, browser):
    UserFactory(username="asker", password=PASSWORD)
    paper = PaperFactory(title="A paper nobody has explained")
    context, page = sign_in(browser, live_server.url, "asker", PASSWORD, viewport=PHONE)
    page.goto(f"{live_server.url}{paper.get_absolute_url()}")
    page.get_by_role("button", name="I want a summary of this").click()
    page.wait_for_load_state()
    assert page.get_by_text("You asked for a summary of this paper").is_visible()
    assert page.get_by_text("1 reader has asked for a summary").is_visible()
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/")
    waiting = page.locator("section.waiting")
    assert waiting.get_by_role("link", name=paper.title, exact=True).is_visible()
    assert waiting.get_by_role("link", name=f"Write one for {paper.title}").is_visible()
    assert page.get_by_role("link", name="Write a summary").first.is_visible()
    page.goto(f"{live_server.url}{paper.get_absolute_url()}")
    page.get_by_role("button", name="Withdraw my request").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="I want a summary of this").is_visible()
    context.close()
