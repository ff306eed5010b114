"""What the summary editor shows besides the text box: the preview, headed by a word
about each formula that will not show as written."""

from django.utils.html import format_html, format_html_join

from precis.lib import richtext

from .models import render_summary


def preview(source: str) -> str:
    """The editor's preview of ``source``: the saved page's own rendering (cite titles
    included) after a note on formulas that failed to convert, or, in place of both,
    why the text cannot be rendered at all."""
    try:
        rendered = render_summary(source)
    except richtext.RenderLimitExceeded as exc:
        return format_html('<p class="error-text" role="alert">{}</p>', exc.message)
    return formula_note(richtext.formula_problems(source)) + rendered


def formula_note(problems: list[str]) -> str:
    """A box listing ``problems`` (sentences from ``richtext.formula_problems``), or ""."""
    if not problems:
        return ""
    return format_html(
        '<div class="formula-problems" data-formula-problems>'
        "<p><strong>{}</strong> The preview below marks where. Look for a missing brace or "
        "<code>$</code>, or a command the converter does not know.</p>"
        "<ul>{}</ul></div>",
        "This formula will not show as written:"
        if len(problems) == 1
        else "These formulas will not show as written:",
        format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
    )
