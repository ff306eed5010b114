from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.papers.models import Author, Identifier, Paper, PaperRedirect
from precis.papers.services import merge_papers, upsert_papers
from precis.summaries import services as summary_services
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def arxiv_resnet(**overrides):
    fields = {
        "title": "Deep Residual Learning for Image Recognition",
        "authors": [AuthorName("Kaiming He"), AuthorName("Xiangyu Zhang"), AuthorName("Jian Sun")],
        "abstract": "Deeper neural networks are more difficult to train.",
        "year": 2015,
        "published_on": date(2015, 12, 10),
        "categories": ["cs.CV"],
        "identifiers": {"arxiv": "1512.03385v1"},
        "source": "arxiv",
        "source_ref": "arXiv:1512.03385v1",
    }
    return PaperRecord(**{**fields, **overrides})


def dblp_resnet(**overrides):
    fields = {
        "title": "Deep Residual Learning for Image Recognition.",
        "authors": [AuthorName("Kaiming He"), AuthorName("Xiangyu Zhang"), AuthorName("Jian Sun")],
        "year": 2016,
        "venue_key": "cvpr",
        "venue_name": "CVPR",
        "identifiers": {"dblp": "conf/cvpr/HeZRS16", "doi": "10.1109/CVPR.2016.90"},
        "source": "dblp",
        "source_ref": "conf/cvpr/HeZRS16",
    }
    return PaperRecord(**{**fields, **overrides})


def snapshot():
    return (
        list(Paper.objects.order_by("pk").values()),
        list(Identifier.objects.order_by("pk").values()),
        list(Author.objects.order_by("pk").values()),
    )


def test_it_creates_papers_with_authors_identifiers_and_venue():
    report = upsert_papers([arxiv_resnet()])
    paper = Paper.objects.get()
    assert report.created == 1
    assert [a.name for a in paper.ordered_authors()] == ["Kaiming He", "Xiangyu Zhang", "Jian Sun"]
    assert paper.identifier("arxiv") == "1512.03385"
    assert paper.venue.key == "arxiv"
    assert paper.field == "cs"


def test_importing_the_same_records_twice_changes_nothing():
    records = [
        arxiv_resnet(),
        dblp_resnet(),
        arxiv_resnet(title="Another paper", identifiers={"arxiv": "1412.6980"}),
    ]
    upsert_papers(records)
    before = snapshot()
    report = upsert_papers(records)
    assert snapshot() == before
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


@pytest.mark.parametrize("order", ["arxiv-first", "dblp-first"])
def test_the_arxiv_and_dblp_records_of_a_paper_end_as_one_paper_at_its_published_venue(order):
    records = [
        arxiv_resnet(),
        dblp_resnet(identifiers={"dblp": "conf/cvpr/HeZRS16", "arxiv": "1512.03385"}),
    ]
    if order == "dblp-first":
        records.reverse()
    for record in records:  # separate imports, as from two files
        upsert_papers([record])
    paper = Paper.objects.get()
    assert (paper.venue.key, paper.year) == ("cvpr", 2016)
    assert {i.scheme for i in paper.identifiers.all()} == {"arxiv", "dblp"}
    assert paper.abstract == "Deeper neural networks are more difficult to train."


def test_a_record_without_shared_ids_matches_by_title_first_author_and_year():
    upsert_papers([arxiv_resnet()])
    report = upsert_papers([dblp_resnet()])
    assert Paper.objects.count() == 1
    assert report.merged == 1
    assert set(Identifier.objects.values_list("scheme", flat=True)) == {"arxiv", "dblp", "doi"}


def test_same_title_by_other_authors_is_another_paper():
    upsert_papers([arxiv_resnet()])
    upsert_papers(
        [dblp_resnet(authors=[AuthorName("Someone Else")], identifiers={"dblp": "conf/x/Else16"})]
    )
    assert Paper.objects.count() == 2


def test_duplicates_within_one_batch_become_one_paper():
    report = upsert_papers([arxiv_resnet(), dblp_resnet()])
    assert Paper.objects.count() == 1
    assert report.created == 1


