"""`manage.py import_papers` on every real fixture file: what the file says ends up stored."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from precis.importers.base import PaperRecord
from precis.importers.formats import detect_format, read_records
from precis.lib import identifiers
from precis.papers.models import Author, Identifier, Paper

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[4] / "shared" / "fixtures"
KINDS = ["arxiv_api", "arxiv_oai", "crossref", "dblp", "bibtex"]
FILES = sorted(
    path.relative_to(SHARED).as_posix()
    for kind in KINDS
    for path in (SHARED / kind).glob("*")
    if path.is_file() and path.suffix != ".dtd"
) or [pytest.param("absent", marks=pytest.mark.skip(reason="../shared/fixtures is absent"))]


def expected_papers(path: Path) -> list[PaperRecord]:
    records = read_records(path, detect_format(path))
    return [r for r in records if isinstance(r, PaperRecord) and not r.deleted and r.title.strip()]


def stored_paper_for(record: PaperRecord) -> Paper | None:
    for scheme, value in record.identifiers.items():
        try:
            normalized = identifiers.normalize(scheme, value)
        except identifiers.InvalidIdentifier:
            continue
        found = Paper.objects.filter(
            identifiers__scheme=scheme, identifiers__value=normalized
        ).first()
        if found:
            return found
    from precis.importers.names import title_key

    return Paper.objects.filter(title_key=title_key(record.title)).first()


def snapshot():
    return (
        list(Paper.objects.order_by("pk").values()),
        list(Identifier.objects.order_by("pk").values()),
        list(Author.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("name", FILES)
def test_every_fixture_imports_what_it_says_and_twice_changes_nothing(shared_fixtures, name):
    path = shared_fixtures / name
    expected = expected_papers(path)
    out = StringIO()
    call_command("import_papers", str(path), stdout=out, stderr=StringIO())
    assert "records in" in out.getvalue()
    for record in expected:
        paper = stored_paper_for(record)
        assert paper is not None, f"{record.source_ref}: {record.title!r} was not stored"
        stored_ids = set(paper.identifiers.values_list("scheme", "value"))
        for scheme, value in record.identifiers.items():
            try:
                normalized = identifiers.normalize(scheme, value)
            except identifiers.InvalidIdentifier:
                continue
            if (
                not Identifier.objects.filter(scheme=scheme, value=normalized)
                .exclude(paper=paper)
                .exists()
            ):
                assert (scheme, normalized) in stored_ids
        if record.authors and paper.source == record.source:
            assert paper.paper_authors.exists(), f"{record.source_ref} lost its authors"
    if expected:
        assert Paper.objects.count() <= len(expected)
    before = snapshot()
    call_command("import_papers", str(path), stdout=StringIO(), stderr=StringIO())
    assert snapshot() == before, "importing the same file twice changed the database"


def test_the_report_lists_per_item_problems(shared_fixtures):
    out = StringIO()
    call_command(
        "import_papers",
        str(shared_fixtures / "bibtex/bibtexparser_biber_examples.bib"),
        stdout=out,
        stderr=StringIO(),
    )
    report = out.getvalue()
    assert "skipped" in report
    assert "Skipped:" in report
    assert "has no title" in report


def test_non_ascii_names_survive_the_whole_path(shared_fixtures):
    call_command(
        "import_papers",
        str(shared_fixtures / "arxiv_oai/nguanh_GetRecord_arXiv_0704.0001_unicode.xml"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    paper = Paper.objects.get(identifiers__value="0704.0001")
    assert any("Balázs" in author.name for author in paper.ordered_authors())


def test_an_unrecognisable_file_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    junk = tmp_path / "notes.txt"
    junk.write_text("just some words")
    with pytest.raises(CommandError, match="cannot tell what kind of file"):
        call_command("import_papers", str(junk))
