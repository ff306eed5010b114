"""The DBLP parsers: dblp.xml dumps and slices (shared/fixtures/dblp), record XML, search JSON."""

import gzip
import io
import json
import re

import pytest
from lxml import etree

from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.importers.dblp.parse import (
    DumpStats,
    NotAPaper,
    _forget,
    complete_prolog,
    entity_declarations,
    iter_dump,
    parse_record_xml,
    parse_search_json,
)

TINY = "askmrsinh_dblp-tiny.xml"
FRAGMENT = "thebfg_dblp_head_fragment_small.xml"
SAMPLE = "evelasquez_dblp_sample_with_homepages.xml"


@pytest.fixture(scope="module")
def dblp_dir(shared_fixtures):
    return shared_fixtures / "dblp"


@pytest.fixture(scope="module")
def dblp_bytes(dblp_dir):
    def read(name: str) -> bytes:
        return (dblp_dir / name).read_bytes()

    return read


def read_all(source, **options) -> tuple[list, DumpStats]:
    stats = DumpStats()
    items = list(iter_dump(source, stats=stats, **options))
    return items, stats


def records(items) -> dict[str, PaperRecord]:
    return {item.source_ref: item for item in items if isinstance(item, PaperRecord)}


def names(record: PaperRecord) -> list[str]:
    return [author.name for author in record.authors]


def record_xml(data: bytes, key: str) -> bytes:
    """One record cut out of a fixture, as dblp.org/rec/<key>.xml would send it."""
    match = re.search(rb'<(\w+) [^>]*key="' + re.escape(key.encode()) + rb'".*?</\1>', data, re.S)
    return b'<?xml version="1.0" encoding="US-ASCII"?>\n<dblp>\n' + match[0] + b"\n</dblp>\n"


# --------------------------------------------------------------------------
# askmrsinh_dblp-tiny.xml: a well-formed head of the real dump
# --------------------------------------------------------------------------


def test_tiny_dump_yields_every_record_in_order(dblp_dir):
    items, stats = read_all(dblp_dir / TINY)
    assert all(isinstance(item, PaperRecord) for item in items)
    assert [item.source_ref for item in items] == [
        "tr/meltdown/s18", "tr/meltdown/m18", "tr/acm/CS2013", "phd/Phipps92",
        "phd/Breuer2000", "phd/Hofmann1999", "phd/Ordille93", "phd/Beferull-Lozano02",
        "phd/Smolka89", "phd/Dobry87", "phd/Ghemawat95", "phd/Rothkugel2002",
        "phd/sk/Frisch2009",
    ]  # fmt: skip
    assert (stats.records, stats.problems, dict(stats.skipped)) == (13, 0, {})


def test_tiny_dump_spectre_record(dblp_dir):
    spectre = records(read_all(dblp_dir / TINY)[0])["tr/meltdown/s18"]
    assert spectre.title == "Spectre Attacks: Exploiting Speculative Execution"  # DBLP's "." gone
    assert names(spectre) == [
        "Paul Kocher",
        "Daniel Genkin",
        "Daniel Gruss",
        "Werner Haas",
        "Mike Hamburg",
        "Moritz Lipp",
        "Stefan Mangard",
        "Thomas Prescher",
        "Michael Schwarz",
        "Yuval Yarom",
    ]  # fmt: skip  (homonym numbers "0002", "0001" stripped)
    assert spectre.year == 2018
    assert spectre.published_on is None
    assert spectre.venue_name == "meltdownattack.com"
    assert spectre.venue_key == ""
    assert spectre.doc_type == "informal"  # publtype="informal"
    assert spectre.url == spectre.pdf_url == "https://spectreattack.com/spectre.pdf"
    assert spectre.identifiers == {"dblp": "tr/meltdown/s18"}
    assert (spectre.source, spectre.source_ref) == ("dblp", "tr/meltdown/s18")


