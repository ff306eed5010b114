"""The BibTeX importer on the real files in ../shared/fixtures/bibtex, and on small inputs of ours."""

import logging
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from precis.importers.base import ImportProblem, PaperRecord
from precis.importers.bibtex import (
    EncodingNotice,
    decode_bibtex,
    latex_to_unicode,
    parse_bibtex,
    parse_names,
    read_bibtex,
)
from precis.importers.bibtex.parse import UNKNOWN_ENCODING, parse_month, parse_year

SHORTSTRINGS = "probmlbib_shortstrings.bib"


@pytest.fixture(autouse=True)
def quiet_splitter(caplog):
    # bibtexparser logs a warning per broken block; the problems we yield say it better
    caplog.set_level(logging.ERROR, logger="bibtexparser")


@cache
def _parse_file(folder: Path, name: str, with_macros: bool) -> tuple:
    macros = (folder / SHORTSTRINGS).read_bytes() if with_macros else None
    return tuple(parse_bibtex((folder / name).read_bytes(), macros=macros))


@pytest.fixture(scope="module")
def bib(shared_fixtures):
    """``bib(name)`` → (records by key, problems) for a file in bibtex/; parsed once."""

    def read(name: str, *, with_macros: bool = False):
        items = _parse_file(shared_fixtures / "bibtex", name, with_macros)
        records = {item.source_ref: item for item in items if isinstance(item, PaperRecord)}
        assert len(records) == sum(isinstance(item, PaperRecord) for item in items)
        problems = [item for item in items if isinstance(item, ImportProblem)]
        return records, problems

    return read


@pytest.fixture(scope="module")
def raw(shared_fixtures):
    def read(name: str, *, macros: str | None = None):
        folder = shared_fixtures / "bibtex"
        extra = (folder / macros).read_bytes() if macros else None
        return read_bibtex((folder / name).read_bytes(), macros=extra)

    return read


def names(record: PaperRecord) -> list[str]:
    return [author.name for author in record.authors]


def only(items) -> PaperRecord:
    (record,) = [item for item in items if isinstance(item, PaperRecord)]
    return record


# --------------------------------------------------------------------------
# Every fixture file
# --------------------------------------------------------------------------


# file -> (records, problems)
FILE_COUNTS = {
    "bibtexparser_biber_examples.bib": (96, 18),
    "bibtexparser_comments_string_preamble.bib": (1, 0),
    "bibtexparser_crossref_chains.bib": (12, 0),
    "bibtexparser_utf8_bom.bib": (1, 0),
    "commonmeta_crossref_generated.bib": (1, 0),
    "d2l_references.bib": (488, 0),
    "jabref_authors_publications.bib": (212, 0),
    "jabref_complex.bib": (20, 0),
    "probmlbib_bibliography_uses_macros.bib": (345, 0),
    "probmlbib_shortstrings.bib": (0, 0),
    "volkm_dblp_crossref_export.bib": (1, 0),
    "volkm_dblp_standard_export.bib": (32, 0),
}


@pytest.mark.parametrize(("name", "counts"), FILE_COUNTS.items())
def test_every_fixture_file_parses_to_known_counts(bib, name, counts):
    found, found_problems = bib(name)
    assert (len(found), len(found_problems)) == counts
    for record in found.values():
        assert record.source == "bibtex"
        assert record.identifiers["bibtex"] == record.source_ref
        assert record.title == record.title.strip()
        assert "\n" not in record.title
        assert "{" not in record.title or "$" in record.title or "\\(" in record.title


def test_every_bib_fixture_is_counted(shared_fixtures):
    files = {path.name for path in (shared_fixtures / "bibtex").glob("*.bib")}
    assert files == set(FILE_COUNTS)


# --------------------------------------------------------------------------
# d2l_references.bib: a textbook's 488 references
# --------------------------------------------------------------------------


