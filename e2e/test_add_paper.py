"""A writer pastes an arXiv URL on "Add a paper" and lands on the summary form."""

import re

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.importers.arxiv.parse import unwrap_capture

pytestmark = pytest.mark.django_db(transaction=True)


def test_paste_an_arxiv_url_and_land_on_the_summary_form(
    live_server, page, network, shared_fixtures, artifacts
):
    capture = shared_fixtures / "arxiv_api" / "arxivpy_2026_id_1707.08567.json"
    network.route("https://export.arxiv.org/api/query", unwrap_capture(capture.read_bytes()))
    UserFactory(username="paster", password="a long journey passphrase")

    page.goto(f"{live_server.url}/accounts/login/?next=/papers/add")
    page.fill("input[name=login]", "paster")
    page.fill("input[name=password]", "a long journey passphrase")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/papers/add$"))

    page.fill("textarea[name=query]", "https://arxiv.org/abs/1707.08567v1")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r"/papers/\d+/write$"))
    assert "Write your summary below" in page.locator(".messages").inner_text()
    assert page.locator("textarea[name=source]").is_visible()
    assert len(network.requests) == 1
    page.screenshot(path=str(artifacts / "add-paper.png"))
