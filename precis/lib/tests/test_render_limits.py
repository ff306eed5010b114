"""The render budget: what each limit refuses, with which message, and what it lets through."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from precis.lib import richtext
from precis.lib.richtext import LIMITS, Limits, RenderLimitExceeded, check, plain_text, render

SUMMARY_CHARS = 60_000  # summaries.services.MAX_SOURCE_CHARS


def refusal(source: str) -> RenderLimitExceeded:
    """The error ``check`` raises for ``source``; render and render_excerpt must agree."""
    with pytest.raises(RenderLimitExceeded) as checked:
        check(source)
    with pytest.raises(RenderLimitExceeded) as rendered:
        render(source)
    with pytest.raises(RenderLimitExceeded):
        richtext.render_excerpt(source)
    assert rendered.value.message == checked.value.message
    return checked.value


def table(rows: int, columns: int = 1) -> str:
    head = "|" + "h|" * columns + "\n|" + "-|" * columns + "\n"
    return head + ("|" + "x|" * columns + "\n") * rows


def test_it_refuses_a_huge_table_saying_how_big_it_is_and_what_the_limit_is():
    error = refusal("| a | b |\n|-|-|\n" + "| x | y |\n" * 12_000)
    assert error.message == "This text has a table of 12,000 rows; the limit is 1,000."
    assert error.limit == "table_rows"


def test_it_renders_a_table_of_exactly_the_row_limit():
    output = render(table(LIMITS.table_rows))
    assert output.count("<tr>") == LIMITS.table_rows + 1


def test_it_refuses_one_row_more_than_the_limit():
    error = refusal(table(LIMITS.table_rows + 1))
    assert error.message == "This text has a table of 1,001 rows; the limit is 1,000."


def test_it_refuses_too_many_columns():
    assert refusal(table(2, columns=200)).message == (
        "This text has a table of 200 columns; the limit is 64."
    )


def test_it_refuses_too_many_cells_in_all_tables_together():
    source = "\n\n".join(table(100, columns=10) for _ in range(4))
    assert refusal(source).limit == "table_cells"


def test_it_refuses_a_paragraph_of_unclosed_brackets_quickly_and_clearly():
    error = refusal("[" * 60_000)
    assert error.limit == "markup"
    assert "“[” without its “]”" in error.message


def test_it_refuses_unclosed_brackets_followed_by_much_markup():
    # Each unclosed "[" rescans everything after it; the rescans are counted.
    assert refusal("[x " * 300 + "*a" * 5000).limit == "markup"


def test_it_refuses_nesting_deeper_than_the_limit_instead_of_dropping_text():
    assert refusal("> " * 30 + "deep").message == (
        "This text nests quotes and lists more than 8 deep; the limit is 8."
    )
    assert "deep" in render("> " * 8 + "deep")


def test_it_refuses_deeply_nested_lists():
    source = "\n".join("  " * level + "- item" for level in range(12))
    assert refusal(source).limit == "nesting"


def test_it_refuses_too_many_lines():
    assert refusal("a\n" * 30_000).message == "This text has 30,001 lines; the limit is 5,000."


def test_it_refuses_too_many_blocks():
    assert refusal("# h\n" * 4_500).limit == "blocks"


def test_it_counts_formulas_exactly():
    source = " ".join(f"$x_{{{i}}}$" for i in range(LIMITS.formulas + 1))
    assert refusal(source).message == "This text has 1,001 formulas; the limit is 1,000."


def test_it_refuses_too_much_tex_in_all():
    source = "\n\n".join("$" + "a" * 3000 + "$" for _ in range(3))
    assert refusal(source).message == (
        "This text's formulas add up to 9,000 characters of TeX; the limit is 8,000."
    )


def test_a_formula_too_long_to_convert_costs_nothing_and_shows_as_code():
    output = render("$" + "x+" * 6000 + "x$")
    assert '<span class="math-error" title="Could not read this formula: it is longer' in output
    assert '<code class="tex">' in output


def test_it_refuses_too_many_links():
    assert refusal("<a@b.org> " * 1_500).limit == "links"


def test_it_counts_citations_and_identifiers_as_links():
    cite = "\\cite{" + ",".join(f"k{i}" for i in range(200)) + "} "
    assert refusal(cite * 6).limit == "links"
    assert refusal("arXiv:1512.03385 " * 1_001).limit == "links"


def test_it_refuses_a_long_address_repeated_by_reference():
    source = "[r]: /" + "x" * 5_000 + "\n\n" + "[a][r] " * 100
    assert refusal(source).limit == "link_chars"


def test_it_refuses_text_over_the_total_work_budget(monkeypatch):
    monkeypatch.setattr(richtext, "LIMITS", Limits(work=2_000))
    error = refusal("# heading\n\n" * 30)
    assert error.limit == "work"
    assert error.message.startswith("This text is too much to render at once: ")
    assert "blocks" in error.message


def test_it_refuses_output_over_the_html_limit(monkeypatch):
    monkeypatch.setattr(richtext, "LIMITS", Limits(html_chars=1_000))
    with pytest.raises(RenderLimitExceeded, match="renders to"):
        render("word " * 400)


def test_the_error_is_a_validation_error_that_forms_and_the_api_understand():
    error = refusal("[" * 60_000)
    assert isinstance(error, ValidationError)
    assert error.messages == [error.message]
    assert error.code == "render_limit"


def test_non_strict_rendering_shows_text_over_a_limit_as_escaped_paragraphs():
    source = "<b>first</b>\n\n" + "[" * 60_000
    output = render(source, strict=False)
    assert output.startswith("<p>&lt;b&gt;first&lt;/b&gt;</p>\n<p>[[[")
    assert "<b>" not in output
    assert richtext.render_excerpt(source, strict=False).startswith("<p>&lt;b&gt;first")


def test_plain_text_never_raises_over_a_limit():
    assert plain_text("[" * 60_000, max_chars=20) == "[" * 19 + "…"


def test_check_lets_through_what_renders():
    source = "# Title\n\nSome *text* with $x^2$ and [a link](https://example.org)."
    check(source)
    assert "<math" in render(source)


def test_it_accepts_a_summary_length_of_real_summaries(shared_fixtures: Path):
    texts = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted((shared_fixtures / "summaries_md").glob("*.md"))
    ]
    source = ""
    while len(source) < SUMMARY_CHARS:
        source += "\n\n".join(texts)
    check(source[:SUMMARY_CHARS])
