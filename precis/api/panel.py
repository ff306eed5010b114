"""The excerpt the browser extension shows in its panel: short, and in a small subset of HTML.

The extension puts it into other people's pages (arXiv, OpenReview, publishers), so
it gets less than the site's own excerpt: prose and MathML only, no links, images,
tables, code blocks, classes or ids, and it is short. The extension rebuilds it
element by element against the same allowlist (extension/panel.js); it never
assigns it as HTML, so this is the first of two locks, not the only one.
"""

import html
import re

import nh3
from lxml import etree
from lxml import html as lxml_html

# Text (not markup) to aim for: whole top-level blocks are kept until this many
# characters are shown; the first block always is.
PANEL_EXCERPT_CHARS = 320
# Markup to allow at most: MathML is verbose (a fraction with its TeX is ~400
# bytes), so a formula-heavy first paragraph can be long; past this it is shown as
# plain text with its formulas as TeX.
PANEL_EXCERPT_MAX_HTML = 8000

PROSE_TAGS = frozenset(
    {"p", "br", "em", "strong", "code", "sub", "sup", "del", "s", "ul", "ol", "li", "blockquote"}
)
MATHML_TAGS = frozenset({
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mlabeledtr", "mstyle", "mpadded", "mphantom", "menclose",
    "merror", "mmultiscripts", "mprescripts", "none",
})  # fmt: skip
MATHML_ATTRIBUTES = frozenset({
    "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder", "columnalign",
    "rowalign", "rowspacing", "columnspacing", "linethickness", "lspace", "rspace", "width",
    "height", "depth", "minsize", "maxsize", "movablelimits", "largeop", "form", "symmetric",
    "scriptlevel", "displaystyle", "notation",
})  # fmt: skip
# Short, plain values only: no url(), no expressions, nothing a stylesheet could read.
_VALUE_RE = re.compile(r"^[A-Za-z0-9 .%+-]{0,40}$")
_FIXED = {
    ("math", "display"): {"block", "inline"},
    ("annotation", "encoding"): {"application/x-tex"},
}

_ATTRIBUTES = {tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS}
_ATTRIBUTES["math"].add("display")
_ATTRIBUTES["annotation"] = {"encoding"}


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    fixed = _FIXED.get((element, attribute))
    if fixed is not None:
        return value if value in fixed else None
    return value if _VALUE_RE.match(value) else None


_CLEANER = nh3.Cleaner(
    tags=set(PROSE_TAGS | MATHML_TAGS),
    # Dropped with what they hold: a table or code block cut into a line of text
    # reads as noise, and a picture has no place in a panel.
    clean_content_tags={"script", "style", "table", "pre", "img", "figure", "section"},
    attributes=_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel=None,
    url_schemes=set(),
)


def panel_excerpt(excerpt_html: str) -> str:
    """``excerpt_html`` (a summary's stored excerpt) cut to about PANEL_EXCERPT_CHARS
    characters of text in whole blocks, in the panel's subset of HTML. Never raises."""
    cleaned = _CLEANER.clean(excerpt_html or "").strip()
    if not cleaned:
        return ""
    try:
        root = lxml_html.fragment_fromstring(cleaned, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    kept: list[str] = []
    text_chars = html_chars = 0
    if root.text and root.text.strip():  # loose text before the first block
        root.insert(0, _paragraph(root.text))
        root.text = None
    for block in root:
        markup = lxml_html.tostring(block, encoding="unicode", with_tail=False)
        if kept and (
            text_chars >= PANEL_EXCERPT_CHARS or html_chars + len(markup) > PANEL_EXCERPT_MAX_HTML
        ):
            break
        if not kept and len(markup) > PANEL_EXCERPT_MAX_HTML:
            markup = f"<p>{html.escape(_truncate(_text_with_tex(block), PANEL_EXCERPT_CHARS))}</p>"
        kept.append(markup)
        text_chars += len(_text_with_tex(block))
        html_chars += len(markup)
    # Once more through the cleaner: what lxml wrote back is held to the same subset.
    return _CLEANER.clean("".join(kept))


def _paragraph(text: str):
    paragraph = etree.Element("p")
    paragraph.text = text
    return paragraph


def _text_with_tex(element) -> str:
    """The block's text as a reader would copy it: each formula as its TeX."""
    parts: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "math":
            tex = node.find(".//annotation")
            parts.append(f"${tex.text or ''}$" if tex is not None else node.text_content())
        else:
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0]
    return cut + "…"
