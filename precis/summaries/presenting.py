"""How one viewer may see one summary: the rule every reference to a summary goes through.

Pages, the API, collections and exports all name summaries that belong to
other people. Each of them asks ``as_seen_by`` instead of reading
``visibility``, ``anonymous`` or ``author`` itself, so that the privacy and
anonymity rules live in one place (the row-level rules are on ``Summary``; the
QuerySet twins are ``listed_for`` and ``viewable_by``).
"""

from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from .models import Summary


@dataclass(frozen=True)
class SeenSummary:
    summary: Summary
    viewable: bool  # may be opened by permalink
    findable: bool  # could be found on a listing, so it may be linked from shared pages
    author: object | None  # the writer, or None while anonymous (or hidden) to this viewer

    @property
    def author_username(self) -> str | None:
        return self.author.username if self.author is not None else None


def as_seen_by(summary: Summary, viewer) -> SeenSummary:
    """What ``viewer`` may know of ``summary``; nothing about a summary they cannot open."""
    viewable = summary.is_viewable_by(viewer)
    return SeenSummary(
        summary=summary,
        viewable=viewable,
        findable=viewable and summary.is_listed_for(viewer),
        author=summary.author_shown_to(viewer) if viewable else None,
    )


# A paragraph shorter than this (a bold "Summary." left from a heading) says too
# little to open a jump list entry with.
_LEAD_MIN_CHARS = 25


def lead_html(excerpt_html: str) -> str:
    """The summary's first real paragraph, from its stored excerpt, without links: a
    one-line teaser that may sit inside a list of links (math stays MathML)."""
    if not excerpt_html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(excerpt_html, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing lxml can read: no teaser
        return ""
    paragraphs = root.findall("p")
    if not paragraphs:
        return ""
    chosen = next(
        (p for p in paragraphs if len(p.text_content().strip()) >= _LEAD_MIN_CHARS),
        paragraphs[0],
    )
    for link in list(chosen.iter("a")):
        link.drop_tag()
    chosen.tag = "span"
    chosen.attrib.clear()
    return lxml_html.tostring(chosen, encoding="unicode", with_tail=False)
