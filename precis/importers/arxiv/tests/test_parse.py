"""The Atom API parser against every capture in ../shared/fixtures/arxiv_api."""

import json
from datetime import date

import pytest

from precis.importers.arxiv.parse import (
    name_from_tex,
    parse_atom,
    repair_mojibake,
    unwrap_capture,
)
from precis.importers.base import AuthorName, ImportProblem, PaperRecord


@pytest.fixture(scope="module")
def api(shared_fixtures):
    """Read a capture: raw Atom for the 2016 files, unwrapped JSON for the 2026 ones."""

    def read(name: str) -> bytes:
        data = (shared_fixtures / "arxiv_api" / name).read_bytes()
        return unwrap_capture(data) if name.endswith(".json") else data

    return read


def records(data) -> list[PaperRecord | ImportProblem]:
    return list(parse_atom(data))


def names(record: PaperRecord) -> list[str]:
    return [author.name for author in record.authors]


# --------------------------------------------------------------------------
# Legacy (2016) feeds
# --------------------------------------------------------------------------


def test_legacy_id_list_with_explicit_version(api):
    [paper] = records(api("arxivpy_2016_id_list_1111.2011v2.xml"))
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert names(paper) == ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    assert paper.identifiers == {"arxiv": "1111.2011", "doi": "10.1103/physrevb.85.115117"}
    assert paper.source == "arxiv"
    assert paper.source_ref == "arXiv:1111.2011v2"
    assert paper.published_on == date(2011, 11, 8)
    assert paper.year == 2011
    assert paper.categories == ["cond-mat.str-el", "cond-mat.stat-mech"]
    assert paper.journal_ref == paper.venue_name == "Phys. Rev. B 85, 115117 (2012)"
    assert paper.venue_key == "arxiv"  # Phys. Rev. B is not a venue Precis knows
    assert paper.comments == "8 pages, 3 figures. Published version"
    assert paper.url == "http://arxiv.org/abs/1111.2011v2"
    assert paper.pdf_url == "http://arxiv.org/pdf/1111.2011v2"
    assert paper.doc_type == "preprint"
    assert paper.abstract.startswith(
        "Theoretical description of anisotropic systems, such as layered"
    )
    assert paper.abstract.endswith("describing a single node.")
    assert "\n" not in paper.abstract and "  " not in paper.abstract


def test_legacy_search_has_ten_entries_with_old_style_ids(api):
    papers = records(api("arxivpy_2016_search_au_del_maestro.xml"))
    assert len(papers) == 10
    assert all(isinstance(paper, PaperRecord) for paper in papers)
    assert [paper.identifiers["arxiv"] for paper in papers] == [
        "1201.4869",
        "cond-mat/0412498",
        "cond-mat/0603029",
        "1005.5383",
        "1303.6954",
        "1312.6177",
        "1412.6529",
        "cond-mat/0607501",
        "cond-mat/0702661",
        "0807.2873",
    ]
    melting = papers[1]
    assert melting.source_ref == "arXiv:cond-mat/0412498v1"
    assert melting.title == "Thermal melting of density waves on the square lattice"
    assert names(melting) == ["Adrian Del Maestro", "Subir Sachdev"]
    assert melting.identifiers["doi"] == "10.1103/physrevb.71.184511"
    assert melting.published_on == date(2004, 12, 19)
    # entities in the abstract come out as characters
    assert '"p x p" density wave ordering on the square lattice (p >= 3, integer)' in (
        melting.abstract
    )
    assert papers[6].comments.startswith("10 pages, 8 figures; updated figure 5")
    assert papers[6].categories == ["cond-mat.quant-gas", "quant-ph"]
    assert all(paper.identifiers.get("doi") for paper in papers)