def test_d2l_accented_authors_and_dropped_et_al(bib):
    records, _ = bib("d2l_references.bib")
    tensorflow = records["Abadi.Barham.Chen.ea.2016"]
    assert tensorflow.title == "TensorFlow: A system for large-scale machine learning"
    assert tensorflow.doc_type == "inproceedings"
    assert tensorflow.year == 2016
    # Mart{\'\i}n, and "and et al." is not a person
    assert names(tensorflow)[0] == "Martín Abadi"
    assert names(tensorflow)[-1] == "Michael Isard"
    assert len(tensorflow.authors) == 10
    assert tensorflow.venue_name == (
        "12th USENIX Symposium on Operating Systems Design and Implementation (OSDI 16)"
    )
    assert names(records["Vaswani.Shazeer.Parmar.ea.2017"])[6] == "Łukasz Kaiser"
    assert records["Vaswani.Shazeer.Parmar.ea.2017"].venue_key == "nips"
    assert names(records["Cajal.Azoulay.1894"]) == ["Santiago Ramón y Cajal", "L. Azoulay"]
    assert names(records["Cho.Van-Merrienboer.Bahdanau.ea.2014"])[1] == "Bart Van Merriënboer"
    assert names(records["Scholkopf.Herbrich.Smola.2001"]) == [
        "B. Schölkopf",
        "R. Herbrich",
        "A. J. Smola",
    ]
    # raw UTF-8 in the file, not LaTeX
    assert names(records["jenatton-icml17a"])[2] == "J. González"
    assert records["jenatton-icml17a"].venue_key == "icml"


def test_d2l_titles_and_venues_decoded(bib):
    records, _ = bib("d2l_references.bib")
    assert records["Cajal.Azoulay.1894"].title == (
        "Les Nouvelles Idées sur la Structure du Système Nerveux chez l'Homme et chez les Vertébrés"
    )
    assert records["Alsallakh.Kokhlikyan.Miglani.ea.2020"].title == (
        "Mind the PAD – CNNs can develop blind spots"
    )
    assert records["Watson.1964"].venue_name == (
        "Sankhyā: The Indian Journal of Statistics, Series A"
    )
    # math in a title stays LaTeX
    assert records["Dosovitskiy.Beyer.Kolesnikov.ea.2021*1"].title.startswith(
        "An image is worth $16\\times 16$ words"
    )


def test_d2l_arxiv_ids_from_journal_field(bib):
    records, _ = bib("d2l_references.bib")
    layer_norm = records["Ba.Kiros.Hinton.2016"]
    assert layer_norm.venue_name == "ArXiv:1607.06450"  # journal = {Ar{X}iv:1607.06450}
    assert layer_norm.venue_key == "arxiv"
    assert layer_norm.identifiers["arxiv"] == "1607.06450"
    # journal = {arxiv.org/abs/2205.11916}
    assert records["kojima2022large"].identifiers["arxiv"] == "2205.11916"
    assert sum("arxiv" in record.identifiers for record in records.values()) == 128
    assert all(record.year for record in records.values())


# --------------------------------------------------------------------------
# probmlbib: journal = iclr, an undefined macro unless shortstrings.bib is given
# --------------------------------------------------------------------------


def test_probmlbib_undefined_macros_keep_their_name_and_still_map(bib):
    records, problems = bib("probmlbib_bibliography_uses_macros.bib")
    assert problems == []
    alemi = records["Alemi2017"]
    assert (alemi.venue_name, alemi.venue_key) == ("iclr", "iclr")
    assert (records["Arpit2017"].venue_name, records["Arpit2017"].venue_key) == ("icml", "icml")
    # 36 `journal = iclr`, plus one `journal = {ICLR Workshop}`: a workshop is not ICLR.
    assert sum(record.venue_key == "iclr" for record in records.values()) == 36
    assert sum("arxiv" in record.identifiers for record in records.values()) == 36


def test_probmlbib_with_shortstrings_resolves_macros(bib):
    records, problems = bib("probmlbib_bibliography_uses_macros.bib", with_macros=True)
    assert problems == []
    assert len(records) == 345
    assert (records["Alemi2017"].venue_name, records["Alemi2017"].venue_key) == ("ICLR", "iclr")
    assert records["Le2016"].venue_name == "AISTATS"
    assert records["Amos2016"].venue_name == "arXiv"
    assert records["Alemi2017"].year == 2017
    assert sum(record.venue_key == "iclr" for record in records.values()) == 36


