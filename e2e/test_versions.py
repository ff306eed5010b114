"""Paper versions in a browser: the versions list, the notice with its diff (opened
without JavaScript), the writer's "It still holds", each page on a phone and a
desktop, fitting the screen and passing axe (the same checks as test_every_page)."""

from functools import partial

import pytest

from e2e.browsing import new_page
from e2e.pages import add_versions, versions_pages
from e2e.test_every_page import PHONE, _axe_source, _sign_in, _walk
from precis.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def writer():
    writer = UserFactory(username="writer", display_name="Wren Writer")
    add_versions(writer)
    return writer


def test_the_versions_pages_fit_and_pass_axe(live_server, browser, artifacts, writer):
    problems: list[str] = []
    walk = partial(
        _walk, browser, live_server.url, artifacts=artifacts, axe_source=_axe_source(),
        problems=problems,
    )  # fmt: skip
    for size_name in ("phone", "desktop"):
        walk(versions_pages(), size_name=size_name)
        walk(versions_pages(), size_name=size_name, user=(writer.username, PASSWORD))
    assert problems == [], "\n".join(problems)


def test_the_writer_reads_what_changed_and_confirms_without_javascript(
    live_server, browser, writer
):
    pages = versions_pages()
    context, page = new_page(browser, viewport=PHONE, javascript=False)
    try:
        page.goto(f"{live_server.url}{pages['paper-versions']}")
        versions = page.locator(".paper-versions li")
        assert versions.count() == 2 and "v2" in versions.first.inner_text()
        assert "for v1, an earlier version" in page.locator(".version-badge").inner_text()

        _sign_in(page, live_server.url, writer.username, PASSWORD)
        page.goto(f"{live_server.url}{pages['summary-outdated']}")
        notice = page.locator("#version-notice")
        assert "Written for v1; the paper is now at v2" in notice.inner_text()
        assert not page.locator(".version-diff-text").first.is_visible()
        page.click(".version-diff summary")
        added = page.locator(".version-diff-text ins").first
        assert added.is_visible() and "and its reach" in added.inner_text()
        page.click("text=It still holds for v2")
        page.wait_for_load_state()
        assert page.locator("#version-notice").count() == 0
        assert page.locator(".version-badge").inner_text() == "current version"
    finally:
        context.close()
