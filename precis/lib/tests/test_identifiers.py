"""Tests for precis.lib.identifiers: accepted and rejected forms, real data, round trips."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precis.lib.identifiers import (
    SCHEMES,
    InvalidIdentifier,
    arxiv_pdf_url,
    arxiv_url,
    dblp_url,
    detect,
    doi_url,
    normalize,
    normalize_arxiv,
    normalize_bibtex_key,
    normalize_dblp,
    normalize_doi,
    split_arxiv_version,
)

LONG = "1" * 5000


def assert_mentions(exc: pytest.ExceptionInfo, value: str) -> None:
    """The user-facing message quotes (the start of) the offending value."""
    message = str(exc.value)
    assert f"“{value.strip()[:40]}" in message
    assert "expected" in message


# --------------------------------------------------------------------------
# arXiv
# --------------------------------------------------------------------------

ARXIV_ACCEPTED = [
    # (input, canonical id, version)
    ("1512.03385", "1512.03385", None),
    ("0704.0001", "0704.0001", None),
    ("1412.6980", "1412.6980", None),
    ("1501.00001", "1501.00001", None),
    ("2401.14034", "2401.14034", None),
    ("1512.03385v2", "1512.03385", 2),
    ("1512.03385v12", "1512.03385", 12),
    ("  1512.03385\n", "1512.03385", None),
    ("arXiv:1512.03385", "1512.03385", None),
    ("arxiv:1512.03385v2", "1512.03385", 2),
    ("ARXIV:1512.03385", "1512.03385", None),
    ("arXiv: 1512.03385", "1512.03385", None),
    ("arXiv : 1512.03385", "1512.03385", None),
    ("arXiv:1512.03385 [cs.CV]", "1512.03385", None),
    ("arXiv:1512.03385v1 [cs.CV]", "1512.03385", 1),
    ("arXiv:hep-th/9901001 [hep-th]", "hep-th/9901001", None),
    ("https://arxiv.org/abs/1512.03385", "1512.03385", None),
    ("https://arxiv.org/abs/1512.03385v2", "1512.03385", 2),
    ("http://arxiv.org/abs/1512.03385v2", "1512.03385", 2),
    ("https://www.arxiv.org/abs/1512.03385", "1512.03385", None),
    ("http://arxiv.org/pdf/1512.03385v2.pdf", "1512.03385", 2),
    ("https://arxiv.org/pdf/1512.03385", "1512.03385", None),
    ("https://arxiv.org/pdf/1512.03385.pdf", "1512.03385", None),
    ("https://arxiv.org/html/2401.14034v1", "2401.14034", 1),
    ("arxiv.org/abs/1512.03385", "1512.03385", None),
    ("export.arxiv.org/abs/1512.03385", "1512.03385", None),
    ("http://export.arxiv.org/abs/1512.03385v3", "1512.03385", 3),
    ("https://arxiv.org/abs/1512.03385/", "1512.03385", None),
    ("https://arxiv.org/abs/1512.03385v2/", "1512.03385", 2),
    ("https://arxiv.org/abs/1512.03385?context=cs", "1512.03385", None),
    ("https://arxiv.org/abs/1512.03385#references", "1512.03385", None),
    ("https://arxiv.org/pdf/1512.03385v2.pdf?download=1#page=3", "1512.03385", 2),
    ("HTTPS://ARXIV.ORG/abs/1512.03385", "1512.03385", None),
    ("hep-th/9901001", "hep-th/9901001", None),
    ("hep-th/9901001v1", "hep-th/9901001", 1),
    ("HEP-TH/9901001", "hep-th/9901001", None),
    ("math.GT/0309136", "math.GT/0309136", None),
    ("MATH.GT/0309136", "math.GT/0309136", None),
    ("math.GT/0309136v2", "math.GT/0309136", 2),
    ("cond-mat/0412498v1", "cond-mat/0412498", 1),
    ("astro-ph/0601001", "astro-ph/0601001", None),
    ("quant-ph/0201082v1", "quant-ph/0201082", 1),
    ("cs/0703001", "cs/0703001", None),
    ("hep-th/9108001", "hep-th/9108001", None),
    ("arXiv:hep-th/9901001v2", "hep-th/9901001", 2),
    ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001", None),
    ("http://arxiv.org/abs/cond-mat/0412498v1", "cond-mat/0412498", 1),
    ("https://arxiv.org/pdf/math.GT/0309136v1.pdf", "math.GT/0309136", 1),
]

ARXIV_REJECTED = [
    "",
    "   ",
    "garbage",
    "attention is all you need",
    "1512.0338",  # 4 digits after 1501
    "1512.033850",  # 6 digits
    "1412.12345",  # 5 digits before 1501
    "1513.03385",  # month 13
    "1500.03385",  # month 00
    "0703.1234",  # new scheme starts 0704
    "0000.0000",
    "1512.03385v0",
    "1512.03385v",
    "1512.03385v2v3",
    "1512-03385",
    "15120.3385",
    "arXiv:",
    "arXiv:foo",
    "hep-th/99010",  # too short
    "hep-th/990100",
    "hep-th/99010011",
    "hep-th/9913001",  # month 13
    "hep-th/0801001",  # old scheme ended 0703
    "foo/9901001",  # not an archive
    "hep-th/",
    "/9901001",
    "10.1109/CVPR.2016.90",
    "https://example.org/abs/1512.03385",
    "https://arxiv.org/list/cs.LG/recent",
    "https://arxiv.org/abs/",
    "javascript:alert(1)",
    "\u0661\u0665\u0661\u0662.\u0660\u0663\u0663\u0668\u0665",  # Arabic-Indic digits
    "1512.03385 and more",
    LONG,
    "https://arxiv.org/abs/" + LONG,
]


@pytest.mark.parametrize(("value", "expected", "version"), ARXIV_ACCEPTED)
def test_arxiv_accepted(value, expected, version):
    assert normalize_arxiv(value) == expected
    assert split_arxiv_version(value) == (expected, version)
    assert normalize("arxiv", value) == expected


@pytest.mark.parametrize("value", ARXIV_REJECTED)
def test_arxiv_rejected(value):
    with pytest.raises(InvalidIdentifier) as exc:
        normalize_arxiv(value)
    assert_mentions(exc, value)
    assert "arXiv id" in str(exc.value)
    with pytest.raises(InvalidIdentifier):
        split_arxiv_version(value)


def test_arxiv_message_matches_the_documented_example():
    with pytest.raises(InvalidIdentifier) as exc:
        normalize_arxiv("1512.0338")
    message = str(exc.value)
    assert message.startswith("“1512.0338” is not a valid arXiv id: ")
    assert message.endswith("expected something like 1512.03385, 1512.03385v2 or hep-th/9901001")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1513.03385", "13 is not a month"),
        ("hep-th/9900001", "00 is not a month"),
        ("foo/9901001", "archive"),
    ],
)
def test_arxiv_message_says_what_is_wrong(value, problem):
    with pytest.raises(InvalidIdentifier, match=problem):
        normalize_arxiv(value)


def test_arxiv_urls():
    assert arxiv_url("1512.03385") == "https://arxiv.org/abs/1512.03385"
    assert arxiv_url("arXiv:1512.03385v2") == "https://arxiv.org/abs/1512.03385"
    assert arxiv_url("1512.03385", version=2) == "https://arxiv.org/abs/1512.03385v2"
    assert arxiv_url("hep-th/9901001") == "https://arxiv.org/abs/hep-th/9901001"
    assert arxiv_pdf_url("1512.03385") == "https://arxiv.org/pdf/1512.03385"
    assert arxiv_pdf_url("math.GT/0309136", version=1) == "https://arxiv.org/pdf/math.GT/0309136v1"
    with pytest.raises(InvalidIdentifier):
        arxiv_url("1512.0338")
    with pytest.raises(ValueError):
        arxiv_pdf_url("1512.03385", version=0)


# --------------------------------------------------------------------------
# DOI
# --------------------------------------------------------------------------

DOI_ACCEPTED = [
    ("10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("10.1109/cvpr.2016.90", "10.1109/cvpr.2016.90"),
    ("  10.1109/CVPR.2016.90  ", "10.1109/cvpr.2016.90"),
    ("doi:10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("DOI:10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("DOI: 10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("doi : 10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("https://doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("http://doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("http://dx.doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("https://www.doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("http://doi.acm.org/10.1145/1137627.1137631", "10.1145/1137627.1137631"),
    ("https://doi.org/10.1109/CVPR.2016.90?via=x#top", "10.1109/cvpr.2016.90"),
    ("10.1109/CVPR.2016.90.", "10.1109/cvpr.2016.90"),
    ("10.1109/CVPR.2016.90,", "10.1109/cvpr.2016.90"),
    ("10.1109/CVPR.2016.90;", "10.1109/cvpr.2016.90"),
    ("doi:10.1038/nature14539.", "10.1038/nature14539"),
    ("10.1002%2Fanie.201915678", "10.1002/anie.201915678"),
    ("https://doi.org/10.1002%2Fanie.201915678", "10.1002/anie.201915678"),
    ("https://doi.org/10.1016/0092-8674%2889%2990900-8", "10.1016/0092-8674(89)90900-8"),
    ("10.1016/0092-8674(89)90900-8", "10.1016/0092-8674(89)90900-8"),
    ("10.1093/ACPROF:OSO/9780198565932.003.0021", "10.1093/acprof:oso/9780198565932.003.0021"),
    (
        "10.1002/(SICI)1097-4636(199812)43:4<385::AID-JBM6>3.0.CO;2-Z",
        "10.1002/(sici)1097-4636(199812)43:4<385::aid-jbm6>3.0.co;2-z",
    ),
    ("10.1000.10/123456", "10.1000.10/123456"),  # registrant with a sub-part
    ("10.123456789/x", "10.123456789/x"),  # 9-digit registrant
    ("10.5438/4k3m-nyvg", "10.5438/4k3m-nyvg"),
    ("10.48550/arXiv.1512.03385", "10.48550/arxiv.1512.03385"),
    ("10.1155/2013/782575", "10.1155/2013/782575"),
]

DOI_REJECTED = [
    "",
    " ",
    "garbage",
    "doi:",
    "https://doi.org/",
    "10.abc/x",
    "10.1234",
    "10.1234/",
    "10.123/x",  # 3-digit registrant
    "10.1234567890/x",  # 10-digit registrant
    "11.1234/x",
    "1512.03385",
    "10.1109/CVPR 2016.90",  # a DOI with spaces
    "10.1109/CVPR.2016.90 extra",
    "https://doi.org/10.1109/CVPR%202016.90",  # encoded space
    "10.1109%2FCVPR%202016.90",
    "10.1109/\u00a0CVPR",  # no-break space
    "10.1109/CVPR\x00.90",  # control character
    "10.1109/CVPR\u200b.90",  # zero-width space inside
    "https://example.org/10.1109/CVPR.2016.90",
    "javascript:alert(1)",
    "10.\u0661\u0662\u0663\u0664/x",  # non-ASCII digits
    "10.1234/" + "x" * 2000,
    LONG,
]


@pytest.mark.parametrize(("value", "expected"), DOI_ACCEPTED)
def test_doi_accepted(value, expected):
    assert normalize_doi(value) == expected
    assert normalize("doi", value) == expected


@pytest.mark.parametrize("value", DOI_REJECTED)
def test_doi_rejected(value):
    with pytest.raises(InvalidIdentifier) as exc:
        normalize_doi(value)
    assert_mentions(exc, value)
    assert "DOI" in str(exc.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1000/a%41", "10.1000/a%41"),  # has its "/": taken literally
        ("https://doi.org/10.1000/a%2541", "10.1000/a%41"),  # a URL path is decoded once
        ("10.1000%2Fa%2541", "10.1000/a%41"),  # wholly encoded: decoded once
    ],
)
def test_doi_percent_decoding_happens_once(value, expected):
    assert normalize_doi(value) == expected
    assert normalize_doi(expected) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1109/CVPR.2016.90", "https://doi.org/10.1109/cvpr.2016.90"),
        ("doi:10.1016/0092-8674(89)90900-8", "https://doi.org/10.1016/0092-8674(89)90900-8"),
        (
            "10.1093/ACPROF:OSO/9780198565932.003.0021",
            "https://doi.org/10.1093/acprof:oso/9780198565932.003.0021",
        ),
        ("10.1000/a?b#c%25", "https://doi.org/10.1000/a%3Fb%23c%2525"),
        (
            "10.1002/(SICI)1097-4636(199812)43:4<385::AID-JBM6>3.0.CO;2-Z",
            "https://doi.org/10.1002/(sici)1097-4636(199812)43:4%3C385::aid-jbm6%3E3.0.co;2-z",
        ),
    ],
)
def test_doi_url(value, expected):
    assert doi_url(value) == expected
    assert normalize_doi(doi_url(value)) == normalize_doi(value)


# --------------------------------------------------------------------------
# DBLP
# --------------------------------------------------------------------------

DBLP_ACCEPTED = [
    ("conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("journals/corr/HeZRS15", "journals/corr/HeZRS15"),
    ("journals/nature/SilverHMGSDSAPL16", "journals/nature/SilverHMGSDSAPL16"),
    ("conf/nips/VaswaniSPUJGKP17", "conf/nips/VaswaniSPUJGKP17"),
    ("books/sp/Bishop07", "books/sp/Bishop07"),
    ("phd/Smith20", "phd/Smith20"),
    ("phd/sk/Frisch2009", "phd/sk/Frisch2009"),
    ("tr/gte/TR-0263-08-94-165", "tr/gte/TR-0263-08-94-165"),
    ("journals/corr/abs-1512-03385", "journals/corr/abs-1512-03385"),
    ("conf/f-egc/LeyR06", "conf/f-egc/LeyR06"),
    ("journals/x/O'Neil99", "journals/x/O'Neil99"),
    ("  conf/icml/SchulmanLMJA15 ", "conf/icml/SchulmanLMJA15"),
    ("DBLP:conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("dblp:conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("http://dblp.org/rec/conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("dblp.org/rec/conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15.html", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15.xml", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15.bib", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15.bib?param=1", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15?view=bibtex", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15/", "conf/icml/SchulmanLMJA15"),
    ("https://dblp.uni-trier.de/rec/bibtex/conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("dblp.uni-trier.de/rec/bibtex/conf/icml/SchulmanLMJA15", "conf/icml/SchulmanLMJA15"),
    ("http://dblp.uni-trier.de/rec/bib/journals/corr/HeZRS15", "journals/corr/HeZRS15"),
    ("https://dblp.uni-trier.de/rec/xml/journals/corr/HeZRS15.xml", "journals/corr/HeZRS15"),
    ("https://dblp.dagstuhl.de/rec/journals/corr/HeZRS15.html", "journals/corr/HeZRS15"),
]

DBLP_REJECTED = [
    "",
    "garbage",
    "conf",
    "conf/",
    "/conf/icml",
    "conf//X15",
    "conf/icml/",
    "conf/../X15",
    "homepages/x/y",
    "homepages/l/BarbaraLiskov",
    "DBLP:homepages/29/132",
    "https://dblp.org/rec/homepages/x/y",
    "https://dblp.org/pid/h/KaimingHe.html",  # an author page
    "https://dblp.org/db/conf/icml/icml2015.html",  # a table of contents
    "https://dblp.org/rec/",
    "https://example.org/rec/conf/icml/X15",
    "conf/icml/Schulman LMJA15",
    "conf/icml/Schulmän15",
    "conf/icml/X15?",
    "conf/icml/<script>",
    "javascript:alert(1)",
    "DBLP:",
    "conf/icml/" + "X" * 300,
    LONG,
]


@pytest.mark.parametrize(("value", "expected"), DBLP_ACCEPTED)
def test_dblp_accepted(value, expected):
    assert normalize_dblp(value) == expected
    assert normalize("dblp", value) == expected


@pytest.mark.parametrize("value", DBLP_REJECTED)
def test_dblp_rejected(value):
    with pytest.raises(InvalidIdentifier) as exc:
        normalize_dblp(value)
    assert_mentions(exc, value)
    assert "DBLP" in str(exc.value)


def test_dblp_homepages_message_explains():
    with pytest.raises(InvalidIdentifier, match="author pages, not papers"):
        normalize_dblp("homepages/x/y")


def test_dblp_url():
    assert dblp_url("conf/icml/SchulmanLMJA15") == "https://dblp.org/rec/conf/icml/SchulmanLMJA15"
    assert dblp_url("DBLP:journals/corr/HeZRS15") == "https://dblp.org/rec/journals/corr/HeZRS15"
    assert normalize_dblp(dblp_url("journals/x/O'Neil99")) == "journals/x/O'Neil99"


# --------------------------------------------------------------------------
# BibTeX keys
# --------------------------------------------------------------------------

BIBTEX_ACCEPTED = [
    ("journals/corr/HeZRS15", "journals/corr/HeZRS15"),
    ("conf/nips/X17", "conf/nips/X17"),
    ("he2016deep", "he2016deep"),
    ("He2016Deep", "He2016Deep"),
    ("  he2016deep\t", "he2016deep"),
    ("DBLP:conf/spire/BastMW06", "DBLP:conf/spire/BastMW06"),
    ("Vapnik.Chervonenkis.1974*1", "Vapnik.Chervonenkis.1974*1"),
    ("knuth:ct:a", "knuth:ct:a"),
    ("1512.0338", "1512.0338"),
    ("Müller2020", "Müller2020"),
    ("k" * 255, "k" * 255),
]

BIBTEX_REJECTED = [
    "",
    "   ",
    "he 2016 deep",
    "he2016\tdeep",
    "he2016\x00deep",
    "he2016\x1bdeep",
    "he2016\u200bdeep",
    "he2016,deep",
    "{he2016deep}",
    "he2016\\deep",
    "he%2016",
    'he"2016',
    "k" * 256,
    LONG,
]


@pytest.mark.parametrize(("value", "expected"), BIBTEX_ACCEPTED)
def test_bibtex_accepted(value, expected):
    assert normalize_bibtex_key(value) == expected
    assert normalize("bibtex", value) == expected


@pytest.mark.parametrize("value", BIBTEX_REJECTED)
def test_bibtex_rejected(value):
    with pytest.raises(InvalidIdentifier) as exc:
        normalize_bibtex_key(value)
    assert_mentions(exc, value)
    assert "BibTeX key" in str(exc.value)


# --------------------------------------------------------------------------
# normalize(), InvalidIdentifier
# --------------------------------------------------------------------------


def test_schemes():
    assert SCHEMES == ("arxiv", "doi", "dblp", "bibtex")


@pytest.mark.parametrize("scheme", ["isbn", "", "ARXIV", None])
def test_normalize_unknown_scheme(scheme):
    with pytest.raises(InvalidIdentifier, match="not a known identifier scheme"):
        normalize(scheme, "1512.03385")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("value", [None, 1512.03385, b"1512.03385"])
def test_non_text_is_invalid(scheme, value):
    with pytest.raises(InvalidIdentifier):
        normalize(scheme, value)
    assert detect(value) is None


def test_invalid_identifier_is_a_value_error_with_context():
    with pytest.raises(ValueError) as exc:
        normalize("doi", "10.abc/x")
    assert isinstance(exc.value, InvalidIdentifier)
    assert exc.value.scheme == "doi"
    assert exc.value.value == "10.abc/x"


def test_long_values_are_shortened_in_messages():
    with pytest.raises(InvalidIdentifier) as exc:
        normalize_doi(LONG)
    assert len(str(exc.value)) < 250


ALL_ACCEPTED = (
    [("arxiv", value) for value, _, _ in ARXIV_ACCEPTED]
    + [("doi", value) for value, _ in DOI_ACCEPTED]
    + [("dblp", value) for value, _ in DBLP_ACCEPTED]
    + [("bibtex", value) for value, _ in BIBTEX_ACCEPTED]
)


@pytest.mark.parametrize(("scheme", "value"), ALL_ACCEPTED)
def test_normalize_is_idempotent(scheme, value):
    once = normalize(scheme, value)
    assert normalize(scheme, once) == once


# --------------------------------------------------------------------------
# detect()
# --------------------------------------------------------------------------

DETECTED = [
    ("1512.03385", ("arxiv", "1512.03385")),
    ("1512.03385v2", ("arxiv", "1512.03385")),
    ("  arXiv:1512.03385  ", ("arxiv", "1512.03385")),
    ("arXiv:1512.03385v1 [cs.CV]", ("arxiv", "1512.03385")),
    ("https://arxiv.org/abs/1512.03385v2", ("arxiv", "1512.03385")),
    ("http://arxiv.org/pdf/1512.03385v2.pdf", ("arxiv", "1512.03385")),
    ("hep-th/9901001", ("arxiv", "hep-th/9901001")),
    ("math.GT/0309136", ("arxiv", "math.GT/0309136")),
    # arXiv's DOIs name the arXiv paper (see detect's docstring)
    ("10.48550/arXiv.1512.03385", ("arxiv", "1512.03385")),
    ("https://doi.org/10.48550/arXiv.1512.03385", ("arxiv", "1512.03385")),
    ("doi:10.48550/ARXIV.1706.03762", ("arxiv", "1706.03762")),
    ("10.48550/arXiv.math.GT/0309136", ("arxiv", "math.GT/0309136")),
    ("10.48550/arXiv.not-an-id", ("doi", "10.48550/arxiv.not-an-id")),
    ("10.1109/CVPR.2016.90", ("doi", "10.1109/cvpr.2016.90")),
    ("doi:10.1109/CVPR.2016.90", ("doi", "10.1109/cvpr.2016.90")),
    ("https://doi.org/10.1038/nature14539", ("doi", "10.1038/nature14539")),
    ("http://dx.doi.org/10.1002%2Fanie.201915678", ("doi", "10.1002/anie.201915678")),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15.html", ("dblp", "conf/icml/SchulmanLMJA15")),
    ("DBLP:journals/corr/HeZRS15", ("dblp", "journals/corr/HeZRS15")),
    ("conf/nips/VaswaniSPUJGKP17", ("dblp", "conf/nips/VaswaniSPUJGKP17")),
    ("journals/nature/SilverHMGSDSAPL16", ("dblp", "journals/nature/SilverHMGSDSAPL16")),
    ("books/sp/Bishop07", ("dblp", "books/sp/Bishop07")),
    ("phd/Smith20", ("dblp", "phd/Smith20")),
    ("https://dblp.org/rec/persons/CasperGGGHLR12", ("dblp", "persons/CasperGGGHLR12")),
]

NOT_DETECTED = [
    "",
    "   ",
    "attention is all you need",
    "Attention Is All You Need",
    "Deep Residual Learning for Image Recognition",
    "he2016deep",
    "Kaiming He",
    "TCP/IP",
    "and/or",
    "input/output analysis",
    "persons/CasperGGGHLR12",  # not a paper kind unless explicit
    "homepages/l/BarbaraLiskov",
    "1512.0338",
    "1513.03385",
    "2020",
    "resnet 1512.03385",
    "see arXiv:1512.03385 for details",
    "10.1234",
    "10.1109/CVPR 2016",
    "https://example.org/paper.pdf",
    "javascript:alert(1)",
    LONG,
]


@pytest.mark.parametrize(("text", "expected"), DETECTED)
def test_detect(text, expected):
    assert detect(text) == expected
    scheme, value = expected
    assert normalize(scheme, value) == value


@pytest.mark.parametrize("text", NOT_DETECTED)
def test_detect_none(text):
    assert detect(text) is None


# --------------------------------------------------------------------------
# Generated identifiers (hypothesis)
# --------------------------------------------------------------------------

_NEW_YYMM = st.tuples(st.integers(7, 39), st.integers(1, 12)).filter(lambda ym: ym >= (7, 4))


@st.composite
def new_arxiv_ids(draw) -> str:
    year, month = draw(_NEW_YYMM)
    digits = 4 if year < 15 else 5
    number = draw(st.integers(0, 10**digits - 1))
    return f"{year:02d}{month:02d}.{number:0{digits}d}"


@st.composite
def old_arxiv_ids(draw) -> str:
    archive = draw(
        st.sampled_from(
            ["hep-th", "cond-mat", "math", "astro-ph", "quant-ph", "cs", "math.GT", "cs.AI"]
        )
    )
    year = draw(st.sampled_from([*range(92, 100), *range(7)]))
    month = draw(st.integers(1, 12))
    number = draw(st.integers(0, 999))
    return f"{archive}/{year:02d}{month:02d}{number:03d}"


_ARXIV_DECORATIONS = [
    "{}",
    "arXiv:{}",
    "ARXIV: {}",
    " {} ",
    "https://arxiv.org/abs/{}",
    "http://arxiv.org/pdf/{}.pdf",
    "export.arxiv.org/abs/{}/",
    "arXiv:{} [cs.LG]",
]


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(new_arxiv_ids(), old_arxiv_ids()),
    st.none() | st.integers(1, 30),
    st.sampled_from(_ARXIV_DECORATIONS),
)
def test_generated_arxiv_ids(arxiv_id, version, decoration):
    text = decoration.format(arxiv_id + (f"v{version}" if version else ""))
    assert split_arxiv_version(text) == (arxiv_id, version)
    assert normalize_arxiv(arxiv_id) == arxiv_id
    assert detect(text) == ("arxiv", arxiv_id)
    assert normalize_arxiv(arxiv_url(text)) == arxiv_id


_DOI_SUFFIX_CHARS = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._;()/:<>"
)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1000, 999_999_999),
    st.text(_DOI_SUFFIX_CHARS, min_size=1, max_size=40).filter(lambda s: s[-1] not in ".;"),
    st.sampled_from(
        ["{}", "doi:{}", "DOI: {}", "https://doi.org/{}", "http://dx.doi.org/{}", "{}."]
    ),
)
def test_generated_dois(registrant, suffix, decoration):
    doi = f"10.{registrant}/{suffix}"
    once = normalize_doi(decoration.format(doi))
    assert once == doi.lower()
    assert normalize_doi(once) == once
    assert normalize_doi(doi_url(doi)) == once


_DBLP_SEGMENT = st.text("abcXYZ019_-+'", min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(["conf", "journals", "books", "phd", "tr"])),
    st.lists(_DBLP_SEGMENT, min_size=1, max_size=3),
    st.sampled_from(["{}", "DBLP:{}", "https://dblp.org/rec/{}", "https://dblp.org/rec/{}.html"]),
)
def test_generated_dblp_keys(kind, segments, decoration):
    key = "/".join([kind, *segments])
    assert normalize_dblp(decoration.format(key)) == key
    assert detect(decoration.format(key)) == ("dblp", key)
    assert normalize_dblp(dblp_url(key)) == key


# --------------------------------------------------------------------------
# Real data from ../shared/fixtures
# --------------------------------------------------------------------------

_OAI_ID = re.compile(r"<id>([^<]+)</id>|<identifier>oai:arXiv\.org:([^<]+)</identifier>")
_ATOM_ABS_URL = re.compile(r"<id>(https?://arxiv\.org/abs/[^<]+)</id>")
_DBLP_XML_KEY = re.compile(r'\skey="([^"]+)"')
_JSON_DOI = re.compile(r'"DOI"\s*:\s*"([^"]+)"')
_BIB_ENTRY_KEY = re.compile(
    r"^\s*@(?!string|comment|preamble)[A-Za-z]+\s*[{(]\s*([^,\s]+)\s*,", re.IGNORECASE | re.M
)


def _matches(paths, pattern) -> list[str]:
    found = []
    for path in sorted(paths):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [next(group for group in m.groups() if group) for m in pattern.finditer(text)]
    return found


def test_real_arxiv_oai_ids(shared_fixtures):
    ids = _matches(shared_fixtures.glob("arxiv_oai/*.xml"), _OAI_ID)
    assert len(ids) > 1000
    for value in ids:
        assert normalize_arxiv(value) == value
        assert detect(value) == ("arxiv", value)


def test_real_arxiv_api_urls(shared_fixtures):
    urls = _matches(shared_fixtures.glob("arxiv_api/*"), _ATOM_ABS_URL)
    assert len(urls) >= 30
    assert any("cond-mat/" in url for url in urls)  # old-style ids are among them
    for url in urls:
        arxiv_id, version = split_arxiv_version(url)
        assert url.endswith(f"/abs/{arxiv_id}v{version}")


def test_real_dblp_keys(shared_fixtures):
    keys = sorted(set(_matches(shared_fixtures.glob("dblp/*.xml"), _DBLP_XML_KEY)))
    papers = [key for key in keys if not key.startswith("homepages/")]
    homepages = [key for key in keys if key.startswith("homepages/")]
    assert len(papers) >= 20 and homepages
    for key in papers:
        assert normalize_dblp(key) == key
        assert normalize_dblp(dblp_url(key)) == key
        assert normalize_bibtex_key(key) == key
    for key in homepages:
        with pytest.raises(InvalidIdentifier):
            normalize_dblp(key)


def test_real_dois(shared_fixtures):
    paths = [*shared_fixtures.glob("crossref/*"), *shared_fixtures.glob("other/*.json")]
    dois = sorted(set(_matches(paths, _JSON_DOI)))
    assert len(dois) >= 50
    for doi in dois:
        doi = json.loads(f'"{doi}"')  # undo JSON escapes such as \/ or \u003c
        assert normalize_doi(doi) == doi.lower()
        assert normalize_doi(doi_url(doi)) == doi.lower()


def test_real_bibtex_keys(shared_fixtures):
    keys = _matches(shared_fixtures.glob("bibtex/*.bib"), _BIB_ENTRY_KEY)
    assert len(keys) >= 500
    for key in keys:
        assert normalize_bibtex_key(key) == key
    dblp_keys = [key for key in keys if key.startswith("DBLP:")]
    assert len(dblp_keys) >= 10
    for key in dblp_keys:
        assert detect(key) == ("dblp", key.removeprefix("DBLP:"))