def test_tiny_dump_book_thesis_and_fallback_url(dblp_dir):
    found = records(read_all(dblp_dir / TINY)[0])
    book = found["tr/acm/CS2013"]
    assert book.title == "Computer Science Curricula 2013"
    assert book.authors == []
    assert book.doc_type == "book"
    assert book.identifiers == {"dblp": "tr/acm/CS2013", "doi": "10.1145/2534860"}
    assert book.url == "https://doi.org/10.1145/2534860"
    thesis = found["phd/Hofmann1999"]
    assert names(thesis) == ["Jens Hofmann"]
    assert thesis.year == 1999
    assert thesis.doc_type == "phdthesis"
    assert thesis.url == "http://ubt.opus.hbz-nrw.de/volltexte/2004/148/"  # the first of two ee
    assert found["phd/Phipps92"].url == "https://dblp.org/rec/phd/Phipps92"  # no ee at all
    assert found["phd/Beferull-Lozano02"].pdf_url == "http://www.uv.es/%7Ebalbelo/thesis_BBL.pdf"


# --------------------------------------------------------------------------
# thebfg_dblp_head_fragment_small.xml: no declaration, DOCTYPE or root
# --------------------------------------------------------------------------


def test_fragment_is_wrapped_and_entities_resolve(dblp_dir):
    items, stats = read_all(dblp_dir / FRAGMENT)
    assert (stats.records, stats.problems) == (12, 0)
    found = records(items)
    assert list(found)[-3:] == ["persons/CasperGGGHLR12", "ms/Vollmer2006", "ms/Klaas2007"]
    dom = found["tr/gte/TR-0146-06-91-165"]
    assert names(dom) == ["Alejandro P. Buchmann", "M. Tamer Özsu", "Dimitrios Georgakopoulos"]
    assert dom.title == "Towards a Transaction Management System for DOM"
    assert (dom.year, dom.venue_name) == (1991, "GTE Laboratories Incorporated")
    assert found["tr/gte/TR-0231-08-93-165"].title == (
        "A 'RISC' Object Model for Object System Interoperation: Concepts and Applications"
    )


def test_fragment_orcids_and_umlaut_author(dblp_dir):
    casper = records(read_all(dblp_dir / FRAGMENT)[0])["persons/CasperGGGHLR12"]
    assert casper.authors[0] == AuthorName("Markus Casper", "0000-0002-1163-8988")
    assert casper.authors[4] == AuthorName("Günther Heinemann", "0000-0002-4831-9016")
    assert casper.authors[1] == AuthorName("Gayane Grigoryan", "")
    assert len(casper.authors) == 7
    assert casper.identifiers == {
        "dblp": "persons/CasperGGGHLR12",
        "doi": "10.5194/hess-16-409-2012",
    }
    assert casper.venue_name == "Hydrology and Earth System Sciences"
    assert casper.doc_type == "article"


def test_fragment_masters_theses(dblp_dir):
    found = records(read_all(dblp_dir / FRAGMENT)[0])
    klaas = found["ms/Klaas2007"]
    assert klaas.title == "Who's Who in the World Wide Web: Approaches to Name Disambiguation"
    assert names(klaas) == ["Vanessa C. Klaas"]
    assert klaas.doc_type == "mastersthesis"
    assert klaas.year == 2007
    assert found["ms/Vollmer2006"].title.startswith("Portierung des DBLP-Systems")


def test_fragment_from_a_file_object_without_dtd_uses_html_entities(dblp_bytes):
    items, stats = read_all(io.BytesIO(dblp_bytes(FRAGMENT)))
    assert stats.records == 12
    assert "M. Tamer Özsu" in names(records(items)["tr/gte/TR-0146-06-91-165"])


def test_fragment_with_explicit_dtd_path(dblp_dir, dblp_bytes, tmp_path):
    (tmp_path / "slice.xml").write_bytes(dblp_bytes(FRAGMENT))
    items, _ = read_all(tmp_path / "slice.xml", dtd_path=dblp_dir / "dblp.dtd")
    assert names(records(items)["persons/CasperGGGHLR12"])[4] == "Günther Heinemann"