def test_problems_and_unusable_records_are_reported_not_fatal():
    report = upsert_papers(
        [
            ImportProblem("entry 3", "unbalanced braces"),
            PaperRecord(title="", source_ref="entry 4"),
            PaperRecord(title="Gone", deleted=True, source_ref="oai:arXiv.org:1111.0001"),
            arxiv_resnet(identifiers={"arxiv": "1512.03385", "doi": "not a doi"}),
        ]
    )
    assert report.created == 1
    assert report.skipped == [
        ("entry 3", "unbalanced braces"),
        ("entry 4", "the record has no title"),
        ("oai:arXiv.org:1111.0001", "deleted at the source"),
    ]
    assert Identifier.objects.get().scheme == "arxiv"


def test_a_batch_costs_about_the_same_queries_for_10_or_100_records():
    def records(count, offset):
        return [
            PaperRecord(
                title=f"Synthetic paper number {offset + n}",
                authors=[AuthorName(f"Author {offset + n}"), AuthorName("Shared Coauthor")],
                year=2020,
                venue_key="icml",
                identifiers={"dblp": f"conf/icml/Synthetic{offset + n}"},
                source="dblp",
            )
            for n in range(count)
        ]

    upsert_papers(records(1, 0))  # the venue row exists from here on
    with CaptureQueriesContext(connection) as small:
        upsert_papers(records(10, 100))
    with CaptureQueriesContext(connection) as large:
        upsert_papers(records(100, 1000))
    # Only bulk inserts split into chunks of the database's parameter limit; nothing
    # runs per record (that would add at least 90 queries here).
    assert len(large) <= len(small) + 4


def test_orcids_are_kept_and_matched():
    upsert_papers([arxiv_resnet(authors=[AuthorName("Kaiming He", "0000-0002-1825-0097")])])
    assert Author.objects.get(name="Kaiming He").orcid == "0000-0002-1825-0097"


def test_merging_keeps_every_summary_and_redirects_the_old_url(client, alice, carol):
    keep = SummaryFactory(author=alice, source="Kept text").paper
    duplicate = SummaryFactory(author=alice, source="Duplicate text").paper
    other = SummaryFactory(author=carol, paper=duplicate, source="Carol's text")
    summary_services.cast_vote(
        voter=carol, summary=Summary.objects.get(paper=duplicate, author=alice), value=1
    )
    Identifier.objects.create(paper=duplicate, scheme="arxiv", value="1706.03762")
    old_url, old_id = duplicate.get_absolute_url(), duplicate.pk

    merge_papers(duplicate=duplicate, into=keep)

    alices = Summary.objects.get(paper=keep, author=alice)
    assert alices.source == "Kept text"
    assert [r.source for r in alices.revisions.order_by("number")] == [
        "Kept text",
        "Duplicate text",
    ]
    assert alices.score == 1
    assert Summary.objects.get(pk=other.pk).paper_id == keep.pk
    assert Identifier.objects.get(value="1706.03762").paper_id == keep.pk
    assert PaperRedirect.objects.get(old_id=old_id).paper_id == keep.pk
    response = client.get(old_url)
    assert response.status_code == 301
    assert response.url == keep.get_absolute_url()


def test_staff_merge_duplicates_from_the_admin(client, bob, carol):
    first = SummaryFactory(author=carol).paper
    second = SummaryFactory(author=carol, source="Other words").paper
    url = "/admin/papers/paper/"
    payload = {"action": "merge_into_oldest", "_selected_action": [first.pk, second.pk]}
    client.force_login(carol)
    assert client.post(url, payload).status_code == 302  # to the admin login: not staff
    assert Paper.objects.count() == 2
    bob.is_superuser = True
    bob.save()
    client.force_login(bob)
    client.post(url, payload)
    assert list(Paper.objects.values_list("pk", flat=True)) == [first.pk]
    assert Summary.objects.get(author=carol).revisions.count() == 2