def test_probmlbib_names_with_latex_and_stray_spaces(bib):
    records, _ = bib("probmlbib_bibliography_uses_macros.bib")
    assert names(records["Alemi2017"])[0] == "Alexander A. Alemi"  # "Alemi , Alexander A."
    assert names(records["Arpit2017"])[1] == "Stanisław Jastrzębski"  # {\l}, {\k{e}}
    assert names(records["Le2016"])[1] == "Atılım Güneş Baydin"  # {\i}, {\c s}
    assert names(records["Lamberti2018"])[2] == "François Septier"  # {\c{c}}
    assert names(records["Larsen2015"])[1] == "Søren Kaae Sønderby"  # S{\o}nderby,Søren
    assert names(records["Behrmann2018"])[4] == "Jörn-Henrik Jacobsen"  # J{\:o}rn typo
    assert names(records["Aczel1963"]) == ["János Aczél", "Zoltán Daróczy"]


def test_probmlbib_arxiv_ids_in_journal(bib):
    records, _ = bib("probmlbib_bibliography_uses_macros.bib")
    assert records["Abbasnejad2016"].identifiers["arxiv"] == "1611.07800"
    assert records["Behrmann2018"].identifiers["arxiv"] == "1811.00995"  # v2 dropped
    assert records["Abbasnejad2016"].venue_key == "arxiv"


def test_month_macros_with_and_without_a_strings_file(raw):
    plain = raw("jabref_authors_publications.bib")
    assert plain.fields["GeigerHarrerLenhardEtAl2016"]["month"] == "March"  # month = mar
    assert plain.fields["GeigerHarrerLenhard2016"]["month"] == "January"
    redefined = raw("probmlbib_bibliography_uses_macros.bib", macros=SHORTSTRINGS)
    assert redefined.fields["Bengio2013"]["month"] == "Aug"  # @string{aug = "Aug"}
    assert redefined.fields["Gower1971"]["month"] == "Dec"
    assert parse_month("Aug") == 8
    assert parse_month("March") == 3


# --------------------------------------------------------------------------
# JabRef libraries
# --------------------------------------------------------------------------


def test_jabref_authors_accents(bib):
    records, _ = bib("jabref_authors_publications.bib")
    assert names(records["GustafssonJohansson2015"]) == ["Oscar Gustafsson", "Håkan Johansson"]
    assert names(records["GarridoGrajalMarcosEtAl2013"])[1:3] == [
        "Jesús Grajal",
        "Miguel A. Sánchez Marcos",
    ]
    assert names(records["HarrerPreisingerWirtz2014"])[1] == "Christian Preißinger"
    assert names(records["RoeckHarrer2014"])[0] == "Cedric Röck"
    assert records["GeigerHarrerLenhard2016"].title == (
        "Process Engine Benchmarking with Betsy – Current Status and Future Directions"
    )


def test_jabref_complex(bib):
    records, _ = bib("jabref_complex.bib")
    assert names(records["1137631"])[:3] == ["Gustav Boström", "Jaana Wäyrynen", "Marine Bodén"]
    assert records["deBraga2001"].title == (
        "The postcranial anatomy of Procolophon (Parareptilia: Procolophonidae)"
        " and its implications for the origin of turtles"
    )
    assert records["deBraga2001"].doc_type == "phdthesis"
    # doi fields holding resolver URLs
    assert records["1102917"].identifiers["doi"] == "10.1007/s00779-005-0347-6"
    assert records["1137631"].identifiers["doi"] == "10.1145/1137627.1137631"
    assert records["1102917"].venue_name == "Personal Ubiquitous Comput."


# --------------------------------------------------------------------------
# Crossref inheritance
# --------------------------------------------------------------------------


