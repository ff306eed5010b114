"""``paper_version`` on summaries in the API: the version each was written against."""

from datetime import date

import pytest
from django.test import Client, TestCase

from precis.importers.base import PaperRecord, VersionRecord
from precis.papers.services import upsert_paper
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.tests.factories import SummaryFactory

from .factories import bearer, token_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


def at_version(number: int):
    with TestCase.captureOnCommitCallbacks(execute=True):
        paper, _ = upsert_paper(
            PaperRecord(
                title="A paper that changes",
                identifiers={"arxiv": "2101.00001"},
                abstract=f"Text of v{number}.",
                source="arxiv",
                versions=[VersionRecord(n, date(2021, 1, n)) for n in range(1, number + 1)],
            )
        )
    return paper


def test_summaries_carry_the_version_they_were_written_for(client, alice):
    paper = at_version(1)
    summary = SummaryFactory(author=alice, paper=paper)
    assert client.get(f"/api/v1/summaries/{summary.pk}").json()["paper_version"] == "v1"
    at_version(2)
    [listed] = client.get(f"/api/v1/papers/{paper.pk}/summaries").json()["results"]
    assert listed["paper_version"] == "v1"
    services.confirm_for_current_version(summary=summary, editor=alice)
    assert client.get(f"/api/v1/summaries/{summary.pk}").json()["paper_version"] == "v2"


def test_it_is_null_when_the_version_is_not_known(client, alice):
    summary = SummaryFactory(author=alice, paper=PaperFactory())
    assert client.get(f"/api/v1/summaries/{summary.pk}").json()["paper_version"] is None


def test_a_summary_written_through_the_api_records_the_current_version(client, alice):
    paper = at_version(2)
    created = client.post(
        f"/api/v1/papers/{paper.pk}/summaries",
        {"source": "Written for the second version.", "visibility": "public"},
        content_type=JSON,
        **bearer(token_for(alice)),
    )
    assert created.status_code == 200, created.content
    assert created.json()["paper_version"] == "v2"


def test_a_doi_only_paper_names_its_version_by_date(client, alice):
    paper, _ = upsert_paper(
        PaperRecord(
            title="A journal article",
            identifiers={"doi": "10.1234/example.9"},
            source="crossref",
            versions=[VersionRecord(None, date(2020, 1, 2), "2020-01-02")],
        )
    )
    summary = SummaryFactory(author=alice, paper=paper)
    assert client.get(f"/api/v1/summaries/{summary.pk}").json()["paper_version"] == "2020-01-02"


def test_private_summaries_stay_hidden_whatever_their_version(client, alice, carol):
    paper = at_version(1)
    private = SummaryFactory(author=alice, paper=paper, visibility="private")
    at_version(2)
    client.force_login(carol)
    assert client.get(f"/api/v1/summaries/{private.pk}").status_code == 404
    assert client.get(f"/api/v1/papers/{paper.pk}/summaries").json()["results"] == []


def test_the_openapi_document_describes_it():
    schema = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()
    field = schema["components"]["schemas"]["SummaryOut"]["properties"]["paper_version"]
    assert "written against" in field["description"]