def test_complete_prolog_adds_declaration_doctype_and_root_on_the_same_line():
    head, suffix = complete_prolog(b'<article key="a/b/c">\n<title>T</title>\n</article>')
    assert head.startswith(
        b'<?xml version="1.0" encoding="ISO-8859-1"?><!DOCTYPE dblp SYSTEM "dblp.dtd"><dblp>'
        b'<article key="a/b/c">\n'
    )
    assert suffix == b"</dblp>"
    with_root, no_suffix = complete_prolog(b'<?xml version="1.0"?>\n<dblp>\n</dblp>')
    assert with_root == b'<?xml version="1.0"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd"><dblp>\n</dblp>'
    assert no_suffix == b""
    untouched = b'<?xml version="1.0"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp/>'
    assert complete_prolog(untouched) == (untouched, b"")


def test_a_utf8_fragment_is_declared_utf8():
    data = '<article key="a/b/c"><author>Jürgen Müller</author><title>Größe</title></article>'
    [record] = list(iter_dump(io.BytesIO(data.encode("utf-8"))))
    assert names(record) == ["Jürgen Müller"]
    assert record.title == "Größe"


# --------------------------------------------------------------------------
# evelasquez_dblp_sample_with_homepages.xml: home pages and messy edits
# --------------------------------------------------------------------------


def test_sample_skips_home_pages_quietly(dblp_dir):
    items, stats = read_all(dblp_dir / SAMPLE)
    assert (stats.records, stats.problems) == (15, 0)
    assert stats.skipped == {"www": 8}
    assert not any(item.source_ref.startswith("homepages/") for item in items)
    assert str(stats) == "15 records, 0 problems, skipped: 8 www"


def test_sample_entities_and_a_blank_year(dblp_dir):
    schonhage = records(read_all(dblp_dir / SAMPLE)[0])["journals/acta/Schonhage77"]
    assert names(schonhage) == ["Arnold Schönhage"]
    assert (
        schonhage.title == "Schnelle Multiplikation von Polynomen über Körpern der Charakteristik 2"
    )
    assert schonhage.year is None  # <year>" "</year>, an edit by the repository's author
    assert schonhage.identifiers["doi"] == "10.1007/bf00289470"


def test_sample_journal_articles_books_and_a_record_without_authors(dblp_dir):
    found = records(read_all(dblp_dir / SAMPLE)[0])
    saxena = found["journals/acta/Saxena96"]
    assert (saxena.title, saxena.year) == (
        "Parallel Integer Sorting and Simulation Amongst CRCW Models",
        1996,
    )
    assert saxena.venue_name == "Acta Inf."
    assert saxena.identifiers == {"dblp": "journals/acta/Saxena96", "doi": "10.1007/bf03036466"}
    assert names(found["journals/acta/GoodmanS83"]) == ["Nathan Goodman", "Oded Shmueli"]
    assert found["tr/gte/TR-0263-08-94-165"].authors == []  # the author was deleted there
    handbook = found["reference/assisted/2012"]
    assert handbook.title == (
        "Handbook of Ambient Assisted Living - Technology for Healthcare, "
        "Rehabilitation and Well-being"
    )
    assert handbook.authors == []  # editors are not authors
    assert handbook.url == "http://www.booksonline.iospress.nl/Content/View.aspx?piid=26497"
    assert found["books/daglib/0032126"].identifiers["doi"] == "10.1007/978-1-4471-0763-7"


# --------------------------------------------------------------------------
# gzip, broken XML, entities
# --------------------------------------------------------------------------


def test_gzip_file_round_trip(dblp_dir, dblp_bytes, tmp_path):
    path = tmp_path / "dblp.xml.gz"
    path.write_bytes(gzip.compress(dblp_bytes(TINY)))
    plain, _ = read_all(dblp_dir / TINY)
    zipped, stats = read_all(path)
    assert zipped == plain
    assert stats.records == 13


def test_gzip_stream_of_a_fragment(dblp_bytes):
    items, stats = read_all(io.BytesIO(gzip.compress(dblp_bytes(FRAGMENT))))
    assert stats.records == 12
    assert "M. Tamer Özsu" in names(records(items)["tr/gte/TR-0146-06-91-165"])


