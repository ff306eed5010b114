"""Topic rows: kept with every write of a paper's categories, keywords and year, and the
topic page that lists by them."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from precis.importers.base import AuthorName, PaperRecord
from precis.papers.models import Paper, PaperTopic
from precis.papers.services import merge_papers, upsert_papers
from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 20  # precis.papers.views.PAPERS_PER_PAGE


def topics_of(paper) -> dict[str, int]:
    """{topic: year} of ``paper``'s rows."""
    return dict(PaperTopic.objects.filter(paper=paper).values_list("topic", "year"))


def record(**overrides) -> PaperRecord:
    fields = {
        "title": "Deep Residual Learning for Image Recognition",
        "authors": [AuthorName("Kaiming He"), AuthorName("Jian Sun")],
        "year": 2015,
        "categories": ["cs.CV", "cs.LG"],
        "keywords": ["Residual Networks"],
        "identifiers": {"arxiv": "1512.03385"},
        "source": "arxiv",
    }
    return PaperRecord(**{**fields, **overrides})


# --- the rows follow the paper ------------------------------------------------------


def test_an_imported_paper_has_a_row_per_category_and_keyword_in_lower_case():
    upsert_papers([record()])
    assert topics_of(Paper.objects.get()) == {
        "cs.cv": 2015,
        "cs.lg": 2015,
        "residual networks": 2015,
    }


def test_a_later_record_that_fills_keywords_or_moves_the_year_rewrites_the_rows():
    upsert_papers([record(keywords=[])])
    paper = Paper.objects.get()
    assert set(topics_of(paper)) == {"cs.cv", "cs.lg"}

    # The published version: a venue with its year replaces the preprint's.
    upsert_papers(
        [
            record(
                keywords=["ResNet"],
                year=2016,
                venue_key="cvpr",
                identifiers={"arxiv": "1512.03385", "doi": "10.1109/CVPR.2016.90"},
            )
        ]
    )
    assert topics_of(paper) == {"cs.cv": 2016, "cs.lg": 2016, "resnet": 2016}


