"""DBLP importers: the dblp.xml dump (``iter_dump``), one record and search (``client``).

Parsers are pure and live in ``parse``; only ``client`` touches the network.
"""

from precis.importers.dblp.client import fetch_record, search
from precis.importers.dblp.parse import (
    DumpStats,
    NotAPaper,
    iter_dump,
    parse_record_xml,
    parse_search_json,
)

__all__ = [
    "DumpStats",
    "NotAPaper",
    "fetch_record",
    "iter_dump",
    "parse_record_xml",
    "parse_search_json",
    "search",
]