def test_broken_xml_mid_file_keeps_the_records_before(dblp_bytes):
    data = dblp_bytes(FRAGMENT).replace(
        b'key="tr/gte/TR-0310-11-95-165" publtype="informal">',
        b'key="tr/gte/TR-0310-11-95-165" publtype="informal"<',
    )
    items, stats = read_all(io.BytesIO(data))
    *good, problem = items
    assert [item.source_ref for item in good] == [
        "tr/meltdown/s18", "tr/meltdown/m18", "tr/acm/CS2013", "tr/gte/TR-0263-08-94-165",
        "tr/gte/TR-0174-12-91-165", "tr/gte/TM-0149-06-89-165",
    ]  # fmt: skip
    assert isinstance(problem, ImportProblem)
    assert problem.source_ref == "line 66"
    assert problem.message.startswith(
        "The XML is broken at line 66, column 89 after record tr/gte/TM-0149-06-89-165:"
    )
    assert problem.message.endswith("Reading stopped there; the records before it were read.")
    assert (stats.records, stats.problems) == (6, 1)


def test_truncated_dump(dblp_bytes):
    items, _ = read_all(io.BytesIO(dblp_bytes(TINY)[:3000]))
    *good, problem = items
    assert good[-1].source_ref == "phd/Ordille93"
    assert problem.source_ref == "line 76"
    assert "Premature end of data" in problem.message


def test_undeclared_entity_spoils_only_its_record(dblp_bytes):
    data = dblp_bytes(FRAGMENT).replace(b"&Ouml;zsu", b"&Oumlaut;zsu")
    items, stats = read_all(io.BytesIO(data))
    problems = [item for item in items if isinstance(item, ImportProblem)]
    assert problems == [
        ImportProblem(
            "tr/gte/TR-0146-06-91-165",
            "Skipped: line 76: Entity 'Oumlaut' not defined, so the record's text would be wrong. "
            "Give the dblp.dtd that came with this dump (dtd_path=…).",
        )
    ]
    assert (stats.records, stats.problems) == (11, 1)
    assert "ms/Klaas2007" in records(items)  # reading went on


def test_many_undeclared_entities_stop_the_reading():
    record = b'<article key="journals/x/A%d"><title>Caf&eacuteX; %d</title></article>\n'
    data = b"".join(record % (number, number) for number in range(1, 201))
    items, stats = read_all(io.BytesIO(data))
    assert (stats.records, stats.problems) == (0, 51)
    assert items[0].source_ref == "journals/x/A1"
    assert items[-1] == ImportProblem(
        "",
        "Reading stopped: 50 records used entities that no DTD declares. "
        "This dump needs the dblp.dtd published with it (dtd_path=…).",
    )


def test_not_dblp_xml_is_one_problem():
    [problem] = list(iter_dump(io.BytesIO(b"<feed><entry>hello</entry></feed>")))
    assert problem == ImportProblem(
        "", "No DBLP records found: the file has no <article>, <inproceedings>, … elements."
    )


def test_record_without_title_or_key():
    data = b'<article key="journals/x/A1"><author>A B</author></article><article><title>T</title></article>'
    untitled, keyless = list(iter_dump(io.BytesIO(data)))
    assert untitled == ImportProblem(
        "journals/x/A1", "Skipped: the <article> record journals/x/A1 has no title."
    )
    assert keyless.source_ref == "line 1"
    assert "without a key" in keyless.message


def test_proceedings_and_data_are_skipped():
    data = (
        b'<proceedings key="conf/icml/2015"><title>ICML 2015</title></proceedings>'
        b'<data key="data/x/Y"><title>A data set</title></data>'
        b'<inproceedings key="conf/icml/SchulmanLMJA15"><title>Trust Region Policy Optimization.</title>'
        b"<booktitle>ICML</booktitle><year>2015</year></inproceedings>"
    )  # written by us in dblp.xml's shape
    items, stats = read_all(io.BytesIO(data))
    assert [item.source_ref for item in items] == ["conf/icml/SchulmanLMJA15"]
    assert items[0].venue_key == "icml"
    assert stats.skipped == {"proceedings": 1, "data": 1}


