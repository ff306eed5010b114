"""The OAI-PMH parser against every response in ../shared/fixtures/arxiv_oai."""

from datetime import date

import pytest

from precis.importers.arxiv.oai import MALFORMED_RESPONSE, parse_oai_page, split_authors
from precis.importers.base import ImportProblem, PaperRecord


@pytest.fixture(scope="module")
def oai(shared_fixtures):
    def read(name: str):
        return parse_oai_page((shared_fixtures / "arxiv_oai" / name).read_bytes())

    return read


def names(record: PaperRecord) -> list[str]:
    return [author.name for author in record.authors]


def by_id(page) -> dict[str, PaperRecord]:
    return {record.identifiers["arxiv"]: record for record in page.records}


# --------------------------------------------------------------------------
# metadataPrefix=arXiv
# --------------------------------------------------------------------------


def test_thousand_record_page(oai):
    page = oai("arxivsync_ListRecords_arXiv_1000_records.xml")
    assert len(page.records) == 1000
    assert all(isinstance(record, PaperRecord) for record in page.records)
    assert page.resumption_token == "436115|406001"
    assert page.complete_list_size == 846926
    assert page.cursor == 405000
    assert page.error_code is None and not page.failed
    first, last = page.records[0], page.records[-1]
    assert first.identifiers == {"arxiv": "1302.0649"}
    assert first.source == "arxiv-oai"
    assert first.source_ref == "oai:arXiv.org:1302.0649"
    assert first.title == (
        "Correlation effects in the electronic structure of the Ni-based superconducting KNi2S2"
    )
    assert names(first) == ["Feng Lu", "Wei-Hua Wang", "Xinjian Xie", "Fu-Chun Zhang"]
    assert first.published_on == date(2013, 2, 4) and first.year == 2013
    assert first.categories == ["cond-mat.supr-con"]
    assert first.url == "https://arxiv.org/abs/1302.0649"
    assert first.pdf_url == "https://arxiv.org/pdf/1302.0649"
    assert first.doc_type == "preprint" and first.venue_key == "arxiv"
    assert last.identifiers == {"arxiv": "1302.1648"}
    assert last.title == "Constructions of Large Graphs on Surfaces"
    assert "\\[\\sqrt{\\frac{3}{8}g}\\Delta^{\\lfloor k/2\\rfloor}.\\]" in last.abstract
    records = page.records
    assert sum(len(record.authors) for record in records) == 4384
    assert sum("doi" in record.identifiers for record in records) == 128
    assert sum(bool(record.journal_ref) for record in records) == 144
    papers = by_id(page)
    assert papers["1302.0650"].identifiers["doi"] == "10.1140/epjd/e2004-00034-2"
    assert papers["1302.0650"].journal_ref == "Eur. Phys. J. D 29, 201-208 (2004)"
    assert papers["1302.0650"].venue_name == "Eur. Phys. J. D 29, 201-208 (2004)"
    # character references, suffixes, a keyname with a stray comma, TeX accents
    assert names(papers["1302.0673"]) == ["John Karlsson", "Jörg-Uwe Löbus"]
    assert names(papers["1302.0749"])[-1] == "Robert W. Heath Jr"
    assert "Oscar Martinez Jr." in names(papers["1302.0909"])
    assert names(papers["1302.0674"])[0] == "Jan Jerzy Sławianowski"
    assert names(papers["1302.0691"]) == ["Ümit Akıncı"]
    assert "The ATLAS Collaboration" in names(papers["1302.1283"])


def test_listrecords_cs_last_page(oai):
    page = oai("invenio_ListRecords_arXiv_cs_2015.xml")
    assert len(page.records) == 46
    assert page.resumption_token is None and page.complete_list_size is None
    papers = by_id(page)
    kernel = papers["1101.4388"]
    assert kernel.title == "Reproducing Kernel Banach Spaces with the l1 Norm"
    assert names(kernel) == ["Guohui Song", "Haizhang Zhang", "Fred J. Hickernell"]
    assert kernel.identifiers["doi"] == "10.1016/j.acha.2012.03.009"
    assert kernel.journal_ref == "Appl. Comput. Harmon. Anal., 34:96-116, 2013"
    assert kernel.categories == ["stat.ML", "cs.LG", "math.FA"]
    assert kernel.published_on == date(2011, 1, 23)
    assert names(papers["1111.1546"]) == ["Tobias Brunsch", "Heiko Röglin"]
    assert names(papers["1404.5569"]) == [
        "Martin Böhm",
        "Jiří Sgall",
        "Rob van Stee",
        "Pavel Veselý",
    ]
    assert names(papers["1501.03602"]) == ["Jana Hadravová", "Štěpán Holub"]
    assert papers["1501.03602"].title == "Equation $x^iy^jx^k=u^iv^ju^k$ in words"
    assert papers["1501.03771"].identifiers["doi"] == "10.1109/tpami.2014.2369046"


