"""The Crossref parsers, on the works, list cassette and DataCite record in shared/fixtures/crossref."""

import base64
import copy
import gzip
import json
from datetime import date

import pytest

from precis.importers.base import AuthorName, ImportProblem, PaperRecord
from precis.importers.crossref.parse import (
    load_cassette,
    parse_work,
    parse_works_list,
    records_from_cassette,
    strip_markup,
)

HINDAWI = "hepcrawl_work_10.1155_2018_3804742.json"
APS_ERRATUM = "hepcrawl_work_10.1103_physrevb.33.3547.2.json"
IEEE = "hepcrawl_work_10.1109_tasc.2017.2776938.json"
APS_SAMPLE = "hepcrawl_work_sample_record.json"
ELIFE = "commonmeta_work_elife_message_only.json"
CASSETTE = "commonmeta_worklist_vcr_cassette.yaml"
DATACITE = "commonmeta_datacite_work.json"


@pytest.fixture(scope="module")
def crossref(shared_fixtures):
    def read(name: str) -> bytes:
        return (shared_fixtures / "crossref" / name).read_bytes()

    return read


def names(record: PaperRecord) -> list[str]:
    return [author.name for author in record.authors]


# --------------------------------------------------------------------------
# One work per file
# --------------------------------------------------------------------------


def test_hindawi_work_with_jats_abstract_and_year_only(crossref):
    record = parse_work(crossref(HINDAWI))
    assert (
        record.title
        == "Multiobjective Optimization, Scalarization, and Maximal Elements of Preorders"
    )
    assert record.authors == [
        AuthorName("Paolo Bevilacqua"),
        AuthorName("Gianni Bosi", "0000-0002-3799-4630"),
        AuthorName("Magalì Zuanon"),
    ]
    assert record.abstract.startswith(
        "We characterize the existence of (weak) Pareto optimal solutions to the classical"
    )
    assert record.abstract.endswith(
        "by means of a scalarization procedure is finally characterized."
    )
    assert "<" not in record.abstract
    assert (record.year, record.published_on) == (2018, None)  # published-print [[2018]]
    assert record.venue_name == "Abstract and Applied Analysis"
    assert record.venue_key == ""
    assert record.doc_type == "article"
    assert record.url == "http://dx.doi.org/10.1155/2018/3804742"
    assert record.keywords == ["Applied Mathematics", "Analysis"]
    assert record.identifiers == {"doi": "10.1155/2018/3804742"}
    assert (record.source, record.source_ref) == ("crossref", "doi:10.1155/2018/3804742")


def test_aps_erratum_prefers_publication_over_registration_date(crossref):
    record = parse_work(crossref(APS_ERRATUM))
    assert record.title == "Erratum: Polaronic behavior of electrons on a liquid-helium film"
    assert names(record) == ["Marcos H. Degani", "Oscar Hipólito"]
    # published 1986-03-01; "created" (the DOI's registration) says 2002
    assert (record.year, record.published_on) == (1986, date(1986, 3, 1))
    assert record.identifiers == {"doi": "10.1103/physrevb.33.3547.2"}
    assert record.venue_name == "Physical Review B"
    assert record.abstract == ""


def test_ieee_work_with_year_and_month_only(crossref):
    record = parse_work(crossref(IEEE))
    assert record.title.startswith("Quench Protection Heater Study With the 2-m Model Magnet")
    assert len(record.authors) == 15
    assert record.authors[0] == AuthorName("Kento Suzuki", "0000-0002-4869-9338")
    assert record.authors[13] == AuthorName("Andrea Musso", "0000-0002-1688-7561")
    assert record.authors[-1] == AuthorName("Ezio Todesco", "0000-0001-5518-4191")
    assert record.authors[9] == AuthorName("H. Ohata")
    assert record.year == 2018
    assert record.published_on is None  # [[2018, 4]]: no day, so no date
    assert record.venue_name == "IEEE Transactions on Applied Superconductivity"
    assert record.keywords[0] == "Electrical and Electronic Engineering"