def test_crossref_children_inherit_from_parents(bib, raw):
    records, _ = bib("bibtexparser_crossref_chains.bib")
    graphs = records["cr1"]
    assert graphs.title == "Great and Good Graphs"
    assert names(graphs) == ["Graham Gullam"]
    assert graphs.year == 1974  # from @BOOK{cr_m}
    assert graphs.venue_name == "Graphs of the Continent"  # the parent's title
    fields = raw("bibtexparser_crossref_chains.bib").fields
    assert fields["cr1"]["publisher"] == "Grimble"
    assert fields["cr1"]["editor"] == "Edgar Erbriss"
    # a child's own fields win
    assert (records["cr6"].venue_name, records["cr6"].year) == ("Manual booktitle", 2009)
    assert (records["cr7"].venue_name, records["cr7"].year) == ("Book Title", 2010)
    # the referenced @proceedings/@collection are containers, not papers; books stay
    assert "cr6i" not in records
    assert "cr8i" not in records
    assert names(records["cr_m"]) == ["Edgar Erbriss"]  # an edited book: its editor
    assert names(records["cr1"]) == ["Graham Gullam"]  # not the inherited editor


def test_dblp_crossref_export(bib, raw):
    records, _ = bib("volkm_dblp_crossref_export.bib")
    (record,) = records.values()
    assert record.source_ref == "DBLP:conf/spire/BastMW06"
    assert record.title == "Output-Sensitive Autocompletion Search"
    assert names(record) == ["H. Bast", "Christian Worm Mortensen", "Ingmar Weber"]
    assert record.identifiers == {
        "bibtex": "DBLP:conf/spire/BastMW06",
        "dblp": "conf/spire/BastMW06",
        "doi": "10.1007/11880561_13",
    }
    assert record.url == "https://doi.org/10.1007/11880561_13"
    fields = raw("volkm_dblp_crossref_export.bib").fields["DBLP:conf/spire/BastMW06"]
    assert fields["publisher"] == "Springer"
    assert fields["series"] == "Lecture Notes in Computer Science"
    assert fields["volume"] == "4209"
    assert fields["editor"].startswith("Fabio Crestani and")
    # the parent's own identifiers describe the volume, not the paper
    assert "isbn" not in fields
    assert fields["doi"] == "10.1007/11880561\\_13"


def test_biblatex_crossref_and_sets(bib):
    records, problems = bib("bibtexparser_biber_examples.bib")
    space = records["westfahl:space"]
    assert space.title == (
        "The True Frontier: Confronting and Avoiding the Realities of Space"
        " in American Science Fiction Films"
    )
    assert (space.venue_name, space.year) == ("Space and Beyond", 2000)
    assert "westfahl:frontier" not in records  # @collection that is crossref'd
    assert "set" not in records and "stdmodel" not in records  # @set entries
    aksin = records["set:aksin"]
    assert names(aksin)[:2] == ["Özge Aksın", "Hayati Türkmen"]
    assert aksin.venue_name == "J. Organomet. Chem."  # journaltitle = jomch, an @STRING
    assert str(problems[0]) == (
        "tmn4: entry tmn4 (line 1543) repeats a key already used at line 1535; "
        "only the first was imported"
    )
    assert problems[1] == ImportProblem("alias1", "entry alias1 (line 1556) has no title")


def test_biblatex_eprint_and_date_fields(bib):
    records, _ = bib("bibtexparser_biber_examples.bib")
    assert records["baez/online"].identifiers["arxiv"] == "math/0307200"
    assert records["baez/online"].published_on == date(2004, 10, 27)
    assert records["baez/online"].doc_type == "online"
    assert records["itzhaki"].identifiers["arxiv"] == "hep-th/9603067"
    assert records["moraux"].published_on == date(1979, 1, 2)  # date = {1979-01-02/1980-04-08}
    assert records["averroes/hannes"].title == (
        "Des Averroës Abhandlung: “Über die Möglichkeit der Conjunktion”"
        " oder “Über den materiellen Intellekt”"
    )


# --------------------------------------------------------------------------
# DBLP standard export, Crossref's BibTeX, the BOM file, @string/@preamble
# --------------------------------------------------------------------------


