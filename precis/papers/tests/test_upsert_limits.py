"""What the write path lets into the database, whichever importer sent the record."""

from io import StringIO

import pytest
from django.core.management import call_command

from precis.importers.base import AuthorName, PaperRecord
from precis.papers.models import Identifier, Paper, PaperAuthor, Venue
from precis.papers.services import (
    MAX_ABSTRACT_CHARS,
    MAX_AUTHOR_NAME_CHARS,
    MAX_AUTHORS,
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    _one_of,
    bounded_items,
    upsert_papers,
)

pytestmark = pytest.mark.django_db

SOURCES = ["bibtex", "crossref", "dblp", "arxiv", "arxiv-oai", "orcid", "import"]


def record(**overrides) -> PaperRecord:
    fields = {
        "title": "Deep Residual Learning for Image Recognition",
        "authors": [AuthorName("Kaiming He")],
        "identifiers": {"doi": "10.1109/CVPR.2016.90"},
        "source": "bibtex",
        "source_ref": "he2016",
    }
    return PaperRecord(**{**fields, **overrides})


def unchanged(items):
    return items


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    "bound", [unchanged, bounded_items], ids=["bounded by the writer", "bounded by the parser"]
)
def test_it_caps_field_lengths_for_every_importer(source, bound):
    report = upsert_papers(
        bound(
            [
                record(
                    source=source,
                    abstract="word " * MAX_ABSTRACT_CHARS,
                    authors=[
                        AuthorName("Kaiming He"),
                        AuthorName("x" * (MAX_AUTHOR_NAME_CHARS + 1)),
                        AuthorName("Xiangyu Zhang"),
                    ],
                    keywords=[f"keyword {n}" for n in range(MAX_KEYWORDS + 10)]
                    + ["k" * (MAX_KEYWORD_CHARS + 1)],
                    venue_name="Journal of " + "Very " * 100 + "Long Names",
                    url="https://example.org/" + "a" * MAX_URL_CHARS,
                    pdf_url="javascript:alert(1)",
                ),
                record(source=source, source_ref="long", title="T" * (MAX_TITLE_CHARS + 1)),
            ]
        )
    )
    paper = Paper.objects.get()
    assert len(paper.abstract) <= MAX_ABSTRACT_CHARS
    assert paper.abstract.endswith("…")
    assert [author.name for author in paper.ordered_authors()] == ["Kaiming He", "Xiangyu Zhang"]
    assert paper.keywords == [f"keyword {n}" for n in range(MAX_KEYWORDS)]
    assert (paper.url, paper.pdf_url) == ("", "")
    if paper.venue and paper.venue.key != "arxiv":
        assert len(paper.venue.name) <= 200
    assert report.created == 1
    assert report.skipped == [
        ("long", f"the title has {MAX_TITLE_CHARS + 1:,} characters; at most 500 are accepted")
    ]
    trimmed = " ".join(note for ref, note in report.trimmed if ref == "he2016")
    for what in ("abstract cut", "author name", "keyword", "URL", "PDF URL"):
        assert what in trimmed


def test_it_keeps_the_first_authors_of_a_record_with_too_many():
    report = upsert_papers(
        [record(authors=[AuthorName(f"Coauthor {n}") for n in range(MAX_AUTHORS + 5)])]
    )
    authors = PaperAuthor.objects.order_by("position").values_list("author__name", flat=True)
    assert list(authors) == [f"Coauthor {n}" for n in range(MAX_AUTHORS)]
    assert report.trimmed == [
        ("he2016", f"kept the first {MAX_AUTHORS:,} of {MAX_AUTHORS + 5:,} authors")
    ]


@pytest.mark.parametrize(
    ("abstract", "kept"),
    [
        ("Line one.\nLine\x00 two.", "Line one.\nLine two."),
        ("Line one.\r\nLine\x7f two.\x1b", "Line one.\nLine two."),  # ASCII only
        ("Ligne un.\nLigne\u202e deux é.", "Ligne un.\nLigne deux é."),
    ],
)
@pytest.mark.parametrize("bound", [unchanged, bounded_items])
def test_it_drops_characters_no_database_takes(abstract, kept, bound):
    upsert_papers(
        bound(
            [
                record(
                    title="Null\x00 and\x1b control\u0085 characters\ud800\u202e",
                    abstract=abstract,
                    authors=[AuthorName("Ann\x00 Smith")],
                    keywords=["a\x00b"],
                )
            ]
        )
    )
    paper = Paper.objects.get()
    assert paper.title == "Null and control characters"
    assert paper.abstract == kept
    assert [a.name for a in paper.ordered_authors()] == ["Ann Smith"]
    assert paper.keywords == ["ab"]


def test_it_skips_a_record_with_only_unprintable_title():
    report = upsert_papers([record(title="\x00\x01 \x02")])
    assert report.skipped == [("he2016", "the record has no title")]
    assert not Paper.objects.exists()


def test_it_takes_http_addresses_only():
    upsert_papers([record(url="HTTPS://example.org/paper", pdf_url="ftp://example.org/p.pdf")])
    paper = Paper.objects.get()
    assert (paper.url, paper.pdf_url) == ("HTTPS://example.org/paper", "")


def test_it_looks_up_more_values_than_sqlite_takes_parameters():
    upsert_papers([record()])
    stored = Identifier.objects.get().value
    values = [f"10.9999/{n}" for n in range(40_000)] + [stored]
    found = Identifier.objects.filter(_one_of("value", values)).values_list("value", flat=True)
    assert list(found) == [stored]
    assert Paper.objects.filter(_one_of("id", [0, *range(10**6, 10**6 + 40_000)])).count() == 0


@pytest.mark.parametrize("parallel", [[], ["--no-parallel"]], ids=["parser process", "in-process"])
def test_it_lists_what_import_papers_trimmed_and_skipped(tmp_path, parallel):
    bib = tmp_path / "long.bib"
    bib.write_text(
        "@article{ok, title = {A Paper With A Very Long Abstract}, author = {Ann Smith},\n"
        f"  abstract = {{{'word ' * MAX_ABSTRACT_CHARS}}}}}\n"
        f"@article{{toolong, title = {{{'T' * (MAX_TITLE_CHARS + 1)}}}}}\n"
    )
    out = StringIO()
    call_command("import_papers", str(bib), *parallel, stdout=out, stderr=StringIO())
    report = out.getvalue()
    assert "1 created" in report
    assert "1 skipped, 1 trimmed" in report
    assert "at most 500 are accepted" in report
    assert "abstract cut to 20,000" in report
    assert Paper.objects.get().title == "A Paper With A Very Long Abstract"
    assert not Venue.objects.exclude(key="arxiv").exists()