def test_aps_sample_with_family_name_only(crossref):
    record = parse_work(crossref(APS_SAMPLE))
    assert record.title == "Perturbative renormalization of neutron-antineutron operators"
    assert names(record) == ["Michael I. Buchoff", "Wagman"]
    assert (record.year, record.published_on) == (2016, date(2016, 1, 11))
    assert record.identifiers == {"doi": "10.1103/physrevd.93.016005"}
    assert record.venue_name == "Physical Review D"


def test_elife_bare_message(crossref):
    record = parse_work(crossref(ELIFE))
    assert record.title == (
        "Automated quantitative histology reveals vascular morphodynamics during "
        "Arabidopsis hypocotyl secondary growth"
    )
    assert names(record) == [
        "Martial Sankar", "Kaisa Nieminen", "Laura Ragni", "Ioannis Xenarios", "Christian S Hardtke",
    ]  # fmt: skip
    assert record.abstract.startswith("Among various advantages, their small size makes")
    assert record.abstract.endswith("for example equidistant phloem pole formation.")
    assert (record.year, record.published_on) == (2014, date(2014, 2, 11))
    assert record.venue_name == "eLife"
    assert record.identifiers == {"doi": "10.7554/elife.01567"}
    assert record.source_ref == "doi:10.7554/elife.01567"
    assert len(record.keywords) == 4


def test_parse_work_accepts_a_dict_and_str(crossref):
    text = crossref(IEEE).decode()
    assert parse_work(text) == parse_work(json.loads(text)) == parse_work(crossref(IEEE))


# --------------------------------------------------------------------------
# Markup, subtitles, dates, organisations (variations on fixture works)
# --------------------------------------------------------------------------


def test_strip_markup():
    assert (
        strip_markup("H<sub>2</sub>O in <i>vivo</i> &amp; <scp>Lasers</scp>")
        == "H2O in vivo & Lasers"
    )
    assert strip_markup("<jats:p>One.</jats:p><jats:p>Two.</jats:p>") == "One. Two."
    assert strip_markup("if a < b and c > d") == "if a < b and c > d"
    assert strip_markup("x &lt; y &gt; z and x&lt;y&gt;z") == "x < y > z and x<y>z"
    mathml = (
        "Energy <mml:math><mml:semantics><mml:mrow><mml:mi>E</mml:mi><mml:mo>=</mml:mo>"
        "<mml:mi>m</mml:mi><mml:msup><mml:mi>c</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:mrow>"
        '<mml:annotation encoding="application/x-tex">E=mc^2</mml:annotation>'
        "</mml:semantics></mml:math>\n  bound"
    )
    assert strip_markup(mathml) == "Energy E=mc2 bound"
    assert strip_markup("keeps $\\alpha$ LaTeX") == "keeps $\\alpha$ LaTeX"


def test_abstract_heading_is_dropped(crossref):
    work = json.loads(crossref(ELIFE))
    work["abstract"] = (
        "<jats:title>Abstract</jats:title><jats:p>Plants <jats:italic>grow</jats:italic>.</jats:p>"
    )
    assert parse_work(work).abstract == "Plants grow."


def test_title_markup_and_subtitle(crossref):
    work = json.loads(crossref(ELIFE))
    work["title"] = ["Growth of <i>Arabidopsis</i>\n   hypocotyls"]
    work["subtitle"] = ["A <scp>quantitative</scp> view"]
    assert parse_work(work).title == "Growth of Arabidopsis hypocotyls: A quantitative view"
    work["title"] = ["Why do hypocotyls grow?"]
    assert parse_work(work).title == "Why do hypocotyls grow? A quantitative view"


def test_partial_print_date_completed_by_online_date(crossref):
    envelope = json.loads(crossref(IEEE))
    envelope["message"]["published-online"] = {"date-parts": [[2018, 4, 12]]}
    record = parse_work(envelope)
    assert (record.year, record.published_on) == (2018, date(2018, 4, 12))


def test_unknown_dates(crossref):
    work = json.loads(crossref(ELIFE))
    for name in ("published-online", "issued", "published"):
        work[name] = {"date-parts": [[None]]}
    assert (parse_work(work).year, parse_work(work).published_on) == (2014, date(2014, 2, 11))
    del work["created"]
    assert (parse_work(work).year, parse_work(work).published_on) == (None, None)


