"""A paper at v1, then at v2, from arXiv's real recorded responses (tests of versions).

No recording holds the same paper twice, a version apart, so each v1 response is made
from the real v2 response the way arXiv served it before v2 was posted: the v2
``<version>`` (OAI-PMH arXivRaw) or the ``v2`` id and its date (API) taken out, and
the note that v2 added to the comments cut. Everything else is the recorded bytes.
"""

import re

from django.core.management import call_command

OAI_URL = "https://export.arxiv.org/oai2"
API_URL = "https://export.arxiv.org/api/query"
XML = {"Content-Type": "text/xml"}
ATOM = {"Content-Type": "application/atom+xml"}

# arXiv:1302.2146 as OAI-PMH arXivRaw: v1 (8 Feb 2013) and v2 (2 Apr 2013).
OAI_RECORD = "arxiv_oai/mikesaelim_GetRecord_arXivRaw.xml"
OAI_ID = "1302.2146"
V2_COMMENTS = b"18 pages, 6 figures; v2: References added"
V1_COMMENTS = b"18 pages, 6 figures"

# arXiv:1111.2011 from the API: the entry is v2 (updated 2 Apr 2012; v1 of 8 Nov 2011).
API_RECORD = "arxiv_api/arxivpy_2016_id_list_1111.2011v2.xml"
API_ID = "1111.2011"


def oai_v2(shared_fixtures) -> bytes:
    return (shared_fixtures / OAI_RECORD).read_bytes()


def oai_v1(shared_fixtures) -> bytes:
    real = oai_v2(shared_fixtures)
    earlier = re.sub(rb'<version version="v2">.*?</version>', b"", real, flags=re.S)
    earlier = earlier.replace(V2_COMMENTS, V1_COMMENTS)
    assert earlier.count(b"<version ") == 1 and V1_COMMENTS in earlier
    return earlier


def api_v2(shared_fixtures) -> bytes:
    return (shared_fixtures / API_RECORD).read_bytes()


def api_v1(shared_fixtures) -> bytes:
    real = api_v2(shared_fixtures)
    earlier = real.replace(b"1111.2011v2", b"1111.2011v1").replace(
        b"<updated>2012-04-02T12:38:54Z</updated>", b"<updated>2011-11-08T18:48:36Z</updated>"
    )
    assert earlier != real and b"1111.2011v2" not in earlier
    return earlier


def harvest(network, body: bytes) -> None:
    """Run the arXivRaw harvest command against one replayed OAI-PMH response."""
    network.route(OAI_URL, body, headers=XML)
    call_command(
        "harvest_arxiv", "--set", "physics:hep-ex", "--from", "2013-01-01",
        "--prefix", "arXivRaw", "--restart",
    )  # fmt: skip