def test_dblp_standard_export(bib):
    records, _ = bib("volkm_dblp_standard_export.bib")
    dexa = records["DBLP:conf/dexa/KlinkRWWL06"]
    assert dexa.identifiers["doi"] == "10.1007/11827405_23"  # doi = {10.1007/11827405\_23}
    assert dexa.identifiers["dblp"] == "conf/dexa/KlinkRWWL06"
    assert "Kraków, Poland" in dexa.venue_name
    assert records["DBLP:conf/gvd/Ley07"].title.startswith(
        "Datenqualität: Eine organisatorische und technische Herausforderung"
    )
    assert names(records["DBLP:conf/gi/KoschmiderL0MMOOPRSSV04"])[3] == "Jörg Maas"
    assert records["DBLP:conf/spire/Ley02"].title == (
        "The DBLP Computer Science Bibliography: Evolution, Research Issues, Perspectives"
    )
    assert records["DBLP:persons/Ley2003"].url == (
        "http://www.informatik.uni-trier.de/%7Eley/db/about/contributionaward03.html"
    )
    assert records["DBLP:conf/cnkbs/LeyW92"].title == "LILOG-DB: Some implementation techniques"


def test_crossref_generated_bibtex(bib):
    records, _ = bib("commonmeta_crossref_generated.bib")
    record = records["Sankar_2014"]
    assert record.identifiers["doi"] == "10.7554/elife.01567"
    assert (record.year, record.venue_name, record.published_on) == (2014, "eLife", None)
    assert names(record)[-1] == "Christian S Hardtke"
    assert record.abstract.startswith("Among various advantages, their small size")


def test_utf8_bom_file(shared_fixtures, bib):
    data = (shared_fixtures / "bibtex" / "bibtexparser_utf8_bom.bib").read_bytes()
    decoded = decode_bibtex(data)
    assert decoded.encoding == "utf-8-sig"
    assert not decoded.text.startswith("\ufeff")
    assert decoded.notice == ""
    records, _ = bib("bibtexparser_utf8_bom.bib")
    record = records["Cesar2013"]
    assert names(record) == ["Jean César"]
    assert record.keywords == ["keyword1", "keyword2"]
    assert record.abstract.endswith("and with a french érudit word")
    assert "\n" not in record.abstract


def test_string_used_as_a_title_and_preamble_ignored(bib):
    records, _ = bib("bibtexparser_comments_string_preamble.bib")
    assert records["Cesar2013"].title == "A great title"  # title = title, @string{title = …}


# --------------------------------------------------------------------------
# Encodings (our own small inputs)
# --------------------------------------------------------------------------

MUELLER = "@article{m1, author = {Müller, Jürgen}, title = {Über Cafés}, year = 1999}\n"


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")],
)
def test_utf16_with_and_without_bom(encoding, reported):
    data = MUELLER.encode(encoding)
    assert decode_bibtex(data)[:2] == (MUELLER, reported)
    record = only(parse_bibtex(data))
    assert (record.title, names(record)) == ("Über Cafés", ["Jürgen Müller"])


def test_cp1252_is_decoded_and_reported():
    data = b"@article{m1, author = {M\xfcller, J}, title = {Caf\xe9 \x80 prices}}"
    decoded = decode_bibtex(data)
    assert decoded.encoding == "cp1252"
    assert decoded.is_legacy
    assert decoded.notice == "decoded as Windows-1252; check accented names"
    items = list(parse_bibtex(data))
    assert items[0] == EncodingNotice("", "decoded as Windows-1252; check accented names")
    assert isinstance(items[0], ImportProblem)
    assert names(items[1]) == ["J Müller"]
    assert items[1].title == "Café € prices"


def test_it_reports_a_file_whose_encoding_it_cannot_tell_instead_of_importing_garbage():
    # Three Chinese characters in GBK are as plausible in Big5, Shift-JIS or EUC-KR.
    data = "@article{w1, author = {王小明}, title = {A Study}}\n".encode("gbk")
    ascii_entry = b"@article{a1, author = {Ann Smith}, title = {Plain Title}}\n"
    decoded = decode_bibtex(data + ascii_entry)
    assert decoded.encoding == UNKNOWN_ENCODING
    assert not decoded.is_known
    assert decoded.text == (data + ascii_entry).decode("latin-1")  # a character a byte
    notice, problem, record = parse_bibtex(data + ascii_entry)
    assert isinstance(notice, EncodingNotice)
    assert "could not tell which encoding" in notice.message
    assert "save the file as UTF-8" in notice.message
    assert problem.source_ref == "w1"
    assert "non-ASCII characters" in problem.message
    assert record.title == "Plain Title"  # entries the encoding cannot garble still import
    assert decode_bibtex(b"")[:2] == ("", "utf-8")