def test_corr_record_gives_arxiv_id_and_preprint():
    data = (
        b'<article key="journals/corr/HeZRS15" publtype="informal">'
        b"<author>Kaiming He</author><title>Deep Residual Learning for Image <i>Recognition</i>.</title>"
        b"<journal>CoRR</journal><volume>abs/1512.03385</volume><year>2015</year>"
        b'<ee type="oa">http://arxiv.org/abs/1512.03385</ee></article>'
    )  # written by us in dblp.xml's shape
    [record] = list(iter_dump(io.BytesIO(data)))
    assert record.title == "Deep Residual Learning for Image Recognition"
    assert record.identifiers == {"dblp": "journals/corr/HeZRS15", "arxiv": "1512.03385"}
    assert (record.doc_type, record.venue_key, record.venue_name) == ("preprint", "arxiv", "CoRR")
    volume_only = data.replace(b'<ee type="oa">http://arxiv.org/abs/1512.03385</ee>', b"")
    [record] = list(iter_dump(io.BytesIO(volume_only)))
    assert record.identifiers["arxiv"] == "1512.03385"


def test_external_entities_never_read_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE dblp [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<dblp><article key="a/b/c"><title>Leak &x;here</title></article></dblp>'
    ).encode()
    [record] = list(iter_dump(io.BytesIO(data)))
    assert record.title == "Leak here"


def test_entity_declarations_come_from_the_dtd_then_html(dblp_dir, tmp_path):
    # The fixture's dblp.dtd has a README glued to its end: only its entities are used.
    declarations = entity_declarations(str(dblp_dir / "dblp.dtd")).decode()
    assert '<!ENTITY Ouml "&#214;">' in declarations
    assert '<!ENTITY amp "' not in declarations
    custom = tmp_path / "dblp.dtd"
    custom.write_text('<!ENTITY smiley "&#x263A;">')
    (tmp_path / "dump.xml").write_bytes(
        b'<dblp><article key="a/b/c"><title>Hi &smiley; &eacute;</title></article></dblp>'
    )
    [record] = list(iter_dump(tmp_path / "dump.xml"))  # dblp.dtd beside the dump
    assert record.title == "Hi ☺ é"


def test_a_missing_explicit_dtd_is_an_error(dblp_dir, tmp_path):
    with pytest.raises(FileNotFoundError, match="There is no DTD at"):
        list(iter_dump(dblp_dir / TINY, dtd_path=tmp_path / "nope.dtd"))


def test_forget_drops_the_record_and_all_before_it():
    data = b"<dblp>" + b'<article key="a/b/c"><title>T</title></article>' * 50 + b"</dblp>"
    for _event, element in etree.iterparse(io.BytesIO(data), tag="article"):
        _forget(element)
        assert element.getprevious() is None
        assert len(element) == 0


# --------------------------------------------------------------------------
# dblp.org/rec/<key>.xml
# --------------------------------------------------------------------------


def test_record_xml(dblp_bytes):
    record = parse_record_xml(record_xml(dblp_bytes(FRAGMENT), "persons/CasperGGGHLR12"))
    assert (
        record.title
        == "Analysis of projected hydrological behavior of catchments based on signature indices"
    )
    assert record.authors[4] == AuthorName("Günther Heinemann", "0000-0002-4831-9016")
    assert record.year == 2012


def test_record_xml_that_is_not_a_paper(dblp_bytes):
    home_page = record_xml(dblp_bytes(SAMPLE), "homepages/l/BarbaraLiskov")
    with pytest.raises(NotAPaper, match="homepages/l/BarbaraLiskov is an author's home page"):
        parse_record_xml(home_page)
    with pytest.raises(NotAPaper, match="conf/x/2020 is a proceedings volume, not a paper"):
        parse_record_xml(
            b'<dblp><proceedings key="conf/x/2020"><title>X</title></proceedings></dblp>'
        )
    with pytest.raises(ValueError, match="not readable DBLP record XML"):
        parse_record_xml(b"<html><body>Not found</body>")
    with pytest.raises(ValueError, match=r"holds no record \(its root is <dblp>\)"):
        parse_record_xml(b"<dblp></dblp>")
    with pytest.raises(ValueError, match="has no title"):
        parse_record_xml(b'<dblp><article key="a/b/c"></article></dblp>')


