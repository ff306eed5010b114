"""A conference-goer turns a pasted list of arXiv ids into published notes with two sections."""

import re

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.collections.models import Collection
from precis.importers.arxiv.parse import unwrap_capture
from precis.papers.tests.factories import PaperFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_build_reorder_and_publish_conference_notes(
    live_server, page, network, shared_fixtures, artifacts
):
    capture = shared_fixtures / "arxiv_api" / "arxivpy_2026_id_1707.08567.json"
    network.route("https://export.arxiv.org/api/query", unwrap_capture(capture.read_bytes()))
    PaperFactory(title="Batch Normalization", arxiv="1502.03167")
    PaperFactory(title="Trust Region Policy Optimization", arxiv="1502.05477")
    UserFactory(username="goer", password="a long journey passphrase")

    page.goto(f"{live_server.url}/accounts/login/?next=/collections/new")
    page.fill("input[name=login]", "goer")
    page.fill("input[name=password]", "a long journey passphrase")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/collections/new$"))

    page.fill("input[name=title]", "ICML notes")
    page.fill(
        "textarea[name=papers]",
        "# Tuesday — Main talks\n1502.03167\narXiv:1707.08567\n"
        "# Wednesday\nhttps://arxiv.org/abs/1502.05477\n",
    )
    page.get_by_role("button", name="Create collection").click()
    page.wait_for_url(re.compile(r"/collections/\d+/edit$"))
    assert "Added 3 papers under 2 headings" in page.locator(".messages").inner_text()
    assert len(network.requests) == 1  # only the unknown paper was fetched

    collection = Collection.objects.get()
    imported = collection.items.get(paper__identifiers__value="1707.08567").paper.title
    item = page.locator(".edit-item", has_text=imported)
    item.get_by_role("button", name="Move up").click()
    page.wait_for_url(re.compile(r"/edit#item-\d+$"))
    tuesday = page.locator(".edit-items").nth(1).locator(".edit-item-title")
    assert tuesday.all_inner_texts() == [imported, "Batch Normalization"]

    page.get_by_label("Public").check()
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Saved and published" in page.locator(".messages").inner_text()

    page.get_by_role("link", name="View the collection").click()
    page.wait_for_url(re.compile(r"/collections/\d+/icml-notes/$"))
    headings = page.locator("h2.collection-section").all_inner_texts()
    assert headings == ["Tuesday — Main talks", "Wednesday"]
    assert page.locator(".collection-item h3").first.inner_text() == imported
    page.screenshot(path=str(artifacts / "collection.png"), full_page=True)