def test_listrecords_hep_ex(oai):
    page = oai("hepcrawl_ListRecords_arXiv_hep-ex.xml")
    assert [record.identifiers["arxiv"] for record in page.records] == [
        "1706.05371",
        "1706.09418",
        "1707.00874",
    ]
    assert page.resumption_token is None
    sipm, rpv, _ = page.records
    assert len(sipm.authors) == 13 and sipm.authors[0].name == "Tyler Anderson"
    assert sipm.published_on == date(2017, 6, 16)  # created, not updated (2017-12-12)
    assert sipm.categories == ["physics.ins-det", "hep-ex"]
    assert sipm.title == (
        "Evaluation of Silicon Photomultipliers for use as Photosensors in Liquid Xenon Detectors"
    )
    assert rpv.identifiers == {"arxiv": "1706.09418", "doi": "10.1140/epjc/s10052-017-5414-4"}
    assert rpv.journal_ref == "Eur. Phys. J. C (2017) 77:856"


def test_getrecord_arxiv_with_unicode_name(oai):
    page = oai("nguanh_GetRecord_arXiv_0704.0001_unicode.xml")
    [paper] = page.records
    assert names(paper) == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert paper.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert paper.identifiers == {"arxiv": "0704.0001", "doi": "10.1103/physrevd.76.013009"}
    assert paper.published_on == date(2007, 4, 2)
    assert paper.journal_ref == "Phys.Rev.D76:013009,2007"
    assert paper.comments == "37 pages, 15 figures; published version"
    assert paper.abstract.startswith("A fully differential calculation in perturbative")


def test_getrecord_arxiv_and_oai_dc_of_one_paper_agree(oai):
    [structured] = oai("invenio_GetRecord_arXiv_1507.03011.xml").records
    [dublin_core] = oai("invenio_GetRecord_oai_dc_1507.03011.xml").records
    title = (
        "The Distribution of Star Formation and Metals in the Low Surface Brightness Galaxy UGC 628"
    )
    for paper in (structured, dublin_core):
        assert paper.title == title
        assert names(paper) == ["J. E. Young", "Rachel Kuzio de Naray", "Sharon X. Wang"]
        assert paper.identifiers == {"arxiv": "1507.03011"}
        assert paper.published_on == date(2015, 7, 10)
        assert paper.comments == "13 pages, 7 figures"
        assert paper.source_ref == "oai:arXiv.org:1507.03011"
    # the arXiv-format file writes line breaks as a literal backslash-n
    assert structured.abstract == dublin_core.abstract
    assert structured.abstract.startswith("We introduce the MUSCEL Program (MUltiwavelength")
    assert structured.categories == ["astro-ph.GA"]
    assert dublin_core.categories == []
    assert dublin_core.keywords == ["Astrophysics - Astrophysics of Galaxies"]


# --------------------------------------------------------------------------
# metadataPrefix=arXivRaw
# --------------------------------------------------------------------------


def test_getrecord_arxiv_raw(oai):
    [paper] = oai("mikesaelim_GetRecord_arXivRaw.xml").records
    assert paper.identifiers == {"arxiv": "1302.2146"}
    assert paper.title == "The Same-Sign Dilepton Signature of RPV/MFV SUSY"
    assert names(paper) == ["Joshua Berger", "Maxim Perelstein", "Michael Saelim", "Philip Tanedo"]
    assert paper.published_on == date(2013, 2, 8)  # v1, not v2 (2013-04-02)
    assert paper.categories == ["hep-ph", "hep-ex"]
    assert paper.comments == "18 pages, 6 figures; v2: References added"
    assert paper.abstract.endswith("at the 14 TeV LHC with a 100 fb^-1 data set.")


