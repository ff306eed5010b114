from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from precis.lib.text import clean_text


def test_it_keeps_tabs_and_newlines_and_drops_other_control_characters():
    assert clean_text("a\tb\nc\x00d\x07e\x1bf\x7fg\x85h\x9fi") == "a\tb\ncdefghi"


def test_it_turns_carriage_returns_into_newlines():
    assert clean_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_it_drops_bidi_overrides_and_isolates_but_keeps_marks_scripts_need():
    overrides = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert clean_text(f"abc{overrides}def") == "abcdef"
    kept = "\u200e\u200f\u200c\u200d\u00ad"  # LRM, RLM, ZWNJ, ZWJ, soft hyphen
    assert clean_text(f"a{kept}b") == f"a{kept}b"


def test_it_drops_byte_order_marks_noncharacters_and_lone_surrogates():
    assert clean_text("\ufeffa\ufffeb\uffffc\ud800d\udfff") == "abcd"


def test_it_keeps_ordinary_text_of_every_script():
    text = "Résumé — 矩阵 Q^T, שלום, مرحبا, 👩‍🔬 café\u0301"
    assert clean_text(text) == text


@given(st.text())
def test_it_is_idempotent_and_leaves_text_that_xml_and_utf8_accept(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")
    assert etree.fromstring(f"<t>{escape(cleaned)}</t>").text in (cleaned, None)
