"""Paper versions: what the importers read of them, how the bulk upsert records them,
the paper page's list, on-demand import of a newer version, and merges."""

from datetime import date

import pytest

from precis.importers.arxiv.oai import parse_oai_page
from precis.importers.arxiv.parse import parse_atom
from precis.importers.base import PaperRecord, VersionRecord
from precis.importers.crossref.parse import parse_work
from precis.papers.models import Paper, PaperVersion
from precis.papers.services import merge_papers, upsert_paper, upsert_papers
from precis.papers.tests import recorded_versions as recorded
from precis.papers.tests.factories import PaperFactory
from precis.papers.versions import MAX_VERSIONS_PER_RECORD
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def versions_of(paper) -> list[tuple]:
    return list(
        PaperVersion.objects.filter(paper=paper)
        .order_by("number")
        .values_list("label", "released_on", "has_snapshot", "comments")
    )


def paper_of(arxiv_id: str) -> Paper:
    return Paper.objects.by_identifier("arxiv", arxiv_id).get()


# -- reading versions -----------------------------------------------------------------


def test_the_api_parser_reads_the_entry_version_and_v1_date(shared_fixtures):
    [record] = parse_atom(recorded.api_v2(shared_fixtures))
    assert record.versions == [
        VersionRecord(1, date(2011, 11, 8)),
        VersionRecord(2, date(2012, 4, 2)),
    ]
    [earlier] = parse_atom(recorded.api_v1(shared_fixtures))
    assert earlier.versions == [VersionRecord(1, date(2011, 11, 8))]


def test_the_arxiv_raw_parser_lists_every_version_with_its_date(shared_fixtures):
    data = (
        shared_fixtures / "arxiv_oai/mikesaelim_ListRecords_arXivRaw_resumption.xml"
    ).read_bytes()
    records = {r.identifiers["arxiv"]: r for r in parse_oai_page(data).records}
    assert [v.number for v in records["0704.0716"].versions] == [1, 2, 3, 4]
    assert records["0704.0716"].versions[-1].released_on == date(2008, 11, 14)
    assert records["0704.0716"].published_on == date(2007, 4, 5)  # still v1's date
    assert [v.number for v in records["0704.0471"].versions] == [1]


def test_a_crossref_record_is_dated_by_its_deposit_and_not_numbered(shared_fixtures):
    record = parse_work(
        (shared_fixtures / "crossref/hepcrawl_work_10.1103_physrevb.33.3547.2.json").read_bytes()
    )
    [version] = record.versions
    assert version.number is None and version.released_on is not None
    assert version.label == version.released_on.isoformat()


# -- recording them ---------------------------------------------------------------------


def test_a_harvest_of_v1_then_v2_records_both_versions_and_their_text(network, shared_fixtures):
    recorded.harvest(network, recorded.oai_v1(shared_fixtures))
    paper = paper_of(recorded.OAI_ID)
    assert versions_of(paper) == [("v1", date(2013, 2, 8), True, "18 pages, 6 figures")]
    assert paper.latest_version.label == "v1"

    recorded.harvest(network, recorded.oai_v2(shared_fixtures))
    paper.refresh_from_db()
    assert versions_of(paper) == [
        ("v1", date(2013, 2, 8), True, "18 pages, 6 figures"),
        ("v2", date(2013, 4, 2), True, "18 pages, 6 figures; v2: References added"),
    ]
    assert paper.latest_version.label == "v2"
    assert paper.published_on == date(2013, 2, 8)
    v2 = paper.latest_version
    assert (v2.title, v2.abstract) == (paper.title, paper.abstract)


def test_a_first_harvest_at_v2_knows_v1_only_by_its_date(network, shared_fixtures):
    recorded.harvest(network, recorded.oai_v2(shared_fixtures))
    paper = paper_of(recorded.OAI_ID)
    assert [row[:3] for row in versions_of(paper)] == [
        ("v1", date(2013, 2, 8), False),
        ("v2", date(2013, 4, 2), True),
    ]
    # An older record arriving later fills in v1's text, and moves nothing back.
    recorded.harvest(network, recorded.oai_v1(shared_fixtures))
    paper.refresh_from_db()
    assert versions_of(paper)[0] == ("v1", date(2013, 2, 8), True, "18 pages, 6 figures")
    assert paper.latest_version.label == "v2"


