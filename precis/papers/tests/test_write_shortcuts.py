"""Shortcuts the bulk write path takes for speed give the results the long way gives,
and dropping indexes no query needed left every lookup by those columns indexed."""

from datetime import date

import pytest
from django.db import connection
from django.utils.text import slugify
from hypothesis import given
from hypothesis import strategies as st

from precis.importers.arxiv.oai import parse_oai_page
from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.papers.models import Paper, paper_slug
from precis.papers.services import PAPER_ROWS, ImportReport, _BatchWriter, bounded_items

TITLE_CHARACTERS = st.sampled_from(list("aZ09 _-.,:'\"()[]\t\n\x0b\x1c\x00\x7féß—"))


@given(st.text(TITLE_CHARACTERS, max_size=30) | st.text(max_size=30))
def test_the_slug_of_an_ascii_title_is_slugifys(title):
    assert paper_slug(title) == (slugify(title)[:80] or "paper")


def test_a_long_title_has_a_slug_of_80_characters():
    assert paper_slug("Word " * 40) == ("word-" * 16)[:80]


RECORDS = [
    PaperRecord(title="Only a title"),
    PaperRecord(
        title="Deep Residual Learning",
        authors=[AuthorName("Kaiming He"), AuthorName("Jian Sun")],
        abstract="Deeper networks are harder to train.",
        year=2015,
        published_on=date(2015, 12, 10),
        categories=["cs.CV"],
        keywords=["residual"],
        url="https://arxiv.org/abs/1512.03385",
        pdf_url="https://arxiv.org/pdf/1512.03385",
        identifiers={"arxiv": "1512.03385"},
        source="arxiv",
    ),
    PaperRecord(title="At a venue", year=2016, venue_key="cvpr", source="dblp"),
    PaperRecord(title="Named venue", venue_name="Journal of Obscure Results", source="bibtex"),
    PaperRecord(title="A preprint", year=0, source="arxiv-oai", journal_ref="Phys. Rev. B 3"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("record", RECORDS, ids=lambda record: record.title)
def test_a_new_papers_row_is_filled_as_applying_the_record_to_a_blank_row_would(record):
    writer = _BatchWriter()
    [item] = bounded_items([record])
    [entry] = [writer._prepare(item, ImportReport())]
    writer._load_venues([entry])
    filled, applied = PAPER_ROWS.new_instance(), PAPER_ROWS.new_instance()
    writer._fill(filled, entry)
    writer._apply(applied, entry)
    assert vars(filled) == vars(applied)
    assert filled.title == record.title


@pytest.mark.django_db
def test_identifiers_a_parser_normalised_are_stored_as_normalising_them_would(shared_fixtures):
    writer = _BatchWriter()
    records = [
        record
        for path in sorted((shared_fixtures / "arxiv_oai").iterdir())
        for record in parse_oai_page(path.read_bytes()).records
        if not isinstance(record, ImportProblem) and not record.deleted
    ]
    assert len(records) > 1000
    for record in records:
        assert record.identifiers_normalized
        trusted = writer._prepare(record, ImportReport())
        record.identifiers_normalized = False
        normalised = writer._prepare(record, ImportReport())
        assert trusted.ids == normalised.ids


def indexes_starting_with(table: str, column: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        c["columns"]
        for c in constraints.values()
        if (c["index"] or c["unique"]) and c["columns"] and c["columns"][0] == column
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "column", "covering"),
    [
        ("papers_paperauthor", "paper_id", ["paper_id", "position"]),
        ("papers_paper", "venue_id", ["venue_id", "year"]),
    ],
)
def test_lookups_by_a_column_that_lost_its_own_index_are_still_indexed(table, column, covering):
    found = indexes_starting_with(table, column)
    assert covering in found
    assert [column] not in found


@pytest.mark.django_db
def test_the_slug_has_no_index():
    assert indexes_starting_with(Paper._meta.db_table, "slug") == []