# --------------------------------------------------------------------------
# Broken entries (our own small inputs)
# --------------------------------------------------------------------------

BROKEN = """\
@article{good1, title = {Good one}, author = {Ann Bee}, year = {2020}}

@article{broken1,
  title = {An unclosed brace,
  year = {2019}
}

@article{good2, title = {Good two}, year = 2021}
@article{broken2
  title = {No comma after the key}
}
@article{good3, title = {Good three}}
"""


def test_broken_entries_are_problems_and_good_ones_import():
    items = list(parse_bibtex(BROKEN))
    assert [type(item).__name__ for item in items] == [
        "PaperRecord",
        "ImportProblem",
        "PaperRecord",
        "ImportProblem",
        "PaperRecord",
    ]
    assert [item.title for item in items if isinstance(item, PaperRecord)] == [
        "Good one",
        "Good two",
        "Good three",
    ]
    unclosed, no_comma = (item for item in items if isinstance(item, ImportProblem))
    assert unclosed.source_ref == "broken1"
    assert unclosed.message.startswith("could not read the @article entry broken1 (line 3): ")
    assert "unbalanced braces" in unclosed.message
    assert no_comma.source_ref == "broken2"
    assert no_comma.message.startswith("could not read the @article entry broken2 (line 9): ")
    assert "no comma after the key" in no_comma.message


def test_missing_comma_between_fields_missing_key_and_missing_title():
    items = list(
        parse_bibtex(
            "@article{glued, title = {A} author = {B}}\n"
            "@article{, title = {No key}}\n"
            "@misc{untitled, author = {C}}\n"
            "@article{fine, title = {Fine}}\n"
        )
    )
    assert items[:3] == [
        ImportProblem(
            "glued",
            "entry glued (line 1): cannot read field “title”: unexpected “author = {B}”"
            " after the value; is a comma missing before it?",
        ),
        ImportProblem("line 2", "the @article entry at line 2 has no key"),
        ImportProblem("untitled", "entry untitled (line 3) has no title"),
    ]
    assert items[3].title == "Fine"


def test_file_ending_inside_an_entry():
    items = list(parse_bibtex("@article{ok, title={Ok}}\n@article{cut, title = {Cut off"))
    assert items[0].title == "Ok"
    assert items[1].source_ref == "cut"
    assert "the file ends inside this entry" in items[1].message


def test_duplicate_field_keeps_the_first_value():
    record = only(parse_bibtex("@article{d, title = {First}, title = {Second}}"))
    assert record.title == "First"


# --------------------------------------------------------------------------
# Macros, crossref chains, dates, identifiers (our own small inputs)
# --------------------------------------------------------------------------


def test_macros_concatenation_and_macros_argument():
    text = (
        '@string{proc = "Proceedings of "}\n'
        "@inproceedings{p, title = {T}, booktitle = proc # {the } # conf, year = 2020}\n"
    )
    assert only(parse_bibtex(text)).venue_name == "Proceedings of the conf"
    record = only(parse_bibtex(text, macros='@string{conf = "ICLR 2020"}'))
    assert (record.venue_name, record.venue_key) == ("Proceedings of the ICLR 2020", "iclr")
    # the file's own definition wins over the macros file
    record = only(parse_bibtex('@string{iclr = "Mine"}\n@article{a, title={T}, journal=iclr}',
                               macros=b'@string{iclr = "ICLR"}'))  # fmt: skip
    assert record.venue_name == "Mine"


