"""Which encoding a .bib file is in: told by charset-normalizer, or reported as unknown.

Every byte string here is made in the test, by encoding text of our own.
"""

import codecs

import pytest

from precis.importers.base import PaperRecord
from precis.importers.bibtex import EncodingNotice, decode_bibtex, parse_bibtex
from precis.importers.bibtex.parse import UNKNOWN_ENCODING
from precis.papers.models import Paper
from precis.papers.services import upsert_papers


def entry(key: str, authors: list[str], title: str, journal: str) -> str:
    return (
        f"@article{{{key},\n  author = {{{' and '.join(authors)}}},\n  title = {{{title}}},\n"
        f"  journal = {{{journal}}},\n  year = {{2020}}\n}}\n"
    )


# (codec that makes the bytes, codecs the detector may answer with, authors, title, journal)
CJK = [
    ("gbk", {"gbk", "gb18030"}, ["王小明", "李华"], "基于深度学习的图像识别方法研究", "计算机学报"),
    (
        "shift_jis",
        {"shift_jis", "cp932"},
        ["田中 太郎", "鈴木 花子"],
        "ニューラルネットワークによる画像認識",
        "情報処理学会論文誌",
    ),
    (
        "euc-kr",
        {"euc_kr", "cp949"},
        ["김철수", "이영희"],
        "심층 신경망을 이용한 음성 인식",
        "정보과학회논문지",
    ),
    (
        "big5",
        {"big5", "cp950", "big5hkscs"},
        ["陳大文", "林美玲"],
        "機器學習方法之研究",
        "資訊科學期刊",
    ),
]


def canonical(encoding: str) -> str:
    return codecs.lookup(encoding).name


@pytest.mark.parametrize(
    ("codec", "answers", "authors", "title", "journal"), CJK, ids=[case[0] for case in CJK]
)
def test_it_detects_cjk_encodings(codec, answers, authors, title, journal):
    text = entry("cjk", authors, title, journal)
    data = text.encode(codec)
    decoded = decode_bibtex(data)
    assert canonical(decoded.encoding) in {canonical(answer) for answer in answers}
    assert decoded.text == text
    notice, record = parse_bibtex(data)
    assert isinstance(notice, EncodingNotice)
    assert notice.message.startswith("decoded as ")
    assert (record.title, record.venue_name) == (title, journal)
    assert [author.name for author in record.authors] == authors


@pytest.mark.django_db
def test_it_imports_a_cjk_file_twice_as_one_paper_with_its_venue():
    _, _, authors, title, journal = CJK[0]
    data = entry("wang2020", authors, title, journal).encode("gbk")
    upsert_papers(parse_bibtex(data))
    report = upsert_papers(parse_bibtex(data))
    paper = Paper.objects.get()
    assert (report.created, report.unchanged) == (0, 1)
    assert [author.name for author in paper.ordered_authors()] == ["王小明", "李华"]
    assert paper.venue.name == "计算机学报"


UNICODE = "@article{m1, author = {Müller, Jürgen and Zoë Ó Súilleabháin}, title = {Über Cafés}}\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (UNICODE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + UNICODE.encode("utf-8"), "utf-8-sig"),
        (UNICODE.encode("utf-16"), "utf-16"),
        (UNICODE.encode("utf-16-le"), "utf-16-le"),
        (UNICODE.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be"],
)
def test_it_reads_unicode_without_a_notice(data, encoding):
    decoded = decode_bibtex(data)
    assert (decoded.text, decoded.encoding, decoded.notice) == (UNICODE, encoding, "")
    (record,) = parse_bibtex(data)
    assert [author.name for author in record.authors] == ["Jürgen Müller", "Zoë Ó Súilleabháin"]


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_it_reads_western_european_files_as_windows_1252(codec):
    data = UNICODE.encode(codec)
    decoded = decode_bibtex(data)
    assert (decoded.text, decoded.encoding) == (UNICODE, "cp1252")
    notice, record = parse_bibtex(data)
    assert notice == EncodingNotice("", "decoded as Windows-1252; check accented names")
    assert record.title == "Über Cafés"


def test_it_reads_a_single_accented_name_as_windows_1252():
    data = b"@article{a, author = {Jos\xe9 Garc\xeda}, title = {A Plain English Title}}\n"
    assert decode_bibtex(data).encoding == "cp1252"
    assert [a.name for a in list(parse_bibtex(data))[1].authors] == ["José García"]


def test_it_reports_what_it_cannot_tell_and_imports_nothing_garbled():
    short = entry("w", ["王小明"], "Deep Learning", "Journal").encode("gbk")  # 3 CJK characters
    decoded = decode_bibtex(short)
    assert decoded.encoding == UNKNOWN_ENCODING
    assert len(decoded.guesses) >= 2
    items = list(parse_bibtex(short))
    assert not any(isinstance(item, PaperRecord) for item in items)
    assert "could not tell which encoding" in items[0].message
    assert "non-ASCII characters" in items[1].message
