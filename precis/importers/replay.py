"""Serve a saved sequence of OAI-PMH pages as if from arXiv: for offline harvests and tests.

The directory holds the pages as ``*.xml`` in harvest order. A request without a
resumption token gets the first page; a request with token T gets the page that
follows the one whose ``<resumptionToken>`` is T.
"""

import time
from pathlib import Path

import httpx
from lxml import etree

OAI_NS = "{http://www.openarchives.org/OAI/2.0/}"


class OaiReplayTransport(httpx.BaseTransport):
    def __init__(self, directory: Path, *, delay_seconds: float = 0.0):
        self.pages = sorted(Path(directory).glob("*.xml"))
        if not self.pages:
            raise ValueError(f"{directory} holds no *.xml OAI-PMH pages")
        self.after_token = {}
        for page, following in zip(self.pages, self.pages[1:], strict=False):
            token = _resumption_token(page)
            if token:
                self.after_token[token] = following
        self.delay_seconds = delay_seconds

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        token = request.url.params.get("resumptionToken")
        page = self.after_token.get(token) if token else self.pages[0]
        if page is None:
            body = (
                '<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                '<error code="badResumptionToken">The resumption token is not in the replayed '
                "sequence.</error></OAI-PMH>"
            )
            return httpx.Response(200, content=body.encode())
        return httpx.Response(200, content=page.read_bytes(), headers={"content-type": "text/xml"})


def _resumption_token(page: Path) -> str:
    for _, element in etree.iterparse(str(page), tag=f"{OAI_NS}resumptionToken"):
        return (element.text or "").strip()
    return ""