def test_importing_the_same_records_again_changes_nothing(shared_fixtures):
    data = (
        shared_fixtures / "arxiv_oai/mikesaelim_ListRecords_arXivRaw_resumption.xml"
    ).read_bytes()
    upsert_papers(parse_oai_page(data).records)
    before = list(PaperVersion.objects.order_by("pk").values())
    latest = dict(Paper.objects.values_list("pk", "latest_version"))
    report = upsert_papers(parse_oai_page(data).records)
    assert report.created == report.updated == 0
    assert list(PaperVersion.objects.order_by("pk").values()) == before
    assert dict(Paper.objects.values_list("pk", "latest_version")) == latest
    assert PaperVersion.objects.count() == 1 + 4 + 3 + 2 + 1 + 1


def test_recording_versions_costs_the_same_queries_for_one_record_or_many(shared_fixtures):
    """Versions are written per batch, never per record (the harvest's speed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = (
        shared_fixtures / "arxiv_oai/mikesaelim_ListRecords_arXivRaw_resumption.xml"
    ).read_bytes()
    records = parse_oai_page(data).records
    with CaptureQueriesContext(connection) as one:
        upsert_papers(records[:1])
    with CaptureQueriesContext(connection) as five:
        upsert_papers(records[1:])
    version_queries = [q["sql"] for q in five.captured_queries if "papers_paperversion" in q["sql"]]
    assert len(version_queries) == len(
        [q for q in one.captured_queries if "papers_paperversion" in q["sql"]]
    )
    # Read what is stored, reserve ids, insert (COPY through a staging table on
    # PostgreSQL), read the newest, point the papers at it: a handful, whatever the batch.
    assert len(version_queries) <= 8


def test_a_hostile_record_cannot_flood_the_versions_table():
    versions = [VersionRecord(n, date(2020, 1, 1)) for n in range(1, 10_001)]
    versions += [VersionRecord(-1), VersionRecord(10**12), VersionRecord(0)]
    record = PaperRecord(
        title="A paper with very many versions", identifiers={"arxiv": "2001.00001"},
        comments="x" * 200_000, versions=versions, source="arxiv",
    )  # fmt: skip
    paper, _ = upsert_paper(record)
    assert paper.versions.count() <= MAX_VERSIONS_PER_RECORD
    assert len(paper.latest_version.comments) <= 2_000


def test_a_doi_only_paper_gets_a_new_version_only_when_its_record_changes():
    def crossref(abstract: str, deposited: date) -> PaperRecord:
        return PaperRecord(
            title="A journal article", identifiers={"doi": "10.1234/example.5"},
            abstract=abstract, source="crossref",
            versions=[VersionRecord(None, deposited, deposited.isoformat())],
        )  # fmt: skip

    paper, _ = upsert_paper(crossref("First words.", date(2020, 1, 2)))
    upsert_paper(crossref("First words.", date(2020, 5, 6)))  # re-deposited, same text
    assert [v[0] for v in versions_of(paper)] == ["2020-01-02"]
    upsert_paper(crossref("Corrected words.", date(2021, 3, 4)))
    paper.refresh_from_db()
    assert [v[0] for v in versions_of(paper)] == ["2020-01-02", "2021-03-04"]
    assert paper.latest_version.name == "the version of 4 March 2021"
    assert paper.abstract == "Corrected words."  # it was the old version's text


def test_a_newer_version_keeps_text_a_publisher_gave(network, shared_fixtures):
    """The paper's title moves with arXiv's versions only while it is arXiv's title."""
    recorded.harvest(network, recorded.oai_v1(shared_fixtures))
    paper = paper_of(recorded.OAI_ID)
    Paper.objects.filter(pk=paper.pk).update(title="The Same-Sign Dilepton Signature (JHEP)")
    recorded.harvest(network, recorded.oai_v2(shared_fixtures))
    paper.refresh_from_db()
    assert paper.title == "The Same-Sign Dilepton Signature (JHEP)"
    assert paper.latest_version.label == "v2"