def test_listrecords_arxiv_raw_first_page(oai):
    page = oai("mikesaelim_ListRecords_arXivRaw_resumption.xml")
    assert len(page.records) == 6
    assert page.resumption_token == "726959|1001"
    assert page.complete_list_size == 58011 and page.cursor == 0
    papers = by_id(page)
    shetty = papers["0704.0471"]
    assert names(shetty) == ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"]
    # two DOIs (paper and erratum) in one field: the first is the paper's
    assert shetty.identifiers["doi"] == "10.1103/physrevc.76.024606"
    assert shetty.journal_ref == "Phys.Rev.C76:024606,2007; Erratum-ibid.C76:039902,2007"
    assert 'extremely " stiff " and " soft "' in shetty.abstract
    assert papers["0704.0716"].published_on == date(2007, 4, 5)  # v1 of four versions
    assert papers["0704.0716"].categories == ["math-ph", "math.MP"]
    assert names(papers["0704.1109"]) == ["Valeria M. Rosa", "Patricio S. letelier"]
    assert papers["0704.1586"].title == (
        "Core excitation in the elastic scattering and breakup of $^{11}$Be on protons"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A. Smith", ["A. Smith"]),
        ("A. Smith and B. Jones", ["A. Smith", "B. Jones"]),
        ("A. Smith, B. Jones, and C. Brown", ["A. Smith", "B. Jones", "C. Brown"]),
        ("A. Smith (MIT, Cambridge), B. Jones (Oxford)", ["A. Smith", "B. Jones"]),
        (
            "A. Smith (1), B. Jones (2) ((1) MIT, USA, (2) Oxford, UK)",
            ["A. Smith", "B. Jones"],
        ),
        ("Robert W. Heath, Jr., A. Smith", ["Robert W. Heath Jr.", "A. Smith"]),
        ("A. Smith; B. Jones & C. Brown", ["A. Smith", "B. Jones", "C. Brown"]),
        ("Alexander Andersen and Anand Rao", ["Alexander Andersen", "Anand Rao"]),
    ],
)
def test_split_authors(raw, expected):
    assert split_authors(raw) == expected


# --------------------------------------------------------------------------
# metadataPrefix=oai_dc
# --------------------------------------------------------------------------


def test_listrecords_oai_dc_without_xml_declaration(oai):
    page = oai("atomiklabs_ListRecords_oai_dc_cs_2024.xml")
    assert [record.identifiers["arxiv"] for record in page.records] == [
        "1303.2033",
        "2401.14034",
        "2401.14036",
        "2401.14038",
        "2401.14040",
    ]
    assert page.resumption_token == "6960524|1001"
    assert page.complete_list_size == 1162 and page.cursor == 0
    fourier = page.records[0]
    assert fourier.title == "Extended Fourier analysis of signals"
    assert names(fourier) == ["Vilnis Liepins"]
    assert fourier.published_on == date(2013, 3, 8)  # the first dc:date, not 2024-01-23
    assert fourier.comments == "32 pages, 9 figures"
    assert fourier.abstract.startswith("This summary of the doctoral thesis is created")
    assert fourier.keywords == [
        "Computer Science - Data Structures and Algorithms",
        "Computer Science - Information Theory",
        "Mathematics - Numerical Analysis",
    ]
    assert fourier.categories == []
    skeleton = page.records[1]
    assert names(skeleton) == [
        "Chuankun Li",
        "Shuai Li",
        "Yanbo Gao",
        "Ping Chen",
        "Jian Li",
        "Wanqing Li",
    ]
    assert skeleton.comments == ""
    chat = page.records[-1]
    assert chat.title == "(Chat)GPT v BERT: Dawn of Justice for Semantic Change Detection"
    assert names(chat) == ["Francesco Periti", "Haim Dubossarsky", "Nina Tahmasebi"]
    assert chat.comments == "Accepted to the Findings of EACL 2024"
    assert chat.year == 2024


