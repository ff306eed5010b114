"""A summary's history and a long discussion on a 390 px phone, without JavaScript."""

import pytest

from e2e.browsing import no_sideways_scroll
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
    assert changed.locator("del").inner_text() == "old"
    assert changed.locator("ins").inner_text() == "new"
    text_width = phone.evaluate("document.querySelector('tr.diff-changed .diff-text').offsetWidth")
    table_width = phone.evaluate("document.querySelector('table.diff').offsetWidth")
    assert text_width > 0.6 * table_width  # line numbers stay narrow
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "history-phone.png"), full_page=False)

    phone.goto(f"{base}?a=2&b=3")
    phone.get_by_role("link", name="As rendered").click()
    assert phone.locator(".rendered-revision").count() == 2
    assert phone.locator(".rendered-revision math").count() == 2
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "history-rendered-phone.png"), full_page=False)


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
    assert phone.locator("#comments > .comment-list > li").count() == 3
    assert "Page 2 of 2" in phone.locator(".comment-pages").first.inner_text()
    no_sideways_scroll(phone)
    phone.screenshot(path=str(artifacts / "comments-page-2-phone.png"), full_page=True)

    phone.get_by_role("link", name="more replies in this thread").click()
    assert phone.locator(f"#comment-{chain[-1].pk}").count() == 1
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