# --------------------------------------------------------------------------
# dblp.org/search/publ/api?format=json
# --------------------------------------------------------------------------

# WRITTEN BY US in the documented shape of DBLP's search API (no stored answer
# exists: see PROVENANCE.md, "Data kinds NOT found"). Values are real DBLP records.
SEARCH_ANSWER = {
    "result": {
        "query": "residual learning",
        "status": {"@code": "200", "text": "OK"},
        "hits": {
            "@total": "4",
            "@computed": "4",
            "@sent": "4",
            "@first": "0",
            "hit": [
                {
                    "@score": "9",
                    "@id": "1",
                    "info": {
                        "authors": {
                            "author": [
                                {"@pid": "34/7659", "text": "Kaiming He"},
                                {"@pid": "z/XiangyuZhang", "text": "Xiangyu Zhang 0005"},
                                {"@pid": "r/ShaoqingRen", "text": "Shaoqing Ren"},
                                {"@pid": "62/2637", "text": "Jian Sun 0001"},
                            ]
                        },
                        "title": "Deep Residual Learning for Image Recognition.",
                        "venue": "CVPR",
                        "pages": "770-778",
                        "year": "2016",
                        "type": "Conference and Workshop Papers",
                        "key": "conf/cvpr/HeZRS16",
                        "doi": "10.1109/CVPR.2016.90",
                        "ee": "https://doi.org/10.1109/CVPR.2016.90",
                        "url": "https://dblp.org/rec/conf/cvpr/HeZRS16",
                    },
                },
                {
                    "info": {
                        "authors": {"author": {"@pid": "34/7659", "text": "Kaiming He"}},
                        "title": "Deep Residual Learning for Image Recognition.",
                        "venue": ["CoRR"],
                        "volume": "abs/1512.03385",
                        "year": "2015",
                        "type": "Informal and Other Publications",
                        "key": "journals/corr/HeZRS15",
                        "ee": ["https://arxiv.org/abs/1512.03385"],
                    }
                },
                {
                    "info": {
                        "title": "IEEE Conference on Computer Vision and Pattern Recognition, CVPR 2016.",
                        "venue": "CVPR",
                        "year": "2016",
                        "type": "Editorship",
                        "key": "conf/cvpr/2016",
                    }
                },
                {"info": {"title": "", "key": "conf/x/Empty", "type": "Journal Articles"}},
            ],
        },
    }
}


def test_search_json():
    cvpr, corr = list(parse_search_json(json.dumps(SEARCH_ANSWER).encode()))
    assert cvpr.title == "Deep Residual Learning for Image Recognition"
    assert names(cvpr) == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert cvpr.year == 2016
    assert (cvpr.venue_name, cvpr.venue_key, cvpr.doc_type) == ("CVPR", "cvpr", "inproceedings")
    assert cvpr.identifiers == {"dblp": "conf/cvpr/HeZRS16", "doi": "10.1109/cvpr.2016.90"}
    assert cvpr.url == "https://doi.org/10.1109/CVPR.2016.90"
    assert (cvpr.source, cvpr.source_ref) == ("dblp", "conf/cvpr/HeZRS16")
    assert names(corr) == ["Kaiming He"]  # one author comes as an object, not a list
    assert corr.identifiers == {"dblp": "journals/corr/HeZRS15", "arxiv": "1512.03385"}
    assert (corr.venue_name, corr.venue_key, corr.doc_type) == ("CoRR", "arxiv", "preprint")


def test_search_json_without_hits_and_garbage():
    empty = {"result": {"hits": {"@total": "0", "@sent": "0"}}}
    assert list(parse_search_json(empty)) == []
    with pytest.raises(ValueError, match="not JSON"):
        list(parse_search_json(b"<html>"))
    with pytest.raises(ValueError, match='it has no "result"'):
        list(parse_search_json(b"[]"))