def test_rewriting_a_batchs_rows_deletes_them_in_one_statement_without_reading_them():
    upsert_papers(
        [record(identifiers={"arxiv": f"1512.0338{n}"}, title=f"T{n} " * 9) for n in range(5)]
    )
    changed = [
        record(
            identifiers={"arxiv": f"1512.0338{n}"}, title=f"T{n} " * 9, year=2016, venue_key="cvpr"
        )
        for n in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        upsert_papers(changed)
    on_topics = [q["sql"] for q in queries if "papers_papertopic" in q["sql"]]
    assert [sql.split()[0] for sql in on_topics if "INSERT" not in sql] == ["DELETE"]
    assert {tuple(topics_of(paper).values()) for paper in Paper.objects.all()} == {(2016,) * 3}


def test_the_same_records_again_write_no_topic_rows():
    upsert_papers([record()])
    with CaptureQueriesContext(connection) as queries:
        upsert_papers([record()])
    assert not [q for q in queries if "papers_papertopic" in q["sql"]]


def test_saving_a_paper_rewrites_its_rows_and_deleting_it_removes_them():
    paper = PaperFactory(categories=["cs.LG"], keywords=["Vision", "vision", ""], year=None)
    assert topics_of(paper) == {"cs.lg": 0, "vision": 0}

    paper.keywords, paper.year = ["Graphs"], 2020
    paper.save()
    assert topics_of(paper) == {"cs.lg": 2020, "graphs": 2020}

    paper.title = "A new title only"
    with CaptureQueriesContext(connection) as queries:
        paper.save(update_fields=["title", "slug", "title_key"])
    assert not [q for q in queries if "papers_papertopic" in q["sql"]]

    paper.delete()
    assert not PaperTopic.objects.exists()


def test_lists_of_anything_but_names_give_no_topics():
    paper = PaperFactory(categories="cs.LG", keywords=[None, 3, ["nested"], {"a": 1}, "Kept"])
    assert topics_of(paper) == {"kept": 2016}


def test_a_merged_duplicate_leaves_no_rows_and_the_kept_paper_keeps_its_own():
    kept = PaperFactory(categories=["cs.LG"])
    duplicate = PaperFactory(categories=["cs.CV"], keywords=["duplicates"])
    merge_papers(duplicate=duplicate, into=kept)
    assert dict(PaperTopic.objects.values_list("topic", "paper")) == {"cs.lg": kept.pk}


def test_rebuild_topics_mends_rows_that_a_write_around_the_model_left_behind():
    kept = PaperFactory(categories=["cs.LG"], year=2016)
    moved = PaperFactory(categories=["cs.LG"], year=2016)
    Paper.objects.filter(pk=moved.pk).update(categories=["cs.CV"], keywords=["Vision"], year=2020)
    out = StringIO()

    call_command("rebuild_topics", stdout=out)
    call_command("rebuild_topics", stdout=out)  # again: the same rows

    assert topics_of(kept) == {"cs.lg": 2016}
    assert topics_of(moved) == {"cs.cv": 2020, "vision": 2020}
    assert out.getvalue() == "3 topic rows.\n3 topic rows.\n"


def test_the_migration_fills_the_rows_of_papers_stored_before_it():
    papers = [PaperFactory(categories=["cs.LG"], keywords=[f"word {n}"]) for n in range(3)]
    PaperTopic.objects.all().delete()
    migration = importlib.import_module("precis.papers.migrations.0009_paper_topics")
    migration.fill_topics(apps, None)
    assert {paper.pk: topics_of(paper) for paper in papers} == {
        paper.pk: {"cs.lg": 2016, f"word {n}": 2016} for n, paper in enumerate(papers)
    }


# --- the topic page ---------------------------------------------------------------


def test_walking_every_page_of_a_topic_meets_each_paper_once_summarised_first(client):
    summarised = []
    for n in range(PER_PAGE + 3):  # the summarised papers end on page 2
        paper = PaperFactory(categories=["cs.LG"], year=2000 + n % 5, title=f"Summarised {n}")
        summaries = [SummaryFactory(paper=paper) for _ in range(1 + (n % 4 == 0))]
        Summary.objects.filter(pk=summaries[0].pk).update(wilson=n % 3 / 10)
        paper.best, paper.count = n % 3 / 10, len(summaries)
        summarised.append(paper)
    hidden = PaperFactory(categories=["cs.LG"], year=2030, title="Only a private summary")
    SummaryFactory(paper=hidden, visibility="private")
    rest = [
        PaperFactory(categories=["cs.LG"], year=year, title=f"Rest {n}")
        for n, year in enumerate([2010, None, 2012, 2010, *[2001] * PER_PAGE])
    ]
    PaperFactory(categories=["cs.CV"])  # another topic

    seen = []
    for number in (1, 2, 3):
        response = client.get(f"/topics/cs.LG/?page={number}")
        assert response.status_code == 200
        seen += [paper for paper, _ in response.context["entries"]]

    # Best summary first, then the most summarised, then the newest.
    by_best = sorted(summarised, key=lambda p: (-p.best, -p.count, -p.pk))
    assert [(p.pk, p.summary_count) for p in seen[: len(by_best)]] == [
        (p.pk, p.count) for p in by_best
    ]
    # The rest, newest first; a paper without a year last; among equals, the newest row first.
    by_year = sorted([hidden, *rest], key=lambda p: (-(p.year or 0), -p.pk))
    assert [(p.pk, p.summary_count) for p in seen[len(by_best) :]] == [(p.pk, 0) for p in by_year]
    assert f"{len(seen)} papers" in response.content.decode()


def test_a_topic_page_past_the_summarised_papers_starts_where_they_end(client):
    for n in range(5):
        SummaryFactory(paper=PaperFactory(categories=["cs.LG"], title=f"Summarised {n}"))
    rest = [PaperFactory(categories=["cs.LG"], year=2016, title=f"Rest {n}") for n in range(25)]

    first = client.get("/topics/cs.LG/?page=1").context["entries"]
    second = client.get("/topics/cs.LG/?page=2").context["entries"]

    assert [paper.title for paper, _ in first[5:]] == [p.title for p in rest[::-1][:15]]
    assert [paper.title for paper, _ in second] == [p.title for p in rest[::-1][15:]]
    # Past the end: the last page, as on every list.
    last = client.get("/topics/cs.LG/?page=9").context["entries"]
    assert [paper.pk for paper, _ in last] == [paper.pk for paper, _ in second]


def test_a_topics_totals_are_counted_once_per_data_generation(client):
    summarised = [PaperFactory(categories=["cs.LG"]) for _ in range(3)]
    for paper in summarised[:2]:
        SummaryFactory(paper=paper)
    for n in range(3 * PER_PAGE):
        PaperFactory(categories=["cs.LG"], title=f"Rest {n}")

    def counts_on(url) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(")]

    assert len(counts_on("/topics/cs.LG/?page=2")) == 2  # the topic's, the summarised
    assert counts_on("/topics/cs.LG/?page=3") == []  # another page, the same totals
    SummaryFactory(paper=summarised[2])  # a write: counted afresh
    assert len(counts_on("/topics/cs.LG/?page=3")) == 2


@pytest.mark.parametrize(
    "name",
    [
        "%",  # LIKE's wildcards match nothing here
        "_",
        "deep_learning",
        "deep%",
        "x" * 301,  # longer than any topic kept
        "x" * 5000,
        "\N{LATIN CAPITAL LETTER I WITH DOT ABOVE}",
        "cs.LG\N{ZERO WIDTH SPACE}",
    ],
)
def test_names_no_paper_is_on_are_a_404(client, name):
    PaperFactory(categories=["cs.LG"], keywords=["deep learning", "deep-learning"])
    assert client.get(f"/topics/{name}/").status_code == 404


def test_a_keyword_in_any_case_of_any_script_finds_its_papers(client):
    paper = PaperFactory(categories=[], keywords=["Réseaux de Neurones", "Συναρτήσεις"])
    for name in ("réseaux de neurones", "RÉSEAUX DE NEURONES", "ΣΥΝΑΡΤΉΣΕΙΣ", "συναρτήσεις"):
        response = client.get(f"/topics/{name}/")
        assert [p.pk for p, _ in response.context["entries"]] == [paper.pk], name
    # A different word: the accent counts.
    assert client.get("/topics/συναρτησεις/").status_code == 404
