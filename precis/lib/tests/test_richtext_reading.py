"""The renderer as readers meet it: display math boxes, unreadable formulas and what the
editor is told of them, headings that keep the page's outline, and @mentions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precis.lib import richtext
from precis.lib.richtext import (
    MAX_FORMULA_PROBLEMS,
    MAX_MENTION_LINKS,
    RenderLimitExceeded,
    formula_problems,
    mentioned_usernames,
    render,
    render_excerpt,
)
from precis.lib.tests.test_richtext import audit

DISPLAY_BOX = '<div class="math-display" role="group" tabindex="0" aria-label="Formula">'


# --------------------------------------------------------------------------
# Math in the page
# --------------------------------------------------------------------------


def test_display_math_sits_in_a_named_keyboard_reachable_box() -> None:
    output = render("Before\n\n$$\n\\sum_{i=1}^n x_i\n$$\n\nAfter")
    assert (
        DISPLAY_BOX + '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"' in output
    )
    assert 'displaystyle="true"' in output
    assert '<munderover><mo movablelimits="true">∑</mo>' in output
    assert audit(output) == []


def test_display_math_inside_a_paragraph_is_a_span_box() -> None:
    output = render("so \\[ x^2 \\] holds")
    assert output.startswith('<p>so <span class="math-display" role="group" tabindex="0"')
    assert "<div" not in output


def test_a_long_inline_formula_is_keyboard_reachable_a_short_one_is_not() -> None:
    long = render("$y = \\text{the number of widgets sold in the first quarter}$")
    assert long.startswith('<p><math tabindex="0" xmlns=')
    assert "tabindex" not in render("$x_1 + x_2 = y$")


def test_log_d_keeps_its_space_after_sanitising() -> None:
    output = render("$\\log D$")
    assert '<mi>log</mi><mo>\u2061</mo><mspace width="0.1667em"></mspace><mi>D</mi>' in output


@pytest.mark.parametrize(
    ("source", "element"),
    [("Bad $\\frac{1}{$ here", "span"), ("$$\n\\frac{1}{\n$$", "div"), ("a \\[x^\\] b", "span")],
)
def test_a_formula_that_cannot_be_read_is_marked_with_the_reason(source: str, element: str) -> None:
    output = render(source)
    match = re.search(rf'<{element} class="math-error" title="([^"]+)"><code class="tex">', output)
    assert match, output
    assert match.group(1).startswith("Could not read this formula: ")
    assert "<math" not in output
    assert audit(output) == []


def test_the_error_title_cannot_break_out_of_its_attribute() -> None:
    output = render('$\\begin{x"><img src=x onerror=alert(1)>} a$')
    assert "onerror" not in output.split('title="')[0]
    assert "<img" not in output
    assert audit(output) == []


def test_what_the_sanitiser_lets_through_for_math_boxes_is_fixed() -> None:
    # Markdown cannot write raw HTML, but the sanitiser holds even if it could.
    dirty = '<div class="math-display" role="button" tabindex="5" aria-label="x">y</div>'
    assert richtext._sanitise(dirty) == '<div class="math-display">y</div>'


def test_excerpts_keep_math_that_converts() -> None:
    output = render_excerpt("The loss:\n\n$$\n\\log D(x)\n$$\n\nMore.", max_chars=40)
    assert "<math" in output


# --------------------------------------------------------------------------
# formula_problems: what the editor's preview says
# --------------------------------------------------------------------------


def test_formula_problems_numbers_formulas_in_reading_order() -> None:
    source = (
        "Fine $x$ then $\\frac{1}{$.\n\n"
        "$$\n\\foo + 1\n$$\n\n"
        "- item $\\sqrt$\n\n"
        "```math\n\\left( x\n```\n"
    )
    assert formula_problems(source) == [
        "Formula 2 ($\\frac{1}{$) could not be read: a “{” is never closed; "
        "add the “}” that ends it.",
        "Formula 3 ($$\\foo + 1$$): \\foo is not a command this site knows.",
        "Formula 4 ($\\sqrt$) could not be read: it ends too soon; a command is missing what "
        "should follow it (say, the second {…} of \\frac).",
        "Formula 5 ($$\\left( x$$) could not be read: a \\left has no \\right, or a \\right "
        "no \\left (write \\right. for an invisible one).",
    ]


def test_formula_problems_is_empty_for_good_text_and_never_raises() -> None:
    assert formula_problems("No math, $x^2$ and $$y$$ and US$5.") == []
    assert formula_problems("") == []
    assert formula_problems("[" * 20_000) == []  # over a limit: check() says so


def test_formula_problems_quotes_long_formulas_shortly_and_stays_short() -> None:
    problems = formula_problems("$\\frac{" + "x" * 200 + "}$")
    assert len(problems) == 1 and "…$)" in problems[0] and len(problems[0]) < 200
    many = formula_problems(" ".join(["$x^$"] * 300))
    assert len(many) == MAX_FORMULA_PROBLEMS + 1
    assert many[-1] == "… and 280 more."


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="$\\{}^_ax&[]()`\n", max_size=80))
def test_formula_problems_never_raises(source: str) -> None:
    for problem in formula_problems(source):
        assert problem.startswith("Formula ")


# --------------------------------------------------------------------------
# Headings keep the page's outline
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "level", "tags"),
    [
        # A writer who starts at ### under the page's h2 gets h3, not h5.
        ("### A\n\ntext\n\n### B", 3, ["h3", "h3"]),
        ("### A\n\n##### B\n\n#### C", 3, ["h3", "h4", "h4"]),
        ("# A\n\n## B\n\n### C\n\n#### D\n\n##### E", 4, ["h4", "h5", "h6", "h6", "h6"]),
        ("## A\n\n# B", 2, ["h2", "h2"]),
        ("> ## Quoted\n\n## After", 3, ["h3", "h3"]),
    ],
)
def test_headings_start_below_the_page_and_never_skip(
    source: str, level: int, tags: list[str]
) -> None:
    output = render(source, heading_level=level)
    assert re.findall(r"<(h[1-6])>", output) == tags
    assert [f"h{tag[1]}" for tag in re.findall(r"</(h[1-6])>", output)] == tags


def test_excerpts_turn_headings_into_bold_paragraphs_still() -> None:
    assert render_excerpt("### Intro\n\nText.") == "<p><strong>Intro</strong></p>\n<p>Text.</p>\n"


# --------------------------------------------------------------------------
# @mentions
# --------------------------------------------------------------------------


class Directory:
    """A stand-in for the people table: counts lookups, knows a few names."""

    def __init__(self, *names: str):
        self.names = set(names)
        self.calls: list[list[str]] = []

    def __call__(self, handles: list[str]) -> dict[str, str]:
        self.calls.append(list(handles))
        return {name: f"/u/{name}/" for name in handles if name in self.names}


def test_mentions_of_people_link_to_their_profiles_in_one_lookup() -> None:
    people = Directory("carol", "dave")
    output = render("Thanks @carol, @nobody and @dave. Again @carol!", mention_links=people)
    assert '<a href="/u/carol/" class="mention">@carol</a>,' in output
    assert '<a href="/u/dave/" class="mention">@dave</a>. Again' in output
    assert "@nobody" in output and 'href="/u/nobody/"' not in output
    assert people.calls == [["carol", "nobody", "dave"]]
    assert audit(output) == []


@pytest.mark.parametrize(
    "source",
    [
        "write to x@carol.org",
        "`@carol`",
        "```\n@carol\n```",
        "[@carol](https://example.org)",
        "<https://social.example/@carol>",
        "https://social.example/@carol",
        "$@carol$",
        "\\@carol",
        "see@carol",
        "    @carol (indented code)",
    ],
)
def test_no_mention_in_addresses_code_links_math_or_escaped(source: str) -> None:
    output = render(source, mention_links=Directory("carol"))
    assert 'class="mention"' not in output
    assert mentioned_usernames(source) == []


def test_mentions_without_a_directory_stay_text() -> None:
    assert render("hi @carol") == "<p>hi @carol</p>\n"


def test_a_failing_directory_leaves_text_as_text() -> None:
    def broken(handles):
        raise RuntimeError("database down")

    assert render("hi @carol", mention_links=broken) == "<p>hi @carol</p>\n"


def test_a_directory_cannot_inject_a_foreign_link() -> None:
    output = render("hi @carol", mention_links=lambda handles: {"carol": "javascript:alert(1)"})
    assert "javascript" not in output and "@carol" in output


def test_mentioned_usernames_are_what_render_would_link() -> None:
    source = "@alice: thanks (cc @bob.), `@code` and mail me at me@example.org; @alice again"
    assert mentioned_usernames(source) == ["alice", "bob"]


def test_thousands_of_mentions_stay_bounded() -> None:
    people = Directory(*(f"user{n}" for n in range(5000)))
    source = " ".join(f"@user{n}" for n in range(5000))
    output = render(source, mention_links=people)
    assert output.count('class="mention"') == MAX_MENTION_LINKS
    assert len(people.calls) == 1 and len(people.calls[0]) == MAX_MENTION_LINKS
    assert len(mentioned_usernames(source)) == 5000


def test_mentions_cost_nothing_against_the_limits() -> None:
    source = "@carol " * 3000
    richtext.check(source)  # the same text check() passes must render
    assert render(source, mention_links=Directory("carol")).count('class="mention"') == 200


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="@ab.c_-`[]()<>:/\\ \n$", max_size=60))
def test_mentions_never_break_the_html(source: str) -> None:
    try:
        output = render(source, mention_links=Directory("a", "b", "a.b", "c"))
    except RenderLimitExceeded:
        return
    assert audit(output) == []
    for href in re.findall(r'class="mention"', output):
        assert href
