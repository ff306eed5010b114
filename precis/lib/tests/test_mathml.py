"""Tests for precis.lib.mathml: TeX → MathML that reads like TeX, and why a formula cannot be read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from precis.lib.mathml import FUNCTION_APPLICATION, MAX_TEX_CHARS, THIN_SPACE, convert

NS = {"m": "http://www.w3.org/1998/Math/MathML"}


def tree(tex: str, *, display: bool = False):
    formula = convert(tex, display=display)
    assert formula.mathml is not None, formula.problem
    return etree.fromstring(formula.mathml)


def body(tex: str, *, display: bool = False) -> list:
    """The children of the formula's top row, as (tag, text) pairs."""
    row = tree(tex, display=display).find("m:semantics/m:mrow/m:mrow", NS)
    return [(etree.QName(child).localname, child.text) for child in row]


# --------------------------------------------------------------------------
# Operator names
# --------------------------------------------------------------------------


def test_log_d_is_log_function_application_thin_space_d() -> None:
    assert body(r"\log D") == [
        ("mi", "log"),
        ("mo", FUNCTION_APPLICATION),
        ("mspace", None),
        ("mi", "D"),
    ]
    space = tree(r"\log D").find(".//m:mspace", NS)
    assert space.get("width") == THIN_SPACE


@pytest.mark.parametrize(
    "name", ["log", "sin", "cos", "exp", "max", "min", "arg", "det", "ln", "tanh", "ker"]
)
def test_every_operator_name_is_applied_and_spaced(name: str) -> None:
    children = body(f"\\{name} x")
    assert children[1] == ("mo", FUNCTION_APPLICATION)
    assert children[2][0] == "mspace"
    assert children[-1] == ("mi", "x")


def test_no_space_before_a_bracket_as_in_tex() -> None:
    assert body(r"\log(x)")[:3] == [("mi", "log"), ("mo", FUNCTION_APPLICATION), ("mo", "(")]
    assert [tag for tag, _ in body(r"\sin\left( x \right)")][:3] == ["mi", "mo", "mrow"]


def test_a_thin_space_before_an_operator_name_that_follows_a_symbol() -> None:
    assert [tag for tag, _ in body(r"2\log n")] == ["mn", "mspace", "mi", "mo", "mspace", "mi"]
    assert [tag for tag, _ in body(r"x = \log n")][:3] == ["mi", "mo", "mi"]


def test_an_operator_with_a_subscript_is_applied_as_a_whole() -> None:
    assert [tag for tag, _ in body(r"\log_2 n")] == ["msub", "mo", "mspace", "mi"]


def test_operatorname_keeps_its_spaces_and_star_means_limits() -> None:
    mathml = convert(r"\operatorname*{arg\,max}_x f", display=True).mathml
    assert "<munder><mo " in mathml and 'movablelimits="true"' in mathml
    assert "arg\u2009max" in mathml
    assert convert(r"\operatorname{softmax}(z)", display=False).problem is None


def test_bmod_is_not_a_function() -> None:
    assert FUNCTION_APPLICATION not in convert(r"a \bmod b", display=False).mathml


# --------------------------------------------------------------------------
# Limits, display style, fences
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "under"),
    [
        (r"\min_G V", "munder"),
        (r"\max_{x} f", "munder"),
        (r"\lim_{n\to\infty} a_n", "munder"),
        (r"\sum_{i=1}^n x_i", "munderover"),
        (r"\bigcup_i A_i", "munder"),
        (r"\prod_{k}^{n} k", "munderover"),
    ],
)
def test_limits_go_under_in_display_and_beside_inline(tex: str, under: str) -> None:
    display = tree(tex, display=True)
    scripted = display.find(f".//m:{under}", NS)
    assert scripted is not None
    assert scripted[0].get("movablelimits") == "true"
    inline = tree(tex, display=False)
    assert inline.find(f".//m:{under}", NS) is None


def test_integrals_keep_their_limits_beside() -> None:
    assert tree(r"\int_0^1 f", display=True).find(".//m:msubsup", NS) is not None


def test_display_math_is_displaystyle() -> None:
    assert tree("x", display=True).get("displaystyle") == "true"
    assert tree("x", display=False).get("displaystyle") is None


@pytest.mark.parametrize(
    ("environment", "opener", "closer"),
    [("pmatrix", "(", ")"), ("bmatrix", "[", "]"), ("vmatrix", "|", "|"), ("Bmatrix", "{", "}")],
)
def test_matrix_brackets_are_stretchy_fences_around_the_table(
    environment: str, opener: str, closer: str
) -> None:
    root = tree(f"A = \\begin{{{environment}}} a & b \\\\ c & d \\end{{{environment}}} + 1")
    table = root.find(".//m:mtable", NS)
    group = table.getparent()
    assert [etree.QName(child).localname for child in group] == ["mo", "mtable", "mo"]
    assert (group[0].text, group[0].get("form"), group[0].get("stretchy")) == (
        opener,
        "prefix",
        "true",
    )
    assert (group[2].text, group[2].get("form"), group[2].get("stretchy")) == (
        closer,
        "postfix",
        "true",
    )


