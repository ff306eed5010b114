"""The bulk insert helpers every import writes through (precis.papers.bulk), on both databases."""

import gc
from datetime import date

import pytest
from django.utils import timezone

from precis.importers import pipeline
from precis.papers.bulk import RowBuilder, insert_rows, reserve_ids
from precis.papers.models import Identifier, Paper

pytestmark = pytest.mark.django_db


def new_papers(count: int, **fields) -> list[int]:
    rows = RowBuilder(Paper)
    papers = []
    now = timezone.now()
    for number, pk in enumerate(reserve_ids(Paper, count)):
        paper = rows.new_instance()
        paper.id, paper.created_at, paper.updated_at = pk, now, now
        paper.title = f"Paper {number}"
        for name, value in fields.items():
            setattr(paper, name, value)
        Paper.derive_fields(paper)
        papers.append(paper)
    insert_rows(Paper, rows.columns, [rows.row(paper) for paper in papers])
    return [paper.id for paper in papers]


def test_it_writes_every_kind_of_value_as_the_orm_would():
    [pk] = new_papers(
        1,
        abstract="Quotes ' \" tabs\t, backslashes \\N and newlines\n stay",
        year=2015,
        published_on=date(2015, 12, 10),
        keywords=["a", "b, c"],
        categories=["cs.CV"],
    )
    paper = Paper.objects.get(pk=pk)
    assert paper.abstract == "Quotes ' \" tabs\t, backslashes \\N and newlines\n stay"
    assert (paper.year, paper.published_on) == (2015, date(2015, 12, 10))
    assert (paper.keywords, paper.categories, paper.field) == (["a", "b, c"], ["cs.CV"], "cs")
    assert paper.venue_id is None and paper.slug == "paper-0"


def test_rows_that_conflict_are_skipped_and_the_first_of_two_wins():
    first, second, third = new_papers(3)
    Identifier.objects.create(paper_id=first, scheme="arxiv", value="1512.03385")
    insert_rows(
        Identifier,
        ["paper_id", "scheme", "value"],
        [
            (second, "arxiv", "1512.03385"),  # already stored for the first paper
            (second, "doi", "10.1109/cvpr.2016.90"),
            (third, "doi", "10.1109/cvpr.2016.90"),  # the same as the row before
            (third, "dblp", "conf/cvpr/HeZRS16"),
        ],
        ignore_conflicts=True,
    )
    stored = set(Identifier.objects.values_list("paper_id", "scheme", "value"))
    assert stored == {
        (first, "arxiv", "1512.03385"),
        (second, "doi", "10.1109/cvpr.2016.90"),
        (third, "dblp", "conf/cvpr/HeZRS16"),
    }
    # and again, in the same transaction: nothing new, nothing left behind
    insert_rows(
        Identifier, ["paper_id", "scheme", "value"], [(third, "dblp", "x")], ignore_conflicts=True
    )
    assert Identifier.objects.count() == 4


def test_the_import_tuning_of_the_garbage_collector_is_undone():
    before = gc.get_threshold()
    with pipeline.collecting_rarely():
        assert gc.get_threshold()[0] == pipeline.IMPORT_GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
