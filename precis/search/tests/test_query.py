"""Tests for precis.search.query: the search-box syntax, identifiers, and that nothing raises."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precis.search import query as query_module
from precis.search.query import MAX_QUERY_LENGTH, MAX_TERMS, ParsedQuery, parse_query

_FAILED = "the query could not be understood"

# Each row: (query, expected fields of the ParsedQuery; fields not named must be
# their defaults, except "warnings", which, when not named, must be empty).
# A "warnings" value lists substrings, each of which must appear in one warning.
CASES = [
    # -- plain words: lower-cased, NFKC, punctuation stripped from the ends
    ("", {}),
    ("   \t\n ", {}),
    ("deep learning", {"terms": ("deep", "learning")}),
    ("Deep LEARNING", {"terms": ("deep", "learning")}),
    ("  deep\t\nlearning  ", {"terms": ("deep", "learning")}),
    ("ﬁne-tuning", {"terms": ("fine-tuning",)}),  # NFKC: the ligature
    ("ｄｅｅｐ", {"terms": ("deep",)}),  # NFKC: full-width letters
    ("(word),", {"terms": ("word",)}),
    ('"word".', {"phrases": ("word",)}),
    ("[transformers]; {bert}!?", {"terms": ("transformers", "bert")}),
    ("state-of-the-art", {"terms": ("state-of-the-art",)}),
    ("O'Neil", {"terms": ("o'neil",)}),
    ("O’Neil", {"terms": ("o'neil",)}),  # typographic apostrophe
    ("u.s. e.g. ph.d.", {"terms": ("u.s.", "e.g.", "ph.d.")}),
    ("(u.s.),", {"terms": ("u.s.",)}),
    ("results. etc.", {"terms": ("results", "etc")}),
    ("10:30 3.14", {"terms": ("10:30", "3.14")}),
    ("... -- !!! ( ) —", {}),  # tokens of only punctuation are dropped
    ("deep deep Deep", {"terms": ("deep",)}),  # duplicates removed
    ("naïve bayes", {"terms": ("naïve", "bayes")}),
    ("हिन्दी", {"terms": ("हिन्दी",)}),  # a trailing combining vowel sign is kept
    ("zero\u200bwidth", {"terms": ("zerowidth",)}),
    ("bell\x07char", {"terms": ("bell", "char")}),
    # -- phrases
    ('"Attention Is All You Need"', {"phrases": ("attention is all you need",)}),
    ('"  deep    learning "', {"phrases": ("deep learning",)}),
    ("“curly quotes”", {"phrases": ("curly quotes",)}),
    ("« guillemets »", {"phrases": ("guillemets",)}),
    ('resnet "batch norm" imagenet', {"terms": ("resnet", "imagenet"), "phrases": ("batch norm",)}),
    ('foo"bar baz"', {"terms": ("foo",), "phrases": ("bar baz",)}),
    ('"" "..."', {}),  # empty phrases are dropped
    ('"(deep learning)."', {"phrases": ("deep learning",)}),
    # -- unbalanced quotes: the stray quote is dropped, the rest read as words
    (
        '"attention is all',
        {"terms": ("attention", "is", "all"), "warnings": ("unbalanced quote",)},
    ),
    (
        '"deep learning" "gans year:2015',
        {
            "phrases": ("deep learning",),
            "terms": ("gans",),
            "year_from": 2015,
            "year_to": 2015,
            "warnings": ("unbalanced quote",),
        },
    ),
    ('12" screen', {"terms": ("12", "screen"), "warnings": ("unbalanced quote",)}),
    # -- excluded words
    ("-gan", {"excluded": ("gan",)}),
    ("deep -gan -(vae),", {"terms": ("deep",), "excluded": ("gan", "vae")}),
    ("--gan", {"excluded": ("gan",)}),
    ('-"gan"', {"excluded": ("gan",)}),
    ("- deep", {"terms": ("deep",)}),  # a lone minus is punctuation
    ("self-attention", {"terms": ("self-attention",)}),  # an inner hyphen does not exclude
    ('-"mode collapse"', {"warnings": ('-"mode collapse": a phrase cannot be excluded',)}),
    ("-author:hinton", {"warnings": ("-author:hinton: a filter cannot be excluded",)}),
    # -- authors
    ("author:hinton", {"authors": ("hinton",)}),
    ("AUTHOR:Hinton", {"authors": ("hinton",)}),
    ('author:"Geoffrey  Hinton"', {"authors": ("geoffrey hinton",)}),
    ("author:hinton author:lecun", {"authors": ("hinton", "lecun")}),
    ("author:hinton,", {"authors": ("hinton",)}),
    ("(author:hinton)", {"authors": ("hinton",)}),
    ("author: hinton", {"authors": ("hinton",)}),  # a space after the colon
    ('author: "yann lecun"', {"authors": ("yann lecun",)}),
    ("author:", {"warnings": ("author: with nothing after it: ignored",)}),
    ("deep author:", {"terms": ("deep",), "warnings": ("author: with nothing after it",)}),
    ('author:""', {"warnings": ("author: with nothing after it",)}),
    (
        "author: -gan",
        {"excluded": ("gan",), "warnings": ("author: with nothing after it",)},
    ),
    (
        "author: venue:icml",
        {"venues": ("icml",), "warnings": ("author: with nothing after it",)},
    ),
    # -- venues
    ("venue:ICML", {"venues": ("icml",)}),
    ("Venue:icml venue:NeurIPS", {"venues": ("icml", "neurips")}),
    ('venue:"Neural Information"', {"venues": ("neural information",)}),
    # -- years
    ("year:2015", {"year_from": 2015, "year_to": 2015}),
    ("YEAR:2015", {"year_from": 2015, "year_to": 2015}),
    ("year:2015..2017", {"year_from": 2015, "year_to": 2017}),
    ("year:2015-2017", {"year_from": 2015, "year_to": 2017}),
    ("year:2015–2017", {"year_from": 2015, "year_to": 2017}),
    ("year:2015..", {"year_from": 2015}),
    ("year:..2017", {"year_to": 2017}),
    ("year:>=2015", {"year_from": 2015}),
    ("year:>2015", {"year_from": 2016}),
    ("year:<=2017", {"year_to": 2017}),
    ("year:<2018", {"year_to": 2017}),
    ("year:=2015", {"year_from": 2015, "year_to": 2015}),
    ("year: 2015", {"year_from": 2015, "year_to": 2015}),
    ('year:"2015 .. 2017"', {"year_from": 2015, "year_to": 2017}),
    ("year:2015,", {"year_from": 2015, "year_to": 2015}),
    ("year:1000..2999", {"year_from": 1000, "year_to": 2999}),
    ("year:>=2015 year:<2018", {"year_from": 2015, "year_to": 2017}),
    ("year:2015..2020 year:2017..", {"year_from": 2017, "year_to": 2020}),
    (
        "year:2017..2015",
        {"year_from": 2015, "year_to": 2017, "warnings": ("runs backwards",)},
    ),
    (
        "year:2015 year:2016",
        {"year_from": 2016, "year_to": 2016, "warnings": ("contradict",)},
    ),
    ("year:20x5", {"warnings": ("year:20x5 is not a year",)}),
    ("deep year:20x5", {"terms": ("deep",), "warnings": ("year:20x5 is not a year",)}),
    ("year:999", {"warnings": ("year:999 is not a year",)}),
    ("year:3000", {"warnings": ("year:3000 is not a year",)}),
    ("year:02015", {"warnings": ("year:02015 is not a year",)}),
    ("year:2015..3000", {"warnings": ("year:2015..3000 is not a year",)}),
    ("year:<1000", {"warnings": ("year:<1000 is not a year",)}),
    ("year:>2999", {"warnings": ("year:>2999 is not a year",)}),
    ("year:..", {"warnings": ("year:.. is not a year",)}),
    ("year:", {"warnings": ("year: with nothing after it",)}),
    ("year:2015 year:abc", {"year_from": 2015, "year_to": 2015, "warnings": ("abc",)}),
    ("ｙｅａｒ：２０１５", {"year_from": 2015, "year_to": 2015}),  # full-width
    # -- has:
    ("has:summary", {"has_summary": True}),
    ("has:summaries", {"has_summary": True}),
    ("HAS:Summary", {"has_summary": True}),
    ("has:code", {"warnings": ("has:code is not supported",)}),
    # -- unknown filters become words
    ("foo:bar", {"terms": ("foo", "bar"), "warnings": ("unknown filter foo: treated as words",)}),
    ("Title:GANs", {"terms": ("title", "gans"), "warnings": ("unknown filter title",)}),
    (
        'foo:"bar baz"',
        {"terms": ("foo",), "phrases": ("bar baz",), "warnings": ("unknown filter foo",)},
    ),
    ("-foo:bar", {"excluded": ("foo", "bar"), "warnings": ("unknown filter foo",)}),
    ("BERT: pre-training", {"terms": ("bert", "pre-training")}),  # a colon ending a word
    ("a:b:c", {"terms": ("a", "b:c"), "warnings": ("unknown filter a",)}),
    # -- everything together
    (
        'Transformers "self attention" -RNN author:Vaswani venue:NeurIPS year:2017.. has:summary',
        {
            "terms": ("transformers",),
            "phrases": ("self attention",),
            "excluded": ("rnn",),
            "authors": ("vaswani",),
            "venues": ("neurips",),
            "year_from": 2017,
            "has_summary": True,
        },
    ),
]


def _check(parsed: ParsedQuery, expected: dict) -> None:
    expected = dict(expected)
    wanted_warnings = expected.pop("warnings", ())
    defaults = ParsedQuery()
    for field in dataclasses.fields(ParsedQuery):
        if field.name == "warnings":
            continue
        want = expected.get(field.name, getattr(defaults, field.name))
        assert getattr(parsed, field.name) == want, field.name
    if not wanted_warnings:
        assert parsed.warnings == ()
    for fragment in wanted_warnings:
        assert any(fragment in warning for warning in parsed.warnings), (
            fragment,
            parsed.warnings,
        )


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(text) for text, _ in CASES])
def test_parse_query(text, expected):
    _check(parse_query(text), expected)


# --------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------


def test_long_query_is_cut_to_the_limit_with_a_warning():
    parsed = parse_query("word " * 200 + "tail")
    assert "tail" not in parsed.terms
    assert any(str(MAX_QUERY_LENGTH) in warning for warning in parsed.warnings)


def test_query_at_the_limit_is_not_cut():
    parsed = parse_query("a" * MAX_QUERY_LENGTH)
    assert parsed.terms == ("a" * MAX_QUERY_LENGTH,)
    assert parsed.warnings == ()


def test_terms_are_capped_with_a_warning():
    words = [f"w{i}" for i in range(MAX_TERMS + 5)]
    parsed = parse_query(" ".join(words))
    assert parsed.terms == tuple(words[:MAX_TERMS])
    assert any(f"first {MAX_TERMS}" in warning for warning in parsed.warnings)


def test_exactly_max_terms_is_not_a_warning():
    words = [f"w{i}" for i in range(MAX_TERMS)]
    parsed = parse_query(" ".join(words))
    assert parsed.terms == tuple(words)
    assert parsed.warnings == ()


def test_authors_are_capped_too():
    parsed = parse_query(" ".join(f"author:a{i}" for i in range(MAX_TERMS + 1)))
    assert len(parsed.authors) == MAX_TERMS
    assert any("too many authors" in warning for warning in parsed.warnings)


def test_warnings_are_not_repeated():
    parsed = parse_query("foo:a foo:b foo:c")
    assert parsed.terms == ("foo", "a", "b", "c")
    assert parsed.warnings == ("unknown filter foo: treated as words",)


# --------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------

IDENTIFIERS = [
    ("1512.03385", ("arxiv", "1512.03385")),
    ("1512.03385v2", ("arxiv", "1512.03385")),
    ("  arXiv:1512.03385  ", ("arxiv", "1512.03385")),
    ("https://arxiv.org/abs/1512.03385", ("arxiv", "1512.03385")),
    ("https://arxiv.org/pdf/1512.03385v1.pdf", ("arxiv", "1512.03385")),
    ("hep-th/9901001", ("arxiv", "hep-th/9901001")),
    ("10.1109/CVPR.2016.90", ("doi", "10.1109/cvpr.2016.90")),
    ("doi:10.1109/CVPR.2016.90", ("doi", "10.1109/cvpr.2016.90")),
    ("https://doi.org/10.1109/CVPR.2016.90", ("doi", "10.1109/cvpr.2016.90")),
    ("conf/icml/SchulmanLMJA15", ("dblp", "conf/icml/SchulmanLMJA15")),
    ("https://dblp.org/rec/conf/icml/SchulmanLMJA15", ("dblp", "conf/icml/SchulmanLMJA15")),
    ("１５１２.０３３８５", ("arxiv", "1512.03385")),  # full-width digits
]


@pytest.mark.parametrize(("text", "identifier"), IDENTIFIERS)
def test_identifier_is_detected(text, identifier):
    parsed = parse_query(text)
    assert parsed.identifier == identifier
    assert parsed.terms == (identifier[1].lower(),)
    assert parsed.phrases == parsed.excluded == parsed.authors == parsed.venues == ()
    assert parsed.warnings == ()
    assert not parsed.is_empty


@pytest.mark.parametrize(
    "text",
    [
        "attention is all you need",
        "resnet",
        "2015",
        "tcp/ip",
        "1512.03385 resnet",  # an id plus other words is a search, not a jump
        "resnet https://arxiv.org/abs/1512.03385",
        "10.1109/CVPR.2016.90 author:he",
        "conf/icml/SchulmanLMJA15 year:2015",
    ],
)
def test_not_an_identifier(text):
    assert parse_query(text).identifier is None


def test_identifier_with_other_words_is_searched_as_words():
    parsed = parse_query("1512.03385 resnet")
    assert parsed.identifier is None
    assert parsed.terms == ("1512.03385", "resnet")


def test_arxiv_prefix_with_other_words_is_an_unknown_filter():
    parsed = parse_query("arXiv:1512.03385 resnet")
    assert parsed.identifier is None
    assert parsed.terms == ("arxiv", "1512.03385", "resnet")
    assert parsed.warnings == ("unknown filter arxiv: treated as words",)


def test_runs_of_whitespace_count_as_one_space_against_the_limit():
    parsed = parse_query("1512.03385" + " \n" * 600 + "x")
    assert parsed.identifier is None
    assert parsed.terms == ("1512.03385", "x")
    assert parsed.warnings == ()


def test_identifier_in_a_cut_query_is_not_an_identifier():
    parsed = parse_query("1512.03385" + "x" * MAX_QUERY_LENGTH)
    assert parsed.identifier is None
    assert len(parsed.terms[0]) == MAX_QUERY_LENGTH


# --------------------------------------------------------------------------
# ParsedQuery helpers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "empty"),
    [
        ("", True),
        ("  ... ", True),
        ('""', True),
        ("author:", True),
        ("year:20x5", True),
        ("deep", False),
        ('"deep learning"', False),
        ("-gan", False),
        ("author:hinton", False),
        ("venue:icml", False),
        ("year:2015..", False),
        ("year:..2015", False),
        ("has:summary", False),
        ("1512.03385", False),
    ],
)
def test_is_empty(text, empty):
    assert parse_query(text).is_empty is empty


def test_default_parsed_query_is_empty():
    assert ParsedQuery().is_empty
    assert ParsedQuery().text_terms() == ()


def test_text_terms_are_terms_and_words_of_phrases():
    parsed = parse_query('resnet "deep residual learning" "(residual) nets," -gan author:he')
    assert parsed.text_terms() == ("resnet", "deep", "residual", "learning", "nets")


def test_parsed_query_is_frozen_and_hashable():
    parsed = parse_query("deep author:hinton")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.terms = ()  # type: ignore[misc]
    assert hash(parsed) == hash(parse_query("deep author:hinton"))


def test_non_text_input_is_an_empty_query():
    assert parse_query(None).is_empty  # type: ignore[arg-type]
    assert parse_query(b"deep").is_empty  # type: ignore[arg-type]


def test_an_internal_error_becomes_a_warning(monkeypatch):
    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(query_module, "_parse", broken)
    parsed = parse_query("deep")
    assert parsed.is_empty
    assert parsed.warnings == (_FAILED,)


# --------------------------------------------------------------------------
# Never raises
# --------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        '"',
        "'",
        ":",
        "(",
        ")",
        ".",
        "..",
        "-",
        " ",
        "\t",
        "“",
        "”",
        "«",
        "author:",
        "AUTHOR:",
        "venue:",
        "year:",
        "has:",
        "summary",
        "foo:",
        ">=",
        "<",
        "2015",
        "0",
        "99999",
        "x",
        "é",
        "ﬁ",
        "１",
        "\u200b",
        "\x00",
        "arXiv:",
        "1512.03385",
        "10.1109/",
        "conf/icml/",
        "https://",
    ]
)
_QUERYISH = st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=60).map("".join)


def _check_invariants(parsed: ParsedQuery) -> None:
    assert isinstance(parsed, ParsedQuery)
    assert _FAILED not in parsed.warnings  # the safety net was not needed
    for values in (parsed.terms, parsed.excluded):
        assert len(values) <= MAX_TERMS
        for value in values:
            assert value
            assert not any(ch.isspace() for ch in value)
            assert any(ch.isalnum() for ch in value)
    for values in (parsed.phrases, parsed.authors, parsed.venues):
        assert len(values) <= MAX_TERMS
        for value in values:
            assert value == " ".join(value.split())
            assert any(ch.isalnum() for ch in value)
    for year in (parsed.year_from, parsed.year_to):
        assert year is None or 1000 <= year <= 2999
    if parsed.year_from is not None and parsed.year_to is not None:
        assert parsed.year_from <= parsed.year_to
    assert all(isinstance(warning, str) and warning for warning in parsed.warnings)
    hash(parsed)
    parsed.text_terms()
    _ = parsed.is_empty


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=MAX_QUERY_LENGTH + 100))
def test_never_raises_on_any_text(text):
    _check_invariants(parse_query(text))


@settings(max_examples=500, deadline=None)
@given(_QUERYISH)
def test_never_raises_on_query_like_text(text):
    _check_invariants(parse_query(text))