def test_cases_and_left_right_stretch() -> None:
    cases = tree(r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    brace = next(mo for mo in cases.iterfind(".//m:mo", NS) if mo.text == "{")
    assert brace.get("stretchy") == "true"
    assert tree(r"\left( \frac{a}{b} \right)").find(".//m:mo", NS).get("stretchy") == "true"


def test_brackets_without_left_right_keep_their_size() -> None:
    norm = tree(r"\lVert \theta \rVert + |x|", display=True)
    assert {mo.get("stretchy") for mo in norm.iterfind(".//m:mo", NS) if mo.text in "‖|"} == {
        "false"
    }


def test_gather_lines_become_rows() -> None:
    root = tree(r"\begin{gather*} a = b \\ c = d \end{gather*}", display=True)
    assert len(root.findall(".//m:mtr", NS)) == 2
    assert root.find(".//m:mspace[@linebreak]", NS) is None


@pytest.mark.parametrize("environment", ["aligned", "alignedat", "dcases", "gathered"])
def test_environments_latex2mathml_lacks_are_mapped(environment: str) -> None:
    columns = "{1}" if environment == "alignedat" else ""
    cell = "a = b" if environment == "gathered" else "a &= b"  # gathered has no columns
    tex = f"\\begin{{{environment}}}{columns} {cell} \\\\ c \\end{{{environment}}}"
    formula = convert(tex, display=True)
    assert formula.problem is None
    assert "<mtable" in formula.mathml and "<mi>&amp;</mi>" not in formula.mathml


def test_labels_and_tags_switches_are_dropped() -> None:
    formula = convert(r"x = 1 \label{eq:one} \nonumber", display=True)
    assert formula.notes == () and "label" not in formula.mathml.split("<annotation")[0]


def test_text_with_markup_characters_stays_text() -> None:
    root = tree(r"\text{a < b & c > d}")
    assert root.find(".//m:mtext", NS).text.replace("\xa0", " ") == "a < b & c > d"


def test_the_tex_is_kept_as_an_annotation() -> None:
    annotation = tree(r"\frac{a}{b} < c").find(".//m:annotation", NS)
    assert annotation.get("encoding") == "application/x-tex"
    assert annotation.text == r"\frac{a}{b} < c"


# --------------------------------------------------------------------------
# What cannot be read
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "words"),
    [
        (r"\frac{1}{", "never closed"),
        ("x}", "no “{”"),
        (r"\frac{1}", "fraction"),
        ("x^", "nothing after it"),
        ("x_1_2", "two subscripts"),
        (r"\left( x", r"\left"),
        (r"\begin{pmatrix} a", "never ended"),
        (r"\end{pmatrix}", "no \\begin{pmatrix}"),
        (r"\begin{pmatrix} a \end{bmatrix}", "ended by"),
        (r"\begin{tikzpicture} x \end{tikzpicture}", "tikzpicture"),
        (r"\sqrt", "ends too soon"),
        ("x" * (MAX_TEX_CHARS + 1), "longer than"),
    ],
)
def test_unreadable_tex_says_why(tex: str, words: str) -> None:
    formula = convert(tex, display=False)
    assert formula.mathml is None
    assert words in formula.problem
    assert formula.problem.endswith(".")


def test_an_unknown_command_is_marked_and_named_but_the_rest_shows() -> None:
    formula = convert(r"\foo x + \bar{y} + \foo", display=False)
    assert formula.problem is None
    assert formula.notes == (r"\foo is not a command this site knows.",)
    root = etree.fromstring(formula.mathml)
    assert root.find(".//m:merror/m:mtext", NS).text == r"\foo"


# --------------------------------------------------------------------------
# Hostile input: bounded, never raises, always well-formed
# --------------------------------------------------------------------------


def test_deep_nesting_is_refused_or_rendered_never_raises() -> None:
    for depth in (50, 300, 2000):
        tex = "{" * depth + "x" + "}" * depth
        formula = convert(tex, display=True)
        assert formula.mathml is not None or formula.problem
        tex = "\\frac{" * depth + "x" + "}{y}" * depth
        formula = convert(tex, display=False)
        assert formula.mathml is not None or formula.problem


def test_a_huge_text_is_one_mtext_or_refused() -> None:
    formula = convert("\\text{" + "word " * 900 + "}", display=False)
    assert formula.mathml is not None and formula.mathml.count("<mtext>") == 1
    assert convert("\\text{" + "w" * MAX_TEX_CHARS + "}", display=False).mathml is None


TEX_PIECES = st.sampled_from(
    [
        "x", "{", "}", "^", "_", "&", "\\\\", "<", ">", "\\frac", "\\sqrt", "\\left(", "\\right)",
        "\\begin{pmatrix}", "\\end{pmatrix}", "\\begin{aligned}", "\\end{aligned}", "\\text{",
        "\\log", "\\min", "\\sum", "\\lim", "\\operatorname*{", "\\,", "|", "\\foo", "\\label{",
        "\\mathbb{R}", "1", " ", "\\over", "\\limits", "\\hspace{", "\\color{red}", "\u2061",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(TEX_PIECES, max_size=25), display=st.booleans())
def test_any_tex_gives_wellformed_mathml_or_a_reason(pieces: list[str], display: bool) -> None:
    formula = convert("".join(pieces), display=display)
    if formula.mathml is None:
        assert formula.problem
    else:
        root = etree.fromstring(formula.mathml)
        assert etree.QName(root).localname == "math"
        # Scripts and fractions keep exactly the children they need.
        for name, count in (("mfrac", 2), ("msub", 2), ("munder", 2), ("munderover", 3)):
            for element in root.iterfind(f".//m:{name}", NS):
                assert len(element) == count
