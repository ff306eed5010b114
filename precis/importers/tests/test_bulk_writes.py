"""The bulk insert helpers every import writes through (precis.papers.bulk), on both databases."""

import gc
from datetime import date

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from precis.importers import pipeline
from precis.papers import bulk, services
from precis.papers.bulk import RowBuilder, insert_rows, reserve_ids
from precis.papers.models import Author, Identifier, Paper, PaperAuthor

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's reference triggers"
)
AUTHOR_COLUMNS = ["paper_id", "author_id", "position"]

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


@pytest.mark.django_db(transaction=True)
def test_a_row_that_refers_to_a_missing_row_is_refused_and_nothing_is_written():
    [paper] = new_papers(1)
    ada = Author.objects.create(name="Ada Lovelace")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(PaperAuthor, AUTHOR_COLUMNS, [(paper, ada.pk, 0), (paper, ada.pk + 1, 1)])
    assert not PaperAuthor.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_rows_a_batch_refers_to_are_held_until_it_commits():
    """As the triggers it stands in for would: no one deletes them from under it."""
    [paper] = new_papers(1)
    ada = Author.objects.create(name="Ada Lovelace")
    with transaction.atomic():
        insert_rows(PaperAuthor, AUTHOR_COLUMNS, [(paper, ada.pk, 0)])
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"  # the rest of the transaction is checked
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            other.execute("SET lock_timeout = '100ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("DELETE FROM papers_author WHERE id = %s", [ada.pk])
        finally:
            other.close()
    assert PaperAuthor.objects.get().author == ada


@postgresql_only
def test_only_a_role_with_the_right_may_skip_the_reference_triggers():
    with connection.cursor() as cursor:
        assert bulk.role_may_skip_reference_triggers(cursor)  # the test database's owner
        cursor.execute("CREATE ROLE precis_plain_role NOLOGIN")
        cursor.execute("SET LOCAL ROLE precis_plain_role")
        assert not bulk.role_may_skip_reference_triggers(cursor)
        cursor.execute("RESET ROLE")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_without_that_right_the_triggers_check_every_row(monkeypatch):
    monkeypatch.setattr(bulk, "_may_skip_reference_triggers", lambda: False)
    [paper] = new_papers(1)
    ada = Author.objects.create(name="Ada Lovelace")
    insert_rows(PaperAuthor, AUTHOR_COLUMNS, [(paper, ada.pk, 0)])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(PaperAuthor, AUTHOR_COLUMNS, [(paper, ada.pk + 1, 1)])
    assert list(PaperAuthor.objects.values_list("author_id", flat=True)) == [ada.pk]


AWKWARD_NAMES = ['Ada "the Countess" Lovelace', "back\\slash", "NULL", "", "{a,b}", " é\t"]


def test_batches_look_values_up_whatever_characters_they_hold():
    stored = {Author.objects.create(name=name).pk: name for name in AWKWARD_NAMES}
    Author.objects.create(name="someone else")
    found = dict(
        Author.objects.filter(services._one_of("name", AWKWARD_NAMES)).values_list("pk", "name")
    )
    assert found == stored
    assert set(
        Author.objects.filter(services._one_of("id", stored)).values_list("name", flat=True)
    ) == set(AWKWARD_NAMES)


@postgresql_only
def test_one_array_parameter_carries_any_text_to_postgresql():
    any_of, array = bulk.equals_any(AWKWARD_NAMES)
    with connection.cursor() as cursor:
        sql = f"SELECT x FROM unnest(%s::text[]) AS x WHERE x {any_of}"  # noqa: S608
        cursor.execute(sql, [array, array])
        assert [x for (x,) in cursor.fetchall()] == AWKWARD_NAMES


def test_link_rows_and_json_lists_arrive_as_written():
    [first, second] = new_papers(2, keywords=['say "hi"', "back\\slash\ttab"], categories=[])
    authors = [Author.objects.create(name=f"Author {n}").pk for n in range(3)]
    insert_rows(
        PaperAuthor,
        AUTHOR_COLUMNS,
        [(first, authors[0], 0), (first, authors[1], 1), (second, authors[2], 0)],
    )
    assert set(PaperAuthor.objects.values_list("paper_id", "author_id", "position")) == {
        (first, authors[0], 0),
        (first, authors[1], 1),
        (second, authors[2], 0),
    }
    assert Paper.objects.get(pk=second).keywords == ['say "hi"', "back\\slash\ttab"]
    assert Paper.objects.get(pk=second).categories == []


def test_the_import_tuning_of_the_garbage_collector_is_undone():
    before = gc.get_threshold()
    with pipeline.collecting_rarely():
        assert gc.get_threshold()[0] == pipeline.IMPORT_GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
