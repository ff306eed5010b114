"""arXiv importers: the Atom API (``parse_atom``), OAI-PMH pages (``parse_oai_page``), fetching.

Parsers are pure and live in ``parse`` and ``oai``; only ``client`` touches the network.
"""

from precis.importers.arxiv.client import fetch_by_ids, list_records
from precis.importers.arxiv.oai import OaiPage, parse_oai_page
from precis.importers.arxiv.parse import parse_atom, repair_mojibake, unwrap_capture

__all__ = [
    "OaiPage",
    "fetch_by_ids",
    "list_records",
    "parse_atom",
    "parse_oai_page",
    "repair_mojibake",
    "unwrap_capture",
]