def test_crossref_chain_missing_parent_and_cycle():
    text = """
@inproceedings{paper, title = {Paper}, author = {A. Author}, crossref = {VOLUME}}
@proceedings{volume, title = {Volume Title}, crossref = {series}, editor = {E. Editor}}
@book{series, title = {Series}, publisher = {Springer}, year = 2001, doi = {10.1000/series}}
@article{orphan, title = {Orphan}, crossref = {nowhere}, year = 1999}
@article{loop1, title = {Loop one}, crossref = {loop2}}
@article{loop2, title = {Loop two}, crossref = {loop1}, year = 2005}
"""
    records = {record.source_ref: record for record in parse_bibtex(text)}
    assert sorted(records) == ["loop1", "loop2", "orphan", "paper", "series"]
    paper = records["paper"]
    assert (paper.venue_name, paper.year, names(paper)) == ("Volume Title", 2001, ["A. Author"])
    assert "doi" not in paper.identifiers
    fields = read_bibtex(text).fields
    assert fields["paper"]["publisher"] == "Springer"  # two levels up
    assert fields["paper"]["editor"] == "E. Editor"
    assert records["orphan"].year == 1999
    assert records["loop1"].year == 2005
    assert records["loop1"].venue_name == "Loop two"


def test_month_day_and_year_forms():
    def first(text: str) -> PaperRecord:
        return only(parse_bibtex(text))

    assert first("@article{a, title={T}, year=2015, month=mar, day=5}").published_on == date(
        2015, 3, 5
    )
    assert first("@article{a, title={T}, year=2015, month={July}, day={31}}").published_on == date(
        2015, 7, 31
    )
    assert first("@article{a, title={T}, year=2015, month=mar}").published_on is None
    assert first("@article{a, title={T}, year=2015, month=feb, day=30}").published_on is None
    assert first("@article{a, title={T}, year = {2016a}}").year == 2016
    assert first("@article{a, title={T}, year = {in press}}").year is None
    assert parse_year("circa 1850") == 1850
    assert parse_month("13") is None
    assert parse_month("Jun.") == 6
    assert parse_month("Sept") == 9
    assert parse_month("Junk") is None


def test_dblp_corr_entry_identifiers():
    text = r"""@article{DBLP:journals/corr/HeZRS15,
  author    = {Kaiming He and Xiangyu Zhang and Shaoqing Ren and Jian Sun},
  title     = {Deep Residual Learning for Image Recognition},
  journal   = {CoRR},
  volume    = {abs/1512.03385},
  year      = {2015},
  url       = {http://arxiv.org/abs/1512.03385},
  eprinttype = {arXiv},
  eprint    = {1512.03385},
}"""
    record = only(parse_bibtex(text))
    assert record.identifiers == {
        "bibtex": "DBLP:journals/corr/HeZRS15",
        "dblp": "journals/corr/HeZRS15",
        "arxiv": "1512.03385",
    }
    assert (record.venue_name, record.venue_key) == ("CoRR", "arxiv")
    volume_only = text.replace("eprint", "x-eprint").replace("arxiv.org", "example.org")
    assert only(parse_bibtex(volume_only)).identifiers["arxiv"] == "1512.03385"


@pytest.mark.parametrize(
    ("fields", "scheme", "value"),
    [
        ("journal = {arXiv preprint arXiv:1412.6980}", "arxiv", "1412.6980"),
        ("archivePrefix = {arXiv}, eprint = {1706.03762v5}", "arxiv", "1706.03762"),
        ("journal = {arXiv e-prints}, eprint = {1312.6114}", "arxiv", "1312.6114"),
        ("url = {https://arxiv.org/pdf/1706.03762.pdf}", "arxiv", "1706.03762"),
        ("howpublished = {\\url{https://arxiv.org/abs/hep-th/9901001}}", "arxiv", "hep-th/9901001"),
        ("doi = {10.48550/arXiv.2106.09685}", "arxiv", "2106.09685"),
        ("doi = {10.1007/978-3-319-46493-0\\_38}", "doi", "10.1007/978-3-319-46493-0_38"),
        ("doi = {10.1007/978-3-319-46493-0{\\_}38}", "doi", "10.1007/978-3-319-46493-0_38"),
        ("url = {https://doi.org/10.1109/CVPR.2016.90}", "doi", "10.1109/cvpr.2016.90"),
    ],
)
def test_identifiers_from_their_various_places(fields, scheme, value):
    record = only(parse_bibtex(f"@article{{k, title = {{T}}, {fields}}}"))
    assert record.identifiers[scheme] == value


