import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from precis.collections.tests.factories import CollectionFactory, add_papers
from precis.discussions.tests.factories import AnswerFactory, CommentFactory, QuestionFactory
from precis.exports.downloads import CSV_COLUMNS
from precis.findings.models import Finding
from precis.findings.tests.factories import FindingFactory, ReplyFactory
from precis.importers.base import PaperRecord
from precis.importers.bibtex.parse import parse_bibtex
from precis.lib.moderation import ModerationState
from precis.papers.models import Identifier
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries.tests.factories import SummaryFactory

DOWNLOADS = ["exports:json", "exports:zip", "exports:csv"]


@pytest.fixture
def writing(alice, carol):
    paper = PaperFactory(title="Deep residual learning", arxiv="1512.03385")
    Identifier.objects.create(paper=paper, scheme="doi", value="10.1109/cvpr.2016.90")
    SummaryFactory(author=alice, paper=paper, source="Alice's public summary.")
    SummaryFactory(author=alice, paper=PaperFactory(title="Alice private"), visibility="private")
    SummaryFactory(
        author=carol, paper=PaperFactory(title="Carol secret"), source="Carol's secret.",
        visibility="private",
    )  # fmt: skip
    return alice


@pytest.mark.parametrize("name", DOWNLOADS)
def test_it_requires_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", DOWNLOADS)
def test_it_returns_only_your_own_data(client, writing, name):
    client.force_login(writing)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content
    if name == "exports:zip":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(n) for n in archive.namelist())
    assert b"Alice private" in body
    assert b"Carol secret" not in body and b"Carol's secret" not in body


def test_the_json_download_is_the_export(client, writing):
    client.force_login(writing)
    data = json.loads(client.get(reverse("exports:json")).content)
    assert data["format"] == "precis-export/1"
    assert data["user"] == "alice"
    assert len(data["summaries"]) == 2


def test_the_csv_has_the_original_sites_columns(client, writing):
    client.force_login(writing)
    response = client.get(reverse("exports:csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == CSV_COLUMNS
    row = next(r for r in rows if r["title"] == "Deep residual learning")
    assert row["arxiv_id"] == "1512.03385"
    assert row["doi"] == "10.1109/cvpr.2016.90"
    assert row["visibility"] == "public"
    assert row["year"] == "2016"
    assert row["score"] == "0"
    assert row["published"]
    assert row["url"].startswith("http") and "/summaries/" in row["url"]


def test_the_zip_holds_a_file_per_summary_and_the_rest(client, writing):
    summary = SummaryFactory(author=writing, paper=PaperFactory(title="Third"))
    CommentFactory(author=writing, summary=summary, source="A comment of mine.")
    AnswerFactory(author=writing, question=QuestionFactory(author=writing, title="Why so?"))
    add_papers(CollectionFactory(owner=writing, title="My list"), [summary.paper])
    FindingFactory(author=writing, title="Eq. 4 drops a factor", paper_version="v2")
    elsewhere = FindingFactory(title="Someone else's finding, since hidden")
    ReplyFactory(author=writing, finding=elsewhere, source="I see it too.")
    Finding.objects.filter(pk=elsewhere.pk).update(moderation=ModerationState.HIDDEN)
    client.force_login(writing)
    response = client.get(reverse("exports:zip"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "summaries/deep-residual-learning.md",
        "summaries/alice-private.md",
        "summaries/third.md",
        "comments.md",
        "questions.md",
        "findings.md",
        "collections/my-list.md",
    } == names
    text = archive.read("summaries/deep-residual-learning.md").decode()
    assert text.startswith('---\ntitle: "Deep residual learning"\n')
    assert 'arxiv: "1512.03385"' in text and 'visibility: "public"' in text
    assert "published: " in text
    assert text.rstrip().endswith("Alice's public summary.")
    assert "A comment of mine." in archive.read("comments.md").decode()
    assert "Why so?" in archive.read("questions.md").decode()
    found = archive.read("findings.md").decode()
    assert "## Eq. 4 drops a factor" in found and ", v2*" in found and "Status: open" in found
    assert "I see it too." in found
    assert "since hidden" not in found  # its title went with it


def test_the_settings_page_links_the_downloads(client, alice):
    client.force_login(alice)
    page = client.get(reverse("accounts:settings")).content.decode()
    for name in DOWNLOADS:
        assert reverse(name) in page


def _records(text: str) -> list[PaperRecord]:
    return [item for item in parse_bibtex(text) if isinstance(item, PaperRecord)]


def test_a_papers_bibtex_round_trips_through_the_parser(client, db):
    paper = PaperFactory(title="Deep residual learning & 100% more_layers", arxiv="1512.03385")
    response = client.get(reverse("exports:paper_bibtex", args=[paper.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    (record,) = _records(response.content.decode())
    assert record.title == paper.title
    assert record.year == 2016
    assert record.identifiers["arxiv"] == "1512.03385"
    assert [a.name for a in record.authors] == ["Ada Lovelace", "Alan Turing"]
    page = client.get(paper.get_absolute_url()).content.decode()
    assert reverse("exports:paper_bibtex", args=[paper.pk]) in page


def test_a_venue_years_bibtex_has_its_papers_with_listed_summaries(client, alice):
    venue = VenueFactory(key="icml", name="ICML")
    listed = PaperFactory(title="Listed one", venue=venue, year=2016)
    hidden = PaperFactory(title="Private only", venue=venue, year=2016)
    other_year = PaperFactory(title="Other year", venue=venue, year=2017)
    SummaryFactory(author=alice, paper=listed)
    SummaryFactory(author=alice, paper=hidden, visibility="private")
    SummaryFactory(author=alice, paper=other_year)
    response = client.get(reverse("exports:venue_bibtex", args=["icml", 2016]))
    titles = [record.title for record in _records(response.content.decode())]
    assert titles == ["Listed one"]
    page = client.get(reverse("papers:venue_year", args=["icml", 2016])).content.decode()
    assert reverse("exports:venue_bibtex", args=["icml", 2016]) in page
    assert client.get(reverse("exports:venue_bibtex", args=["nope", 2016])).status_code == 404
