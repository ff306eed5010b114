"""Shortcuts a bulk import takes for speed give the results the long way gives."""

import copy
import pickle

from precis.importers.arxiv.oai import parse_oai_page
from precis.importers.base import AuthorName, PaperRecord
from precis.lib import identifiers


def test_author_names_cross_processes_whole():
    authors = [AuthorName("Kaiming He"), AuthorName("Günther Heinemann", "0000-0002-4831-9016")]
    crossed = pickle.loads(pickle.dumps(authors))  # noqa: S301 (bytes it just made)
    for copied in (crossed, copy.deepcopy(authors)):
        assert copied == authors
        assert [(a.name, a.orcid) for a in copied] == [(a.name, a.orcid) for a in authors]


def test_the_oai_parser_marks_only_identifiers_already_in_normal_form(shared_fixtures):
    marked = 0
    for path in sorted((shared_fixtures / "arxiv_oai").iterdir()):
        for record in parse_oai_page(path.read_bytes()).records:
            if not isinstance(record, PaperRecord) or not record.identifiers_normalized:
                continue
            marked += 1
            for scheme, value in record.identifiers.items():
                assert identifiers.normalize(scheme, value) == value
    assert marked > 1000