def test_invalid_identifiers_are_dropped_not_fatal():
    record = only(parse_bibtex("@article{k, title={T}, doi={not a doi}, eprint={arXiv:9999.1}}"))
    assert record.identifiers == {"bibtex": "k"}


def test_keywords_abstract_url_and_doc_type():
    record = only(
        parse_bibtex(
            "@conference{k, title = {T}, keywords = {deep learning; vision, deep learning},\n"
            '  abstract = {We study $\\mathcal{O}(n^2)$\n   time on M{\\"u}nchen data.},\n'
            "  url = {https://example.org/a\\_b}}"
        )
    )
    assert record.keywords == ["deep learning", "vision"]
    assert record.abstract == "We study $\\mathcal{O}(n^2)$ time on München data."
    assert record.url == "https://example.org/a_b"
    assert record.doc_type == "inproceedings"


# --------------------------------------------------------------------------
# Names and LaTeX
# --------------------------------------------------------------------------


def test_name_forms():
    assert parse_names(
        "{Barnes and Noble, Inc.} and {von} Neumann, John and Knuth, Jr., Donald E. and others"
    ) == ["Barnes and Noble, Inc.", "John von Neumann", "Donald E. Knuth Jr."]
    assert parse_names('Ludwig van Beethoven AND Sch{\\"o}lkopf, B.') == [
        "Ludwig van Beethoven",
        "B. Schölkopf",
    ]
    assert parse_names("Wei Wang 0001 and Brand, Sandra") == ["Wei Wang", "Sandra Brand"]
    assert parse_names("") == []


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('{\\"o}', "ö"),
        ('\\"{o}', "ö"),
        ("\\'e", "é"),
        ("{\\'\\i}", "í"),
        ("{\\ss}", "ß"),
        ('Unzeitgem{\\"a}{\\ss}e', "Unzeitgemäße"),
        ("\\c{c}", "ç"),
        ("\\c c", "ç"),
        ("{\\o}", "ø"),
        ("{\\L}ukasz", "Łukasz"),
        ("H{\\aa}kan", "Håkan"),
        ("\\v{S}koda", "Škoda"),
        ("Erd{\\H{o}}s", "Erdős"),
        ("pages 1--10 --- done", "pages 1–10 — done"),
        ("Tom \\& Jerry", "Tom & Jerry"),
        ("{T}ensor{F}low", "TensorFlow"),
        ("100\\% {\\em sure}", "100% sure"),
        ("\\emph{Nice} \\textbf{bold}", "Nice bold"),
        ('B.~Sch{\\"o}lkopf', "B. Schölkopf"),
        ("``quoted''", "“quoted”"),
        ("\\mkbibquote{Intention} und", "“Intention” und"),
        ("a $x_{1}^{2}$ and \\(\\alpha\\) b", "a $x_{1}^{2}$ and \\(\\alpha\\) b"),
        ("cost \\$5", "cost $5"),
        ("{\\_}", "_"),
        ("Un{closed", "Unclosed"),
        ("\\unknown{kept}", "kept"),
        ("  many\n\t spaces  ", "many spaces"),
    ],
)
def test_latex_to_unicode(latex, text):
    assert latex_to_unicode(latex) == text


def test_deeply_nested_braces_do_not_crash():
    assert latex_to_unicode("{" * 5000 + "x" + "}" * 5000) == "x"


def test_garbage_never_raises():
    for text in ["@", "@article", "@article{", "}}}}", "@string{x = }", "@article{k, t = {\\}"]:
        for item in parse_bibtex(text):
            assert isinstance(item, PaperRecord | ImportProblem)


def test_failed_block_without_a_key():
    items = list(parse_bibtex("@article{ title = {Keyless}, year = 2020}\n@misc{ok, title={Ok}}"))
    assert items[0] == ImportProblem(
        "line 1",
        "could not read the @article entry (line 1): no comma after the key, or no key"
        " [Expected comma after entry key, but found =]",
    )
    assert items[1].title == "Ok"