# -- the paper page and on-demand import ----------------------------------------------


def test_the_paper_page_lists_versions_with_dates(client, network, shared_fixtures):
    recorded.harvest(network, recorded.oai_v2(shared_fixtures))
    paper = paper_of(recorded.OAI_ID)
    page = client.get(paper.get_absolute_url()).content.decode()
    assert 'id="versions-heading"' in page
    assert "https://arxiv.org/abs/1302.2146v2" in page and "2 Apr 2013" in page
    assert "https://arxiv.org/abs/1302.2146v1" in page and "8 Feb 2013" in page
    assert page.index("1302.2146v2") < page.index("1302.2146v1")  # newest first


def test_a_paper_without_versions_shows_no_versions_section(client):
    paper = PaperFactory()
    assert 'id="versions-heading"' not in client.get(paper.get_absolute_url()).content.decode()


def test_a_link_to_a_newer_version_imports_it_on_demand(client, network, shared_fixtures):
    network.route(recorded.API_URL, recorded.api_v1(shared_fixtures), headers=recorded.ATOM)
    assert client.get("/arxiv/1111.2011v1").status_code == 302
    paper = paper_of(recorded.API_ID)
    assert [v[:3] for v in versions_of(paper)] == [("v1", date(2011, 11, 8), True)]

    network.route(recorded.API_URL, recorded.api_v2(shared_fixtures), headers=recorded.ATOM)
    response = client.get("/arxiv/1111.2011v2")
    assert response.status_code == 302 and response.url == paper.get_absolute_url()
    paper.refresh_from_db()
    assert [v[:3] for v in versions_of(paper)] == [
        ("v1", date(2011, 11, 8), True),
        ("v2", date(2012, 4, 2), True),
    ]
    fetched = len(network.requests)
    for known in ("/arxiv/1111.2011v2", "/arxiv/1111.2011v1", "/arxiv/1111.2011"):
        assert client.get(known).status_code == 302
    assert len(network.requests) == fetched  # versions we know cost no fetch


def test_an_unreachable_arxiv_still_opens_the_paper(client, network, shared_fixtures):
    import httpx

    network.route(recorded.API_URL, recorded.api_v1(shared_fixtures), headers=recorded.ATOM)
    client.get("/arxiv/1111.2011v1")
    network.fail(recorded.API_URL, httpx.ConnectError("arXiv is down"))
    response = client.get("/arxiv/1111.2011v7")
    assert response.status_code == 302
    assert paper_of(recorded.API_ID).latest_version.label == "v1"


# -- merges -----------------------------------------------------------------------------


def test_merging_papers_keeps_versions_and_what_was_written_for_them(
    network, shared_fixtures, carol
):
    recorded.harvest(network, recorded.oai_v1(shared_fixtures))
    into = paper_of(recorded.OAI_ID)
    duplicate, _ = upsert_paper(
        PaperRecord(
            title="The same-sign dilepton signature, as published",
            identifiers={"doi": "10.1007/jhep05(2013)026"},
            versions=[VersionRecord(1, date(2013, 2, 8)), VersionRecord(2, date(2013, 4, 2))],
        )
    )
    written = SummaryFactory(author=carol, paper=duplicate)
    assert written.paper_version.number == 2
    merge_papers(duplicate=duplicate, into=into)
    into.refresh_from_db()
    assert [v[0] for v in versions_of(into)] == ["v1", "v2"]
    assert into.latest_version.label == "v2"
    written = Summary.objects.get(pk=written.pk)
    assert written.paper_id == into.pk and written.paper_version.paper_id == into.pk
    assert written.paper_version.number == 2