def test_legacy_boolean_search_single_hit(api):
    [paper] = records(api("arxivpy_2016_search_checkerboard.xml"))
    assert paper.title == (
        "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    )
    assert names(paper) == ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"]
    assert paper.source_ref == "arXiv:cond-mat/0603029v1"
    assert paper.year == 2006


# --------------------------------------------------------------------------
# Current (2026) feeds, JSON-wrapped
# --------------------------------------------------------------------------


def test_non_ascii_names_are_repaired_from_mojibake(api):
    [paper] = records(api("arxivpy_2026_id_1707.08567.json"))
    assert len(paper.authors) == 34
    assert paper.authors[0] == AuthorName("Kees A. Schouhamer Immink")
    assert "Dirk Wübben" in names(paper)
    assert names(paper)[-1] == "Hirosuke Yamamoto"
    assert paper.title == (
        "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    )
    assert paper.identifiers == {"arxiv": "1707.08567"}
    assert paper.source_ref == "arXiv:1707.08567v1"
    assert paper.comments == (
        "44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck"
    )
    assert paper.categories == ["cs.IT"]
    assert paper.url == "https://arxiv.org/abs/1707.08567v1"
    assert paper.pdf_url == "https://arxiv.org/pdf/1707.08567v1"
    assert paper.journal_ref == "" and paper.venue_key == "arxiv"


def test_error_feed_is_one_problem_not_a_paper(api):
    [problem] = records(api("arxivpy_2026_id_abc_error400.json"))
    assert isinstance(problem, ImportProblem)
    assert problem.source_ref == "arXiv API"
    assert problem.message == "The arXiv API refused the query: incorrect id format for abc."


def test_empty_feed_yields_nothing(api):
    assert records(api("arxivpy_2026_id_0000.0000_empty.json")) == []


def test_old_style_id_with_journal_ref_and_ampersand(api):
    [paper] = records(api("arxivpy_2026_id_astro-ph_0601001.json"))
    assert paper.identifiers == {"arxiv": "astro-ph/0601001"}
    assert paper.source_ref == "arXiv:astro-ph/0601001v1"
    assert names(paper) == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.published_on == date(2006, 1, 2)
    assert "following Gould & Morgan (2003)" in paper.abstract
    assert "(1/310)(1^{+1.39}_{-0.59})" in paper.abstract  # LaTeX kept as is
    assert paper.comments.startswith("62 pages including 16 figures and 9 tables.")


def test_old_style_id_with_version_and_cross_list(api):
    [paper] = records(api("arxivpy_2026_id_quant-ph_0201082v1.json"))
    assert paper.identifiers == {"arxiv": "quant-ph/0201082"}
    assert paper.source_ref == "arXiv:quant-ph/0201082v1"
    assert paper.categories == ["quant-ph", "cs.PL"]
    assert names(paper) == ["Stephen Blaha"]
    assert paper.year == 2002


def test_search_page_with_journal_refs_and_dois(api):
    papers = records(api("arxivpy_2026_q_testing_s0_m10.json"))
    assert len(papers) == 10
    first = papers[0]
    assert first.title == (
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )
    assert first.identifiers == {"arxiv": "2202.12139", "doi": "10.1109/icstw55395.2022.00035"}
    assert first.categories == ["cs.SE", "cs.LG"]
    assert first.journal_ref.startswith("Artificial Intelligence in Software Testing @ 2022 IEEE")
    assert first.comments == "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022"
    assert names(papers[1]) == [
        "Aurora Ramírez",
        "Mario Berrios",
        "José Raúl Romero",
        "Robert Feldt",
    ]
    assert sum("doi" in paper.identifiers for paper in papers) == 6
    assert sum(bool(paper.journal_ref) for paper in papers) == 6


def test_second_page_keeps_greek_letters_and_latex(api):
    papers = records(api("arxivpy_2026_q_testing_s10_m10.json"))
    assert len(papers) == 10
    first = papers[0]
    assert first.identifiers == {"arxiv": "2403.16981"}
    assert first.source_ref == "arXiv:2403.16981v2"
    assert first.categories == ["math.ST", "cs.IT", "stat.ML"]
    assert "type-I error at most $α$ and type-II error at most $β$" in first.abstract
    assert "prior distribution $(π, 1-π)$" in first.abstract
    assert "i.i.d.\\ samples" in first.abstract
    assert names(papers[-1]) == ["Katharina Götz", "Patric Feldmeier", "Gordon Fraser"]


def test_parse_atom_accepts_a_capture_and_text_directly(api, shared_fixtures):
    raw = (shared_fixtures / "arxiv_api" / "arxivpy_2026_id_1707.08567.json").read_bytes()
    [from_capture] = records(raw)
    assert "Dirk Wübben" in names(from_capture)
    [from_text] = records(api("arxivpy_2016_search_checkerboard.xml").decode("utf-8"))
    assert from_text.source_ref == "arXiv:cond-mat/0603029v1"


# --------------------------------------------------------------------------
# Broken input
# --------------------------------------------------------------------------

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">{}</feed>"""


def test_entry_without_valid_id_is_a_problem_and_parsing_goes_on():
    feed = FEED.format(
        "<entry><id>http://arxiv.org/abs/not-an-id</id><title>Lost</title></entry>"
        "<entry><id>http://arxiv.org/abs/1512.03385v1</id><title>Deep Residual Learning</title>"
        "<published>2015-12-10T19:51:55Z</published></entry>"
    )
    problem, paper = records(feed)
    assert isinstance(problem, ImportProblem)
    assert problem.source_ref == "entry 1"
    assert "no usable arXiv id" in problem.message and "not-an-id" in problem.message
    assert paper.identifiers == {"arxiv": "1512.03385"}
    assert paper.year == 2015


def test_entry_without_title_is_a_problem():
    [problem] = records(FEED.format("<entry><id>http://arxiv.org/abs/1512.03385v1</id></entry>"))
    assert problem == ImportProblem("arXiv:1512.03385v1", "Skipped: the entry has no title.")


def test_invalid_doi_is_dropped_not_fatal():
    feed = FEED.format(
        "<entry><id>http://arxiv.org/abs/1512.03385v1</id><title>T</title>"
        "<arxiv:doi>not a doi</arxiv:doi></entry>"
    )
    [paper] = records(feed)
    assert paper.identifiers == {"arxiv": "1512.03385"}


def test_known_venue_in_journal_ref():
    feed = FEED.format(
        "<entry><id>http://arxiv.org/abs/1706.03762v7</id><title>Attention Is All You Need</title>"
        "<arxiv:journal_ref>Advances in Neural Information Processing Systems 30 (NIPS 2017)"
        "</arxiv:journal_ref></entry>"
    )
    [paper] = records(feed)
    assert paper.venue_key == "nips"
    assert paper.venue_name == "Advances in Neural Information Processing Systems 30 (NIPS 2017)"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><body>Service unavailable</body></html>", "not an Atom feed"),
        (b"<feed><entry>", "not well-formed XML"),
        (b'{"nobody": 1}', "could not be read"),
    ],
)
def test_a_body_that_is_not_a_feed_is_one_problem(body, expected):
    [problem] = records(body)
    assert isinstance(problem, ImportProblem)
    assert problem.source_ref == "arXiv API"
    assert expected in problem.message


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("Dirk WÃ¼bben", "Dirk Wübben"),  # UTF-8 read as Latin-1
        ("$Ï\x80$", "$π$"),  # ... including a C1 control character
        ("$Ï€$", "$π$"),  # UTF-8 read as cp1252
        ("Balázs", "Balázs"),  # correct Latin-1-range text stays
        ("Łukasz", "Łukasz"),  # correct text beyond Latin-1 stays
        ("plain ascii", "plain ascii"),
    ],
)
def test_repair_mojibake(text, repaired):
    assert repair_mojibake(text) == repaired


def test_unwrap_capture_rejects_other_json():
    with pytest.raises(ValueError, match='no "body" text'):
        unwrap_capture(json.dumps({"url": "x"}).encode())


@pytest.mark.parametrize(
    ("tex", "name"),
    [
        ("S\\lawianowski", "Sławianowski"),
        ("Lefran\\ccois", "Lefrançois"),
        ("Pila\\vr", "Pilař"),
        ("Y\\ilmaz", "Yılmaz"),
        ("Garc{\\'\\i}a", "García"),
        ("Erd\\H{o}s", "Erdős"),
        ('M\\"{u}ller', "Müller"),
        ("Jos\\'e Smith", "José Smith"),
        ("plain", "plain"),
    ],
)
def test_name_from_tex(tex, name):
    assert name_from_tex(tex) == name
