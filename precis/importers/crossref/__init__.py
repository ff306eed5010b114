"""Crossref importers: works and work lists of the REST API, cassettes, DataCite JSON.

Parsers are pure and live in ``parse``; only ``client`` touches the network.
"""

from precis.importers.crossref.client import fetch_work
from precis.importers.crossref.parse import (
    parse_work,
    parse_works_list,
    records_from_cassette,
)

__all__ = ["fetch_work", "parse_work", "parse_works_list", "records_from_cassette"]
