"""A summary's history and a long discussion on a 390 px phone, without JavaScript."""

import itertools
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.browsing import PHONE, no_sideways_scroll
from precis.accounts.tests.factories import UserFactory
from precis.discussions.tests.factories import bulk_comments, reply_chain
from precis.discussions.threads import THREADS_PER_PAGE
from precis.summaries.models import Revision
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG_WORD = "https://example.org/" + "a-very-long-path-segment-" * 12
PARAGRAPH = (
    "Residual networks learn a correction $F(x) = H(x) - x$ to the identity, which is "
    "easier to optimise than the whole mapping; see " + LONG_WORD + " for the details."
)


def test_history_diff_and_rendered_view_fit_a_phone(live_server, phone, artifacts):
    summary = SummaryFactory(source=f"# Notes\n\n{PARAGRAPH}")
    # An older, longer text (four-digit line numbers), stored as earlier revisions are.
    lines = [f"Line {n} of an old draft." for n in range(1, 1200)]
    Revision.objects.filter(summary=summary).update(number=3)
    for number, tail in ((1, "old"), (2, "new")):
        Revision.objects.create(
            summary=summary,
            number=number,
            source="\n".join([*lines, PARAGRAPH.replace("easier", f"{tail} easier")]),
            visibility="public",
            anonymous=False,
        )
    base = f"{live_server.url}/summaries/{summary.pk}/history"

    phone.goto(f"{base}?a=1&b=2")
    changed = phone.locator("tr.diff-changed")
    assert changed.count() == 1
    # What a screen reader reads: the change in words, not only in colour.
    assert changed.locator("del").text_content() == "[removed: old]"
    assert changed.locator("ins").text_content() == "[added: new]"
    assert changed.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == (
        "line-through"
    )
    assert changed.locator("ins").evaluate("e => getComputedStyle(e).textDecorationLine") == (
        "underline"
    )
    assert text_column_share(phone) > 0.7  # line numbers stay narrow
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "history-phone.png"), full_page=False)

    phone.goto(f"{base}?a=2&b=3")
    views = phone.get_by_role("navigation", name="Show the changes in")
    views.get_by_role("link", name="Rendered").click()
    marked = phone.locator(".rendered-diff .rdiff-changed")
    expect(marked).to_have_count(1)
    assert marked.locator(".rdiff-tag").inner_text().lower() == "changed"
    assert marked.locator(":scope > .rdiff-body math").count() == 1
    assert marked.locator("details del math").count() == 1  # in what it replaced
    marked.locator("details summary").click()  # what it replaced, without JavaScript
    assert marked.locator("details del").is_visible()
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "history-rendered-phone.png"), full_page=False)


def text_column_share(page) -> float:
    """The share of the diff table's width that its text column takes."""
    return page.evaluate(
        """() => {
            const table = document.querySelector('table.diff');
            const text = table.querySelector('tbody .diff-text');
            return text.getBoundingClientRect().width / table.getBoundingClientRect().width;
        }"""
    )


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS_AXE_VIOLATIONS = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}"""


def serious_axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make install` (npm ci)")
    page.evaluate(AXE.read_text())
    return page.evaluate(SERIOUS_AXE_VIOLATIONS)


def test_the_history_diffs_text_column_takes_most_of_the_width(live_server, browser, artifacts):
    old = f"# Notes\n\n{PARAGRAPH}\n\nA second paragraph that stays the same."
    summary = SummaryFactory(source=old)
    Revision.objects.create(
        summary=summary,
        number=2,
        source=old.replace("correction", "small correction") + "\n\n" + "An added line. " * 30,
        visibility="public",
        anonymous=False,
    )
    base = f"{live_server.url}/summaries/{summary.pk}/history?a=1&b=2"
    sizes = (({"width": 1366, "height": 900}, 0.85), (PHONE, 0.7))
    for (viewport, share), scheme in itertools.product(sizes, ("light", "dark")):
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        page.set_default_timeout(10_000)
        name = f"{viewport['width']}-{scheme}"
        page.goto(base)
        assert page.locator("tr.diff-changed").count() == 1
        assert text_column_share(page) > share
        table = page.locator("table.diff").bounding_box()
        assert table["x"] >= 0 and table["x"] + table["width"] <= viewport["width"]
        no_sideways_scroll(page, viewport["width"])
        assert serious_axe_violations(page) == [], name
        page.screenshot(path=str(artifacts / f"history-diff-{name}.png"), full_page=True)
        page.goto(f"{base}&view=rendered")
        assert page.locator(".rdiff-changed").count() == 1
        assert page.locator(".rdiff-added").count() == 1
        page.locator(".rdiff-changed details summary").click()
        no_sideways_scroll(page, viewport["width"])
        assert serious_axe_violations(page) == [], name
        page.screenshot(path=str(artifacts / f"history-rendered-{name}.png"), full_page=True)
        context.close()


def test_a_long_discussion_pages_and_replies_without_javascript(live_server, phone, artifacts):
    writer, reader = UserFactory(), UserFactory(password="a phone reader passphrase")
    summary = SummaryFactory(author=writer, source=PARAGRAPH)
    threads = bulk_comments(summary, [None] * (THREADS_PER_PAGE + 3), author=writer)
    chain = reply_chain(summary, 40, author=reader, under=threads[-1])
    bulk_comments(summary, [chain[-1]], author=writer)
    base = live_server.url

    phone.goto(f"{base}{summary.get_absolute_url()}")
    assert phone.locator("#comments > .comment-list > li").count() == THREADS_PER_PAGE
    no_sideways_scroll(phone)
    phone.locator(".comment-pages a[rel=next]").first.click()
    # The click only starts the navigation; expect() waits for page two to arrive.
    expect(phone.locator("#comments > .comment-list > li")).to_have_count(3)
    assert "Page 2 of 2" in phone.locator(".comment-pages").first.inner_text()
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "comments-page-2-phone.png"), full_page=True)

    phone.get_by_role("link", name="more replies in this thread").click()
    expect(phone.locator(f"#comment-{chain[-1].pk}")).to_have_count(1)
    assert phone.locator(".comment-flat").count() > 0  # deep replies listed flat
    no_sideways_scroll(phone)

    phone.goto(f"{base}/accounts/login/")
    phone.fill("input[name=login]", reader.username)
    phone.fill("input[name=password]", "a phone reader passphrase")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    phone.goto(f"{base}{summary.get_absolute_url()}?comments=2")
    phone.locator(f"#comment-{threads[-2].pk} [data-reply-to]").click()
    phone.fill(f"#reply-source-{threads[-2].pk}", "Replying from page two, on a phone.")
    phone.get_by_role("button", name="Post reply").click()
    phone.wait_for_load_state()
    assert "?comments=2" in phone.url
    assert phone.locator("text=Replying from page two, on a phone.").count() == 1