def test_organisation_author_and_proceedings_venue(crossref):
    work = json.loads(crossref(ELIFE))
    work["author"] = [{"name": "The  ATLAS Collaboration", "sequence": "first"}, {"family": "Aad"}]
    work["type"] = "proceedings-article"
    work["container-title"] = [
        "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    ]
    record = parse_work(work)
    assert names(record) == ["The ATLAS Collaboration", "Aad"]
    assert (record.doc_type, record.venue_key) == ("inproceedings", "cvpr")


def test_arxiv_doi_gives_the_arxiv_id(crossref):
    work = json.loads(crossref(ELIFE))
    work["DOI"] = "10.48550/arXiv.1512.03385"
    assert parse_work(work).identifiers == {
        "doi": "10.48550/arxiv.1512.03385",
        "arxiv": "1512.03385",
    }


# --------------------------------------------------------------------------
# What is not a work
# --------------------------------------------------------------------------


def test_garbage_is_a_clear_value_error(crossref):
    with pytest.raises(ValueError, match="This is not JSON, so not a Crossref answer"):
        parse_work(b"Resource not found.")
    with pytest.raises(ValueError, match="a JSON list"):
        parse_work(b"[1, 2]")
    with pytest.raises(ValueError, match='not a Crossref work: it has no "DOI" with a "title"'):
        parse_work({"hello": "world"})
    with pytest.raises(ValueError, match="not a Crossref work but a Crossref “member” answer"):
        parse_work({"status": "ok", "message-type": "member", "message": {"id": 98}})
    failure = {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [
            {"type": "parameter-not-allowed", "message": "This route does not support sample"}
        ],
    }
    with pytest.raises(
        ValueError, match=r"Crossref answered an error \(failed\): This route does not"
    ):
        parse_work(failure)


def test_a_list_is_not_a_work(crossref):
    body = load_cassette(crossref(CASSETTE))["interactions"][0]["response"]["body"]["string"]
    with pytest.raises(ValueError, match="This is a Crossref list of works, not one work"):
        parse_work(body)


def test_a_work_without_title(crossref):
    envelope = json.loads(crossref(APS_ERRATUM))
    envelope["message"]["title"] = []
    with pytest.raises(
        ValueError, match=r"The Crossref work 10\.1103/physrevb\.33\.3547\.2 has no title"
    ):
        parse_work(envelope)


# --------------------------------------------------------------------------
# Lists and the vcrpy cassette
# --------------------------------------------------------------------------


def test_cassette_yields_the_twenty_works(crossref):
    items = list(records_from_cassette(crossref(CASSETTE)))
    assert len(items) == 20
    assert all(isinstance(item, PaperRecord) for item in items)
    first, last = items[0], items[-1]
    assert (
        first.title
        == "Image retrieval based on color features integrated with anisotropic directionality"
    )
    assert names(first) == ["Jing Bai", "Xiaohua Wang", "Licheng Jiao"]
    assert first.identifiers == {"doi": "10.3969/j.issn.1004-4132.2010.01.020"}
    assert (first.year, first.published_on) == (2010, None)  # [[2010, 2]]
    assert first.venue_name == "Journal of Systems Engineering and Electronics"
    assert first.url == "https://doi.org/10.3969/j.issn.1004-4132.2010.01.020"
    assert last.title == "Article Nov 16, 2006 11:51"  # "Article  Nov" folded over two lines
    assert last.venue_name == "Test's Publication"  # YAML's '' is one quote
    assert (last.year, last.published_on) == (2001, date(2001, 5, 9))
    assert last.source_ref == "doi:10.50505/test_200611161351"
    kaiser = next(item for item in items if item.source_ref == "doi:10.5555/test_20101004100")
    assert len(kaiser.authors) == 19
    assert "Stefan Kääb" in names(kaiser)


def test_cassette_yaml_is_read_exactly(crossref):
    cassette = load_cassette(crossref(CASSETTE))
    assert cassette["version"] == 1
    [interaction] = cassette["interactions"]
    request, response = interaction["request"], interaction["response"]
    assert request["body"] is None
    assert request["method"] == "GET"
    assert request["headers"]["Accept"] == ["*/*"]
    assert request["uri"] == (
        "https://api.crossref.org/works?rows=20&filter=prefix%3A10.5555%2Ctype%3Ajournal-article"
    )
    assert response["status"] == {"code": 200, "message": "OK"}
    assert response["headers"]["access-control-allow-headers"] == [
        "X-Requested-With, Accept, Accept-Encoding, Accept-Charset, Accept-Language, "
        "Accept-Ranges, Cache-Control"
    ]
    body = response["body"]["string"]
    assert len(body) == int(response["headers"]["content-length"][0]) == 44546
    message = json.loads(body)["message"]
    assert (message["total-results"], len(message["items"])) == (1205, 20)


def test_works_list_with_bad_items(crossref):
    envelope = json.loads(
        load_cassette(crossref(CASSETTE))["interactions"][0]["response"]["body"]["string"]
    )
    envelope["message"]["items"][1]["title"] = []
    envelope["message"]["items"][2] = "junk"
    items = list(parse_works_list(envelope))
    assert len(items) == 20
    assert items[1] == ImportProblem(
        "doi:10.3969/j.issn.1004-4132.2011.02.019",
        "Skipped: The Crossref work 10.3969/j.issn.1004-4132.2011.02.019 has no title.",
    )
    assert items[2] == ImportProblem("item 3", "Skipped: this list item is not a Crossref work.")
    assert isinstance(items[3], PaperRecord)


def test_works_list_accepts_a_single_work_and_refuses_others(crossref):
    [record] = list(parse_works_list(crossref(ELIFE)))
    assert record.identifiers["doi"] == "10.7554/elife.01567"
    with pytest.raises(ValueError, match="not a Crossref list of works"):
        list(parse_works_list({"status": "ok", "message-type": "member", "message": {"id": 1}}))


CASSETTE_WRITTEN_BY_US = """\
interactions:
- request:
    body: null
    uri: "https://api.crossref.org/works/10.1103/PhysRevB.33.3547.2"
  response:
    body:
      string: !!binary |
        {body}
    headers: {{}}
    status:
      code: 200
      message: OK
- request:
    uri: https://api.crossref.org/works/10.9999/nope
  response:
    body:
      string: Resource not found.
    status:
      code: 404
      message: Not Found
- request:
    uri: https://api.crossref.org/works/10.9999/html
  response:
    body: {{string: ''}}
    status: {{code: 200}}
version: 1
"""


def test_cassette_with_binary_gzip_body_and_errors(crossref):
    body = base64.b64encode(gzip.compress(crossref(APS_ERRATUM))).decode()
    yaml = CASSETTE_WRITTEN_BY_US.format(body="\n        ".join([body[:60], body[60:]]))
    with pytest.raises(ValueError, match="line 25: flow collections"):
        list(records_from_cassette(yaml))
    yaml = yaml.replace(
        "body: {string: ''}\n    status: {code: 200}",
        "body:\n      string: ''\n    status:\n      code: 200",
    )
    record, missing, empty = records_from_cassette(yaml.encode())
    assert record.title == "Erratum: Polaronic behavior of electrons on a liquid-helium film"
    assert missing == ImportProblem(
        "interaction 2 (https://api.crossref.org/works/10.9999/nope)",
        "Skipped: the recorded answer is HTTP 404, not works.",
    )
    assert empty.source_ref == "interaction 3 (https://api.crossref.org/works/10.9999/html)"
    assert empty.message.startswith("Skipped: This is not JSON")


def test_not_a_cassette():
    with pytest.raises(ValueError, match="not a vcrpy cassette"):
        list(records_from_cassette(b"version: 1\n"))
    with pytest.raises(ValueError, match="line 2: the YAML tag !!python/object is not supported"):
        list(records_from_cassette(b"interactions:\n- !!python/object x\n"))


def test_yaml_quoted_scalars_fold_and_unescape():
    text = (
        "single: 'it''s\n"
        "  folded\n"
        "\n"
        "  with a break'\n"
        'double: "caf\\u00e9 \\"quoted\\"\\t\\\n'
        "  joined\\ \n"
        '  next"\n'
        "plain: several words\n"
        "  go on here  # a comment\n"
        "literal: |\n"
        "  line one\n"
        "    indented\n"
        "folded: >-\n"
        "  a\n"
        "  b\n"
        "list:\n"
        "- 1\n"
        "- true\n"
        "- ~\n"
        "- -3x\n"
    )
    assert load_cassette(text) == {
        "single": "it's folded\nwith a break",
        "double": 'café "quoted"\tjoined  next',  # the escaped space, then the fold
        "plain": "several words go on here",
        "literal": "line one\n  indented\n",
        "folded": "a b",
        "list": [1, True, None, "-3x"],
    }


# --------------------------------------------------------------------------
# DataCite
# --------------------------------------------------------------------------


def test_datacite_record(crossref):
    record = parse_work(crossref(DATACITE))
    assert record.title == "Eating your own Dog Food"
    assert record.authors == [AuthorName("Martin Fenner", "0000-0003-1419-2405")]
    assert record.abstract.startswith("Eating your own dog food is a slang term")
    assert (record.year, record.published_on) == (2016, date(2016, 12, 20))
    assert record.identifiers == {"doi": "10.5438/4k3m-nyvg"}
    assert record.url == "https://datacite.org/blog/eating-your-own-dog-food/"
    assert record.keywords == ["datacite", "doi", "metadata"]
    assert (record.source, record.source_ref) == ("datacite", "doi:10.5438/4k3m-nyvg")
    assert record.doc_type == "article"
    assert record.venue_name == ""


def test_datacite_api_envelope_and_name_identifiers(crossref):
    attributes = copy.deepcopy(json.loads(crossref(DATACITE)))
    attributes["creators"] = [
        {
            "name": "Fenner, Martin",
            "nameType": "Personal",
            "nameIdentifiers": [
                {
                    "nameIdentifier": "https://orcid.org/0000-0003-1419-2405",
                    "nameIdentifierScheme": "ORCID",
                }
            ],
        },
        {"name": "DataCite", "nameType": "Organizational"},
    ]
    attributes["titles"].append({"title": "A Blog Post", "titleType": "Subtitle"})
    record = parse_work(
        {"data": {"id": "10.5438/4k3m-nyvg", "type": "dois", "attributes": attributes}}
    )
    assert record.authors == [
        AuthorName("Martin Fenner", "0000-0003-1419-2405"),
        AuthorName("DataCite"),
    ]
    assert record.title == "Eating your own Dog Food: A Blog Post"


# --------------------------------------------------------------------------
# Years from "issued", and markup escaped once too often
# --------------------------------------------------------------------------


def test_it_takes_the_year_from_issued(crossref):
    work = json.loads(crossref(ELIFE))
    # online in November 2018, in the January 2019 print issue: a 2018 paper
    work["issued"] = {"date-parts": [[2018, 11, 5]]}
    work["published-online"] = {"date-parts": [[2018, 11, 5]]}
    work["published-print"] = {"date-parts": [[2019, 1]]}
    assert (parse_work(work).year, parse_work(work).published_on) == (2018, date(2018, 11, 5))
    work["issued"] = {"date-parts": [[2018]]}  # only a year: the day comes from a match
    assert (parse_work(work).year, parse_work(work).published_on) == (2018, date(2018, 11, 5))
    del work["issued"]  # without it, the earliest publication date
    work["published"] = {"date-parts": [[2018, 11, 5]]}
    assert parse_work(work).year == 2018


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Fast&amp;nbsp;Inference", "Fast Inference"),
        ("Li&lt;sup&gt;+&lt;/sup&gt; ion transport", "Li+ ion transport"),
        ("CO&amp;lt;sub&amp;gt;2&amp;lt;/sub&amp;gt; capture", "CO2 capture"),
        ("Scaling <sup>13</sup>C NMR", "Scaling 13C NMR"),
        ("Tom &amp;amp; Jerry", "Tom & Jerry"),
        ("When a &lt; b", "When a < b"),
    ],
)
def test_it_unescapes_titles_escaped_twice(crossref, title, expected):
    work = json.loads(crossref(ELIFE))
    work["title"] = [title]
    assert parse_work(work).title == expected
