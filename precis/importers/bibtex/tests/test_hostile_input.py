"""The BibTeX parser on input made to hurt it: bounded work, problems instead of exceptions."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from precis.importers.base import ImportProblem, PaperRecord
from precis.importers.bibtex import latex_to_unicode, parse_bibtex
from precis.importers.bibtex.parse import (
    MAX_CROSSREF_DEPTH,
    MAX_ENTRY_CHARS,
    MAX_FIELD_CHARS,
    MIN_FILE_BUDGET_CHARS,
)


def string_bomb(levels: int, *, copies: int = 10) -> str:
    """@string e0 of ten characters, each next one ``copies`` of the one before."""
    lines = ['@string{e0 = "xxxxxxxxxx"}']
    lines += [
        f"@string{{e{n} = " + " # ".join([f"e{n - 1}"] * copies) + "}" for n in range(1, levels)
    ]
    return "\n".join(lines) + "\n"


def records_and_problems(text):
    items = list(parse_bibtex(text))
    assert all(isinstance(item, PaperRecord | ImportProblem) for item in items)
    records = {item.source_ref: item for item in items if isinstance(item, PaperRecord)}
    problems = {item.source_ref: item for item in items if not isinstance(item, PaperRecord)}
    return records, problems


# --------------------------------------------------------------------------
# @string expansion
# --------------------------------------------------------------------------


def test_it_caps_string_expansion():
    # 401 bytes that used to become a 1,000,000-character title (7 levels: 100,000,000)
    text = string_bomb(7) + (
        "@article{bomb, title = e6, author = {Ann Smith}}\n"
        "@article{fine, title = {A Title After the Bomb}, author = {Bob Jones}}\n"
    )
    records, problems = records_and_problems(text)
    assert set(records) == {"fine"}  # the entry after it is read as usual
    message = problems["bomb"].message
    assert "field “title” was not read" in message
    assert "@string e6" in message
    assert f"{MAX_FIELD_CHARS:,} characters" in message


def test_it_caps_the_characters_of_one_entry():
    # each field is within the field cap, together they are over the entry's
    fields = ", ".join(f"note{n} = big" for n in range(MAX_ENTRY_CHARS // MAX_FIELD_CHARS + 1))
    text = (
        string_bomb(5)  # e4: 100,000 characters, within the field cap
        + f"@string{{big = e4}}\n@article{{wide, title = {{Wide}}, {fields}}}\n"
        + "@article{narrow, title = {Narrow But Fine}}\n"
    )
    records, problems = records_and_problems(text)
    assert set(records) == {"narrow"}
    assert f"the entry expands to more than {MAX_ENTRY_CHARS:,} characters" in (
        problems["wide"].message
    )


def test_it_caps_the_characters_of_the_whole_file():
    # every entry is within its own caps; together they are over the file's budget
    entries = MIN_FILE_BUDGET_CHARS // MAX_FIELD_CHARS + 2
    text = string_bomb(5) + "".join(
        f"@article{{e{n}, title = {{Entry {n}}}, abstract = e4}}\n" for n in range(entries)
    )
    records, problems = records_and_problems(text)
    assert records and problems
    assert "together expand to more than" in problems[f"e{entries - 1}"].message
    assert sum(len(record.abstract) for record in records.values()) <= MIN_FILE_BUDGET_CHARS


def test_it_keeps_long_values_that_no_macro_made_longer():
    abstract = "word " * (MAX_FIELD_CHARS // 4)  # longer than the cap, but all in the file
    records, problems = records_and_problems(
        f"@article{{long, title = {{T}}, abstract = {{{abstract}}}}}"
    )
    assert not problems
    assert records["long"].abstract == abstract.strip()


def test_it_reports_a_string_cycle_as_text_not_a_hang():
    records, problems = records_and_problems(
        "@string{a = b}\n@string{b = a # a}\n@article{x, title = a # b, author = {A B}}\n"
    )
    assert records["x"].title  # macros defined in terms of each other just stay words
    assert not problems


# --------------------------------------------------------------------------
# crossref chains
# --------------------------------------------------------------------------


def crossref_chain(length: int) -> str:
    return "".join(
        f"@misc{{c{n}, title = {{Chain Link {n}}}, note{n} = {{from {n}}}, "
        f"crossref = {{c{n + 1}}}}}\n"
        for n in range(length)
    )


def test_it_resolves_crossref_chains_without_recursion():
    records, problems = records_and_problems(crossref_chain(2000))
    assert not problems
    assert len(records) == 2000


def test_it_inherits_through_at_most_the_depth_limit():
    from precis.importers.bibtex import read_bibtex

    fields = read_bibtex(crossref_chain(MAX_CROSSREF_DEPTH + 5)).fields["c0"]
    assert fields["note0"] == "from 0"
    assert fields[f"note{MAX_CROSSREF_DEPTH}"] == f"from {MAX_CROSSREF_DEPTH}"
    assert f"note{MAX_CROSSREF_DEPTH + 1}" not in fields


def test_it_survives_crossref_cycles():
    records, problems = records_and_problems(
        "@inproceedings{a, title = {Paper A}, crossref = {b}, year = 2001}\n"
        "@inproceedings{b, title = {Paper B}, crossref = {c}, publisher = {P}}\n"
        "@inproceedings{c, title = {Paper C}, crossref = {a}}\n"
        "@inproceedings{d, title = {Paper D}, crossref = {d}}\n"
    )
    assert not problems
    assert set(records) == {"a", "b", "c", "d"}
    assert records["a"].venue_name == "Paper B"


# --------------------------------------------------------------------------
# LaTeX
# --------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [10, 1_000, 100_000])
def test_it_reads_deeply_nested_braces(depth):
    title = "{" * depth + "Deep" + "}" * depth
    assert latex_to_unicode(title) == "Deep"
    records, _ = records_and_problems(f"@article{{deep, title = {title}}}")
    assert records["deep"].title == "Deep"


def test_it_reads_accent_chains_too_long_to_follow():
    # each accent applies to the next: 5,000 of them nest deeper than Python recurses
    assert latex_to_unicode("\\'" * 5_000 + "e").endswith("e")


# --------------------------------------------------------------------------
# Anything at all
# --------------------------------------------------------------------------

# Pieces of BibTeX syntax, good and bad, that random text is built from.
PIECES = [
    "@article{", "@misc(", "@string{", "@preamble{", "@comment{", "@", "{", "}", "(", ")",
    '"', "#", ",", "=", " ", "\n", "\\", "\\'", '\\"', "\\c", "\\emph{", "$", "$$", "~",
    "--", "``", " and ", "others", "title", "author", "crossref", "journal", "year",
    "key1", "key2", "a", "b", "e0", "2020", "jan", "é", "王", "\x00", "\x01", "\x1b",
    "\u202e", "\ufeff", "\ud7ff", "%",
]  # fmt: skip


def hostile_texts():
    pieces = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
    bombs = st.integers(1, 8).map(
        lambda levels: string_bomb(levels) + f"@article{{k, title = e{levels - 1}}}"
    )
    chains = st.sampled_from([1, 2, 3, 40, 2_500]).map(crossref_chain)
    braces = st.integers(1, 3_000).map(
        lambda d: "@article{k, title = " + "{" * d + "x" + "}" * d + "}"
    )
    unclosed = st.integers(1, 3_000).map(lambda d: "@article{k, title = " + "{" * d + "x")
    cycles = st.permutations(["a", "b", "c"]).map(
        lambda keys: "".join(
            f"@string{{{k} = {n}}}\n@misc{{{k}, title = {{T {k}}}, crossref = {{{n}}}}}\n"
            for k, n in zip(keys, keys[1:] + keys[:1], strict=True)
        )
    )
    return st.one_of(pieces, st.text(max_size=200), bombs, chains, braces, unclosed, cycles)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=hostile_texts(), as_bytes=st.sampled_from([None, "utf-8", "utf-16", "gbk", "latin-1"]))
def test_it_never_raises_on_hostile_input(text, as_bytes):
    data = text
    if as_bytes:
        data = text.encode(as_bytes, errors="replace")
    items = list(parse_bibtex(data))
    for item in items:
        assert isinstance(item, PaperRecord | ImportProblem)
        if isinstance(item, PaperRecord):
            assert len(item.title) <= max(MAX_FIELD_CHARS, len(text) * 2)


@settings(max_examples=100, deadline=None, database=None)
@given(data=st.binary(max_size=400))
def test_it_never_raises_on_random_bytes(data):
    for item in parse_bibtex(b"@article{k, title = {" + data + b"}}\n" + data):
        assert isinstance(item, PaperRecord | ImportProblem)