def test_oai_dc_doi_and_journal_ref_identifiers():
    page = parse_oai_page(
        RESPONSE.format(
            RECORD.format(
                identifier="oai:arXiv.org:0704.0001",
                metadata='<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"'
                ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
                "<dc:title>Calculation of prompt diphoton production</dc:title>"
                "<dc:creator>Balázs, C.</dc:creator><dc:date>2007-04-02</dc:date>"
                "<dc:identifier>http://arxiv.org/abs/0704.0001</dc:identifier>"
                "<dc:identifier>Phys.Rev.D76:013009,2007</dc:identifier>"
                "<dc:identifier>doi:10.1103/PhysRevD.76.013009</dc:identifier>"
                "</oai_dc:dc>",
            )
        ).encode()
    )
    [paper] = page.records
    assert paper.identifiers == {"arxiv": "0704.0001", "doi": "10.1103/physrevd.76.013009"}
    assert paper.journal_ref == "Phys.Rev.D76:013009,2007"
    assert names(paper) == ["C. Balázs"]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def test_no_records_match_is_not_a_failure(oai):
    page = oai("invenio_error_noRecordsMatch.xml")
    assert page.records == []
    assert page.error_code == "noRecordsMatch"
    assert page.error_message == (
        "No records match the paramaters specified for this selective harvesting request."
    )
    assert not page.failed
    assert page.resumption_token is None


def test_bad_resumption_token(oai):
    page = oai("mikesaelim_error_badResumptionToken.xml")
    assert page.error_code == "badResumptionToken"
    assert page.error_message == "The resumptionToken supplied is illegal for this repository"
    assert page.failed and page.records == []


def test_id_does_not_exist(oai):
    page = oai("mikesaelim_error_idDoesNotExist.xml")
    assert page.error_code == "idDoesNotExist"
    assert page.error_message.startswith("Identifier 'oai:arXiv.org:0813.2274' has correct form")
    assert page.failed and page.records == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><body>Down for maintenance</body></html>", "not OAI-PMH"),
        (b"<OAI-PMH><ListRecords>", "not well-formed XML"),
        (b"", "not well-formed XML"),
    ],
)
def test_a_body_that_is_not_oai_pmh(body, expected):
    page = parse_oai_page(body)
    assert page.error_code == MALFORMED_RESPONSE
    assert expected in page.error_message
    assert page.failed and page.records == []


# --------------------------------------------------------------------------
# Hand-made records (no fixture has them)
# --------------------------------------------------------------------------

RESPONSE = """<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>
<responseDate>2024-01-27T17:53:42Z</responseDate>
<request verb='ListRecords'>http://export.arxiv.org/oai2</request>
<ListRecords>{}</ListRecords></OAI-PMH>"""
RECORD = """<record><header><identifier>{identifier}</identifier>
<datestamp>2024-01-25</datestamp></header><metadata>{metadata}</metadata></record>"""
ARXIV_METADATA = """<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{id}</id>
<created>2015-12-10</created><authors><author><keyname>He</keyname>
<forenames>Kaiming</forenames><affiliation>MSR</affiliation></author></authors>
<title>{title}</title><categories>cs.CV</categories></arXiv>"""


def test_deleted_record_and_empty_resumption_token():
    body = RESPONSE.format(
        "<record><header status='deleted'><identifier>oai:arXiv.org:1302.0649</identifier>"
        "<datestamp>2024-01-25</datestamp></header></record>"
        "<resumptionToken cursor='1000' completeListSize='1001'/>"
    )
    page = parse_oai_page(body.encode())
    [deleted] = page.records
    assert deleted == PaperRecord(
        title="",
        identifiers={"arxiv": "1302.0649"},
        source="arxiv-oai",
        source_ref="oai:arXiv.org:1302.0649",
        deleted=True,
    )
    assert page.resumption_token is None  # an empty token ends the harvest
    assert page.cursor == 1000 and page.complete_list_size == 1001


def test_bad_records_are_problems_and_the_page_goes_on():
    body = RESPONSE.format(
        RECORD.format(identifier="oai:arXiv.org:1", metadata="<other xmlns='urn:x'/>")
        + "<record><header><identifier>oai:arXiv.org:2</identifier></header></record>"
        + RECORD.format(
            identifier="oai:arXiv.org:1512.03385",
            metadata=ARXIV_METADATA.format(id="1512.03385", title=""),
        )
        + RECORD.format(
            identifier="oai:arXiv.org:1512.03385",
            metadata=ARXIV_METADATA.format(id="garbage", title="Deep Residual Learning"),
        )
    )
    unknown, empty, untitled, good = parse_oai_page(body.encode()).records
    assert unknown == ImportProblem(
        "oai:arXiv.org:1",
        "Skipped: metadata in an unknown format (<other> in urn:x); "
        "expected arXiv, arXivRaw or oai_dc.",
    )
    assert empty == ImportProblem("oai:arXiv.org:2", "Skipped: the record has no metadata.")
    assert untitled == ImportProblem(
        "oai:arXiv.org:1512.03385", "Skipped: the record has no title."
    )
    # an id the metadata garbles is taken from the OAI identifier
    assert good.identifiers == {"arxiv": "1512.03385"}
    assert names(good) == ["Kaiming He"]
    assert good.year == 2015


