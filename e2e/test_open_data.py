"""/data/ in a browser: the latest dump's files on a phone, opened and downloaded."""

import gzip
import json

import pytest

from e2e.browsing import PHONE, new_page, no_sideways_scroll
from e2e.test_every_page import AXE_RULES_OFF, AXE_RUN, _axe_source

pytestmark = pytest.mark.django_db(transaction=True)


def _axe(page) -> list[str]:
    source = _axe_source()
    if source is None:
        return []
    page.evaluate(source)
    return page.evaluate(AXE_RUN, list(AXE_RULES_OFF))


def test_the_data_page_fits_a_phone_and_its_files_download(
    live_server, browser, settings, tmp_path
):
    from precis.exports import dumps
    from precis.papers.tests.factories import PaperFactory

    settings.PUBLIC_DUMP_DIR = tmp_path
    context, page = new_page(browser, viewport=PHONE)
    try:
        page.goto(f"{live_server.url}/data/")
        assert page.get_by_role("heading", name="No dump yet").is_visible()
        no_sideways_scroll(page)
        assert _axe(page) == []

        PaperFactory(arxiv="1512.03385", title="Deep residual learning " + "long" * 40)
        path = dumps.write_dump(tmp_path, keep=1)
        page.goto(f"{live_server.url}/data/")
        no_sideways_scroll(page)
        assert page.locator(".checksum").count() == len(dumps.kinds())
        page.locator(".dump-file details summary").first.click()  # papers.jsonl.gz fields
        assert page.locator(".dump-fields").first.is_visible()
        no_sideways_scroll(page)
        assert _axe(page) == []

        with page.expect_download() as waiting:
            page.get_by_role("link", name="papers.jsonl.gz").click()
        download = waiting.value
        assert download.suggested_filename == f"precis-{path.name}-papers.jsonl.gz"
        with gzip.open(download.path()) as lines:
            [paper] = [json.loads(line) for line in lines]
        assert paper["identifiers"] == {"arxiv": "1512.03385"}
    finally:
        context.close()
