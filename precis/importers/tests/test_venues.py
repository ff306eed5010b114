"""Every journal and conference is kept; the known ones under their short keys."""

from io import StringIO

import pytest
from django.core.management import call_command

from precis.importers.base import AuthorName, PaperRecord
from precis.importers.venues import MAX_KEY_CHARS, unknown_venue
from precis.papers.models import Paper, Venue
from precis.papers.services import upsert_papers


def test_it_keys_unknown_venues_by_a_stable_slug():
    assert unknown_venue("Journal of the ACM").key == "journal-of-the-acm"
    assert unknown_venue("JOURNAL of the  ACM").key == "journal-of-the-acm"
    assert unknown_venue("") is None


def test_it_keeps_one_venue_for_every_edition_of_a_conference():
    icse_2003 = unknown_venue(
        "Proceedings of the 25th International Conference on Software Engineering, ICSE 2003"
    )
    icse_2004 = unknown_venue(
        "Proceedings of the 26th International Conference on Software Engineering, ICSE 2004"
    )
    assert icse_2003 == icse_2004
    assert icse_2003.name == (
        "Proceedings of the International Conference on Software Engineering, ICSE"
    )


@pytest.mark.parametrize(
    "name",
    ["计算机学报", "x" * 300, "A very long conference name " * 5, "Nature Communications"],
)
def test_it_makes_keys_that_venue_urls_take(name):
    venue = unknown_venue(name)
    assert 0 < len(venue.key) <= MAX_KEY_CHARS
    assert venue.key.isascii()
    assert all(char.isalnum() or char == "-" for char in venue.key)
    assert len(venue.name) <= 200


@pytest.mark.django_db
def test_it_keeps_a_venue_outside_the_known_list_and_its_page_works(client):
    upsert_papers(
        [
            PaperRecord(
                title="A Journal Paper on Something Else",
                authors=[AuthorName("Ann Smith")],
                year=2019,
                venue_name="Journal of the ACM",
                identifiers={"doi": "10.1145/3000000"},
                source="crossref",
            ),
            PaperRecord(
                title="Another Paper in the Same Journal",
                year=2020,
                venue_name="Journal of the  ACM",
                identifiers={"doi": "10.1145/3000001"},
                source="bibtex",
            ),
        ]
    )
    venue = Venue.objects.get(key="journal-of-the-acm")
    assert venue.name == "Journal of the ACM"
    assert set(Paper.objects.values_list("venue__key", flat=True)) == {"journal-of-the-acm"}
    assert client.get(venue.get_absolute_url()).status_code == 200
    assert client.get(f"/venues/{venue.key}/2019/").status_code == 200


@pytest.mark.django_db
def test_it_maps_known_venues_to_their_keys_and_leaves_preprints_at_arxiv():
    upsert_papers(
        [
            PaperRecord(
                title="Adam: A Method for Stochastic Optimization",
                year=2015,
                venue_name="3rd International Conference on Learning Representations",
                identifiers={"dblp": "journals/corr/KingmaB14"},
                source="bibtex",
            ),
            PaperRecord(
                title="A Preprint With a Journal Reference",
                year=2015,
                venue_name="Phys. Rev. B 33, 3547 (1986)",
                identifiers={"arxiv": "1501.00001"},
                source="arxiv",
            ),
        ]
    )
    assert sorted(Paper.objects.values_list("venue__key", flat=True)) == ["arxiv", "iclr"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "venues"),
    [
        ("dblp/evelasquez_dblp_sample_with_homepages.xml", {"Acta Inf.", "meltdownattack.com"}),
        ("bibtex/jabref_complex.bib", {"IEEE Internet Computing", "SIGCSE Bull."}),
    ],
)
def test_it_keeps_the_venues_of_dblp_journals_and_jabref_entries(shared_fixtures, name, venues):
    call_command("import_papers", str(shared_fixtures / name), stdout=StringIO(), stderr=StringIO())
    stored = set(Venue.objects.values_list("name", flat=True))
    assert venues <= stored
    with_venue = Paper.objects.exclude(venue=None).exclude(venue__key="arxiv")
    assert with_venue.exists()