def test_known_venue_from_journal_ref():
    metadata = ARXIV_METADATA.format(id="1412.6980", title="Adam").replace(
        "</categories>", "</categories><journal-ref>ICLR 2015</journal-ref>"
    )
    [paper] = parse_oai_page(
        RESPONSE.format(RECORD.format(identifier="oai:arXiv.org:1412.6980", metadata=metadata))
    ).records
    assert paper.venue_key == "iclr"
    assert paper.venue_name == paper.journal_ref == "ICLR 2015"


# --------------------------------------------------------------------------
# Liberal in what it accepts
# --------------------------------------------------------------------------

ARXIV_IN_OAI_NAMESPACE = """<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'>
<request verb='GetRecord' metadataPrefix='{prefix}'>http://export.arxiv.org/oai2</request>
<GetRecord><record><header><identifier>oai:arXiv.org:1512.03385</identifier></header>
<metadata><{tag}><id>1512.03385</id><created>2015-12-10</created>
<authors><author><keyname>He</keyname><forenames>Kaiming</forenames></author></authors>
<title>Deep Residual Learning</title></{tag}></metadata></record></GetRecord></OAI-PMH>"""


def test_it_reads_responses_without_the_oai_namespace():
    body = RESPONSE.replace(" xmlns='http://www.openarchives.org/OAI/2.0/'", "").format(
        RECORD.format(
            identifier="oai:arXiv.org:1512.03385",
            metadata=ARXIV_METADATA.format(id="1512.03385", title="Deep Residual Learning"),
        )
        + "<resumptionToken cursor='0'>next|1</resumptionToken>"
    )
    page = parse_oai_page(body.encode())
    assert not page.failed
    (record,) = page.records
    assert (record.title, names(record)) == ("Deep Residual Learning", ["Kaiming He"])
    assert page.resumption_token == "next|1"


@pytest.mark.parametrize(
    ("tag", "prefix"), [("arXiv", "arXiv"), ("arXiv", ""), ("metadata-record", "arXiv")]
)
def test_it_reads_arxiv_metadata_that_inherits_the_oai_namespace(tag, prefix):
    page = parse_oai_page(ARXIV_IN_OAI_NAMESPACE.format(tag=tag, prefix=prefix).encode())
    (record,) = page.records
    assert isinstance(record, PaperRecord)
    assert (record.title, names(record), record.year) == (
        "Deep Residual Learning",
        ["Kaiming He"],
        2015,
    )


def test_it_names_the_root_element_of_what_is_not_oai_pmh():
    page = parse_oai_page(b"<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>")
    assert (
        page.error_message
        == "The response is not OAI-PMH: its root element is <html>, not <OAI-PMH>."
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ("<keyname>Berg</keyname><forenames>Jan</forenames><keyname/>", "Jan Berg"),
        (
            "<keyname>van der</keyname><keyname>Berg</keyname><forenames>Jan</forenames>",
            "Jan van der Berg",
        ),
        ("<forenames>Jan</forenames><keyname>Berg</keyname><suffix>Jr</suffix>", "Jan Berg Jr"),
    ],
)
def test_it_keeps_every_part_of_a_repeated_keyname(parts, expected):
    metadata = ARXIV_METADATA.format(id="1512.03385", title="T").replace(
        "<author><keyname>He</keyname>\n<forenames>Kaiming</forenames><affiliation>MSR</affiliation></author>",
        f"<author>{parts}</author>",
    )
    body = RESPONSE.format(RECORD.format(identifier="oai:arXiv.org:1512.03385", metadata=metadata))
    (record,) = parse_oai_page(body.encode()).records
    assert names(record) == [expected]
