"""Markdown + LaTeX math → safe HTML for paper summaries.

Pure functions, no Django: ``render`` for full pages, ``render_excerpt`` for
listings, ``plain_text`` for meta descriptions.

Math delimiters
    ``$…$`` and ``\\(…\\)`` are inline; ``$$…$$`` and ``\\[…\\]`` are display
    (also when they sit inside a paragraph); a fenced block with info string
    ``math`` is display math, as is a top-level amsmath environment
    (``\\begin{align}`` …) written without delimiters; ``$`…`$`` (GitLab
    style) is inline math.

    A ``$`` pair is not math when the opening ``$`` directly follows a letter
    or digit ("US$5"), when the closing ``$`` is directly followed by a digit
    ("costs $5 or $10"), or when the span starts with a digit and ends with a
    space ("$5 million and $x$"). Otherwise ``$x_1$`` and ``$ x $`` are math.
    ``\\$`` is a literal dollar. Math is tokenised before emphasis, so ``_``
    and ``*`` inside it survive.

Every formula becomes MathML (latex2mathml) carrying its TeX in an
``application/x-tex`` annotation; TeX that latex2mathml rejects, or that is
longer than ``MAX_TEX_CHARS``, is shown as ``<code class="tex">``. The final
HTML always goes through nh3 with an explicit allowlist, so whatever the
Markdown layer lets through, no script, event handler, style attribute or
foreign URL scheme survives.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

RENDERER_VERSION: int = 1

MAX_TEX_CHARS = 5000
EXTERNAL_REL = "nofollow ugc noopener"
ELLIPSIS = "…"

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_TEX_ENCODING = "application/x-tex"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

# A paragraph that crosses the excerpt budget is cut only if at least this
# much budget is left; otherwise a stub of a few words would look broken.
_MIN_PARTIAL_CHARS = 80


# --------------------------------------------------------------------------
# Source preprocessing
# --------------------------------------------------------------------------

_FRONT_MATTER_RE = re.compile(
    r"\A---[ \t]*\n(?P<body>(?:.*\n){0,60}?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)"
)
_YAML_LINE_RE = re.compile(r"^(?:[A-Za-z_][\w .-]*:(?:\s|$)|\s+\S|-\s|#)")


def _normalise_source(source: object) -> str:
    """Coerce to str, unify newlines and drop a leading YAML front matter block.

    Front matter (as in Jekyll posts) is only dropped when every non-blank
    line looks like ``key: value``, so a summary that merely opens with a
    horizontal rule keeps its text.
    """
    text = source if isinstance(source, str) else str(source or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    text = text.removeprefix("\ufeff")
    match = _FRONT_MATTER_RE.match(text)
    if match:
        lines = [line for line in match.group("body").split("\n") if line.strip()]
        if lines and all(_YAML_LINE_RE.match(line) for line in lines):
            text = text[match.end() :]
    return text


# --------------------------------------------------------------------------
# URL policy
# --------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"^([^/?#]*?):")
_STRIP_URL_CHARS_RE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _url_scheme(url: str) -> str | None:
    """The lower-cased scheme of ``url``, or None for a relative URL.

    Anything before the first ``/``, ``?`` or ``#`` that contains a colon is
    taken as a scheme, so odd spellings (``java%09script:``) count as a
    scheme too and are rejected rather than treated as relative paths.
    """
    cleaned = _STRIP_URL_CHARS_RE.sub("", html.unescape(url))
    match = _SCHEME_RE.match(cleaned)
    return match.group(1).lower() if match else None


def _is_allowed_link(url: str) -> bool:
    scheme = _url_scheme(url)
    return scheme is None or scheme in _LINK_SCHEMES


def _is_allowed_image(url: str) -> bool:
    return _url_scheme(url) in _IMAGE_SCHEMES


def _is_external(url: str) -> bool:
    return _url_scheme(url) is not None or url.startswith("//")


# --------------------------------------------------------------------------
# Math
# --------------------------------------------------------------------------


def _clean_tex(tex: str) -> str:
    """Trim whitespace and the backticks of GitLab's ``$`…`$`` form."""
    tex = tex.strip()
    if len(tex) >= 2 and tex.startswith("`") and tex.endswith("`"):
        tex = tex[1:-1].strip()
    return tex


def _with_annotation(mathml: str, tex: str) -> str:
    """Wrap the body of a ``<math>`` element in semantics + TeX annotation."""
    open_end = mathml.index(">") + 1
    close_start = mathml.rindex("</math>")
    body = mathml[open_end:close_start]
    annotation = (
        f'<annotation encoding="{_TEX_ENCODING}">{html.escape(tex, quote=False)}</annotation>'
    )
    return f"{mathml[:open_end]}<semantics><mrow>{body}</mrow>{annotation}</semantics></math>"


def _tex_fallback(tex: str, wrapper: str | None) -> str:
    code = f'<code class="tex">{html.escape(tex)}</code>'
    if wrapper is None:
        return code
    return f'<{wrapper} class="math-fallback">{code}</{wrapper}>'


@functools.lru_cache(maxsize=4096)
def _math_html(tex: str, display: bool, fallback_wrapper: str | None) -> str:
    """MathML for one formula, or a ``code.tex`` fallback; never raises."""
    tex = _clean_tex(tex)
    if not tex:
        return ""
    if len(tex) > MAX_TEX_CHARS:
        return _tex_fallback(tex, fallback_wrapper)
    try:
        mathml = latex_to_mathml(tex, display="block" if display else "inline")
        # latex2mathml copies \text{…} verbatim, so "<" or "&" there would
        # yield broken markup; only well-formed XML is trusted.
        etree.fromstring(mathml, _XML_PARSER)
        return _with_annotation(mathml, tex)
    except Exception:  # latex2mathml raises many types on malformed TeX
        return _tex_fallback(tex, fallback_wrapper)


def _render_math_inline(self, tokens, idx, options, env) -> str:
    return _math_html(tokens[idx].content, False, None)


def _render_math_inline_display(self, tokens, idx, options, env) -> str:
    # Display math written inside a paragraph: the fallback must stay
    # phrasing content, hence a span rather than a div.
    return _math_html(tokens[idx].content, True, "span")


def _render_math_block(self, tokens, idx, options, env) -> str:
    return _math_html(tokens[idx].content, True, "div") + "\n"


def _is_escaped(src: str, index: int) -> bool:
    """True when ``src[index]`` is preceded by an odd number of backslashes."""
    backslashes = 0
    while index - backslashes - 1 >= 0 and src[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _find_closer(state: StateInline | StateBlock, marker: str, start: int, stop: int) -> int:
    """Index of the first unescaped ``marker`` in src[start:stop], or -1.

    The last answer per marker is remembered on the parse's env, so a text
    full of unclosed openers is scanned once rather than once per opener.
    """
    src = state.src
    cache = state.env.setdefault("_precis_closers", {})
    key = (src, marker)
    cached = cache.get(key)
    if cached is not None:
        searched_from, found = cached
        if searched_from <= start and (found < 0 or found >= start):
            return found if found < stop else -1
    index = src.find(marker, start)
    while index >= 0 and _is_escaped(src, index):
        index = src.find(marker, index + 1)
    cache[key] = (start, index)
    return index if index < stop else -1


def _looks_like_money(content: str, following: str) -> bool:
    """Whether a ``$…$`` candidate is really two prices ("$5 or $10", "$5 and $x").

    The closing ``$`` then starts a number, or the span starts with a digit
    and ends in a space.
    """
    return following.isdigit() or (content[:1].isdigit() and content[-1:].isspace())


def _math_dollar_inline(state: StateInline, silent: bool) -> bool:
    """Inline rule for ``$…$`` (inline) and ``$$…$$`` (display inside a paragraph).

    An opening ``$`` glued to a preceding letter or digit ("US$5") is prose,
    and so is a single-dollar pair that looks like money (see
    ``_looks_like_money``). Escaped openers never reach this rule: the
    ``escape`` rule consumes ``\\$`` first.
    """
    src, pos, stop = state.src, state.pos, state.posMax
    if src[pos] != "$" or (pos > 0 and src[pos - 1].isalnum()):
        return False
    marker = "$$" if src.startswith("$$", pos) else "$"
    start = pos + len(marker)
    end = _find_closer(state, marker, start, stop)
    if end < 0 or not src[start:end].strip():
        return False
    after = end + len(marker)
    if marker == "$" and _looks_like_money(src[start:end], src[after : after + 1]):
        return False
    if not silent:
        token = state.push("math_inline_double" if marker == "$$" else "math_inline", "math", 0)
        token.content = src[start:end]
        token.markup = marker
    state.pos = after
    return True


_BRACKET_CLOSERS = {"(": "\\)", "[": "\\]"}


def _math_bracket_inline(state: StateInline, silent: bool) -> bool:
    """Inline rule for ``\\(…\\)`` (inline) and ``\\[…\\]`` (display)."""
    src, pos, stop = state.src, state.pos, state.posMax
    if src[pos] != "\\" or pos + 1 >= stop:
        return False
    closer = _BRACKET_CLOSERS.get(src[pos + 1])
    if closer is None:
        return False
    end = _find_closer(state, closer, pos + 2, stop)
    if end < 0 or not src[pos + 2 : end].strip():
        return False
    if not silent:
        kind = "math_inline" if closer == "\\)" else "math_inline_double"
        token = state.push(kind, "math", 0)
        token.content = src[pos + 2 : end]
        token.markup = src[pos : pos + 2]
    state.pos = end + 2
    return True


_ENVIRONMENT_RE = re.compile(
    r"\\begin\{((?:equation|multline|gather|align|alignat|flalign|eqnarray|"
    r"[pbBvV]?matrix)\*?)\}"
)


def _display_opener(line: str) -> tuple[str, int, bool] | None:
    """(closing marker, TeX start offset, keep markers) for a display-math line.

    ``$$`` and ``\\[`` delimit the TeX; a bare amsmath environment is itself
    the TeX, so its ``\\begin``/``\\end`` are kept.
    """
    if line.startswith("$$"):
        return "$$", 2, False
    if line.startswith("\\["):
        return "\\]", 2, False
    match = _ENVIRONMENT_RE.match(line)
    if match:
        return f"\\end{{{match.group(1)}}}", 0, True
    return None


def _display_math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule: ``$$``, ``\\[`` or ``\\begin{align}``… up to a closer ending a line.

    The closer must end its line (else the inline rules handle the text);
    blank lines inside are tolerated because notes often contain them.
    """
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    opener = _display_opener(state.src[begin : state.eMarks[start_line]])
    if opener is None:
        return False
    closer, tex_offset, keep_markers = opener
    close_at = _find_closer(state, closer, begin + max(tex_offset, 1), len(state.src))
    if close_at < 0:
        return False
    close_line = bisect.bisect_right(state.bMarks, close_at, 0, end_line) - 1
    line_end = state.eMarks[close_line]
    if close_line >= end_line or close_at + len(closer) > line_end:
        return False
    if state.src[close_at + len(closer) : line_end].strip():
        return False
    if silent:
        return True
    content_end = close_at + len(closer) if keep_markers else close_at
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = _block_source(state, start_line, close_line, begin + tex_offset, content_end)
    token.markup = closer
    token.map = [start_line, close_line + 1]
    state.line = close_line + 1
    return True


def _block_source(state: StateBlock, first: int, last: int, start: int, end: int) -> str:
    """Source of lines first..last between ``start`` and ``end``, minus container markers."""
    parts = []
    for line in range(first, last + 1):
        line_start = start if line == first else state.bMarks[line] + state.tShift[line]
        parts.append(state.src[line_start : min(state.eMarks[line], end)])
    return "\n".join(parts)


# --------------------------------------------------------------------------
# Citations and identifier autolinks
# --------------------------------------------------------------------------

_CITE_RE = re.compile(r"\\cite[pt]?\{([^{}\n]{1,1000})\}")
_CITE_KEY_RE = re.compile(r"^[^\s,{}\\]+$")

_IDENTIFIER_RE = re.compile(
    r"(?<![\w/.:-])(?:"
    r"(?P<arxiv>arXiv:(?P<arxiv_id>(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?))(?![\w/])"
    r"|(?P<doi>doi:(?P<doi_id>10\.\d{4,9}/[^\s\"<>]+))"
    r")",
    re.IGNORECASE,
)
_DOI_TRAILING = ".,;:!?'\""


def _push_link(
    state: StateInline | None, href: str, text: str, css_class: str | None
) -> list[Token]:
    """Tokens for ``<a href class>text</a>``; pushed onto ``state`` if given."""
    attrs = {"href": href}
    if css_class:
        attrs["class"] = css_class
    tokens = [
        Token("link_open", "a", 1, attrs=attrs),
        Token("text", "", 0, content=text),
        Token("link_close", "a", -1),
    ]
    if state is not None:
        for token in tokens:
            pushed = state.push(token.type, token.tag, token.nesting)
            pushed.attrs = dict(token.attrs)
            pushed.content = token.content
    return tokens


def _cite_inline(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``\\cite{a,b}`` → one ``a.cite`` link per key."""
    if state.src[state.pos] != "\\" or state.linkLevel > 0:
        return False
    match = _CITE_RE.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    keys = [key.strip() for key in match.group(1).split(",") if key.strip()]
    if not keys or not all(_CITE_KEY_RE.match(key) for key in keys):
        return False
    if not silent:
        label_for = state.env.get("cite_label") or (lambda _key: None)
        for number, key in enumerate(keys):
            if number:
                state.push("text", "", 0).content = ", "
            href = "/paper?bibtexKey=" + quote(key, safe="")
            _push_link(state, href, _cite_label(label_for, key), "cite")
    state.pos = match.end()
    return True


def _cite_label(label_for, key: str) -> str:
    """The resolver's label for a citation key (e.g. the paper's title), else the key."""
    try:
        label = label_for(key)
    except Exception:  # a failing lookup must not break rendering
        label = None
    return label.strip() if isinstance(label, str) and label.strip() else key


def _trim_doi(doi: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets at the end."""
    while doi:
        last = doi[-1]
        if (
            last in _DOI_TRAILING
            or (last == ")" and doi.count("(") < doi.count(")"))
            or (last == "]" and doi.count("[") < doi.count("]"))
        ):
            doi = doi[:-1]
        else:
            break
    return doi


def _identifier_tokens(text: str) -> list[Token] | None:
    """Split a text run into text and arXiv/DOI link tokens; None if no match."""
    out: list[Token] = []
    last = 0
    for match in _IDENTIFIER_RE.finditer(text):
        if match.group("arxiv"):
            start, end = match.span("arxiv")
            href = "/arxiv/" + quote(match.group("arxiv_id"), safe="/.")
        else:
            doi = _trim_doi(match.group("doi_id"))
            if "/" not in doi or doi.endswith("/"):
                continue
            start = match.start("doi")
            end = match.start("doi_id") + len(doi)
            href = "/doi/" + quote(doi, safe="/:;()._-")
        if start > last:
            out.append(Token("text", "", 0, content=text[last:start]))
        out.extend(_push_link(None, href, text[start:end], None))
        last = end
    if not out:
        return None
    if last < len(text):
        out.append(Token("text", "", 0, content=text[last:]))
    return out


def _link_identifiers(children: list[Token]) -> list[Token]:
    result: list[Token] = []
    depth = 0
    for token in children:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
        replacement = (
            _identifier_tokens(token.content) if token.type == "text" and depth == 0 else None
        )
        result.extend(replacement if replacement else [token])
    return result


def _identifier_core_rule(state: StateCore) -> None:
    """Core rule: bare ``arXiv:…`` and ``doi:…`` in prose become site links."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _link_identifiers(token.children)


# --------------------------------------------------------------------------
# Render rules for links, images, headings, tables, fences
# --------------------------------------------------------------------------


def _render_link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if _is_external(href):
        token.attrSet("rel", EXTERNAL_REL)
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if not _is_allowed_image(str(token.attrGet("src") or "")):
        return html.escape(self.renderInlineAsText(token.children or [], options, env))
    token.attrSet("loading", "lazy")
    token.attrSet("referrerpolicy", "no-referrer")
    return self.image(tokens, idx, options, env)


def _heading_tag(tag: str, env: dict) -> str:
    offset = env.get("heading_offset", 0)
    level = int(tag[1:]) + offset
    return f"h{max(1, min(6, level))}"


def _render_heading_open(self, tokens, idx, options, env) -> str:
    return f"<{_heading_tag(tokens[idx].tag, env)}>"


def _render_heading_close(self, tokens, idx, options, env) -> str:
    return f"</{_heading_tag(tokens[idx].tag, env)}>\n"


_ALIGN_RE = re.compile(r"text-align:\s*(left|right|center)")


def _render_table_cell_open(self, tokens, idx, options, env) -> str:
    """Turn markdown-it's ``style="text-align:…"`` into an ``align`` attribute."""
    token = tokens[idx]
    style = token.attrGet("style")
    if style is not None:
        token.attrs.pop("style", None)
        match = _ALIGN_RE.search(str(style))
        if match:
            token.attrSet("align", match.group(1))
    return self.renderToken(tokens, idx, options, env)


def _render_fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.info.strip().lower() == "math":
        return _math_html(token.content, True, "div") + "\n"
    return self.fence(tokens, idx, options, env)


def _validate_link(url: str) -> bool:
    return _is_allowed_link(url)


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.inline.ruler.before("escape", "math_dollar", _math_dollar_inline)
    md.inline.ruler.before("escape", "math_bracket", _math_bracket_inline)
    md.inline.ruler.before("escape", "cite", _cite_inline)
    md.block.ruler.before(
        "fence",
        "math_display",
        _display_math_block,
        {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]},
    )
    md.core.ruler.push("identifier_links", _identifier_core_rule)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    rules: dict[str, Callable] = {
        "math_inline": _render_math_inline,
        "math_inline_double": _render_math_inline_display,
        "math_block": _render_math_block,
        "link_open": _render_link_open,
        "image": _render_image,
        "heading_open": _render_heading_open,
        "heading_close": _render_heading_close,
        "th_open": _render_table_cell_open,
        "td_open": _render_table_cell_open,
        "fence": _render_fence,
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)
    return md


_MD = _build_markdown()


# --------------------------------------------------------------------------
# Sanitiser
# --------------------------------------------------------------------------

_PROSE_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "sup", "sub", "section", "div", "span",
}  # fmt: skip
_MATHML_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mlabeledtr", "mstyle", "mpadded", "mphantom", "menclose",
    "merror", "mmultiscripts", "mprescripts", "none",
}  # fmt: skip
_MATHML_ATTRS = {
    "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder", "columnalign",
    "rowalign", "rowspacing", "columnspacing", "columnlines", "rowlines", "frame",
    "linethickness", "lspace", "rspace", "width", "height", "depth", "minsize", "maxsize",
    "movablelimits", "largeop", "form", "symmetric", "scriptlevel", "displaystyle", "notation",
}  # fmt: skip

_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "class", "rel", "id"},
    "img": {"src", "alt", "title", "loading", "referrerpolicy"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start", "class"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "section": {"class"},
    "hr": {"class"},
    "sup": {"class"},
    "li": {"class", "id"},
    **{tag: set(_MATHML_ATTRS) for tag in _MATHML_TAGS},
}
_ATTRIBUTES["math"] |= {"display", "xmlns"}
_ATTRIBUTES["annotation"] = {"encoding"}

_ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"cite", "footnote-backref"}),
    "code": frozenset({"tex"}),
    "div": frozenset({"math-fallback"}),
    "span": frozenset({"math-fallback"}),
    "section": frozenset({"footnotes"}),
    "hr": frozenset({"footnotes-sep"}),
    "sup": frozenset({"footnote-ref"}),
    "li": frozenset({"footnote-item"}),
    "ol": frozenset({"footnotes-list"}),
}
_LANGUAGE_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$")
_DOC_ID_RE = re.compile(r"^[a-z0-9]{1,16}$")
_FOOTNOTE_ID_RE = re.compile(r"^fn(?:ref)?(?:-[a-z0-9]{1,16}-)?\d{1,6}(?::\d{1,6})?$")
# Spacing attributes stay below 100 units so \hspace{9999em} cannot wreck a page.
_MATH_LENGTH_RE = re.compile(
    r"^[+-]?(?:\d{1,2}(?:\.\d+)?|\.\d+)(?:em|ex|px|pt|mu|%)?$|^[a-z]*mathspace$"
)
_FIXED_VALUES: dict[str, frozenset[str]] = {
    "rel": frozenset({EXTERNAL_REL}),
    "loading": frozenset({"lazy"}),
    "referrerpolicy": frozenset({"no-referrer"}),
    "align": frozenset({"left", "right", "center"}),
    "display": frozenset({"block", "inline"}),
    "xmlns": frozenset({_MATHML_NS}),
    "encoding": frozenset({_TEX_ENCODING}),
}
_LENGTH_ATTRS = frozenset({"width", "height", "depth", "lspace", "rspace"})


def _filter_class(element: str, value: str) -> str | None:
    allowed = _ALLOWED_CLASSES.get(element, frozenset())
    kept = [
        name
        for name in value.split()
        if name in allowed or (element == "code" and _LANGUAGE_CLASS_RE.match(name))
    ]
    return " ".join(kept) or None


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """Value-level allowlist on top of nh3's name-level one."""
    if attribute == "class":
        return _filter_class(element, value)
    if attribute == "id":
        return value if _FOOTNOTE_ID_RE.match(value) else None
    if attribute in _FIXED_VALUES:
        return value if value in _FIXED_VALUES[attribute] else None
    if attribute in _LENGTH_ATTRS and element != "img":
        return value if _MATH_LENGTH_RE.match(value.strip()) else None
    if attribute == "start":
        return value if value.isdigit() and len(value) <= 9 else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_PROSE_TAGS | _MATHML_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel=None,
    url_schemes=set(_LINK_SCHEMES),
)


def _sanitise(fragment: str) -> str:
    return _CLEANER.clean(fragment)


def _escaped_fallback(source: str) -> str:
    return _sanitise(f"<p>{html.escape(source)}</p>")


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def _parse(source: str, env: dict) -> list[Token]:
    return _MD.parse(source, env)


def render(
    source: str,
    *,
    heading_offset: int = 2,
    cite_label: Callable[[str], str | None] | None = None,
    doc_id: str | None = None,
) -> str:
    """Render Markdown with math to sanitised HTML. Never raises.

    ``cite_label(key)`` may return the text for a ``\\cite{key}`` link (say, the
    paper's title); ``doc_id`` (short, ``[a-z0-9]``) keeps footnote ids unique
    when several rendered documents share a page.
    """
    text = _normalise_source(source)
    env: dict = {"heading_offset": int(heading_offset), "cite_label": cite_label}
    if doc_id and _DOC_ID_RE.match(doc_id):
        env["docId"] = doc_id
    try:
        tokens = _parse(text, env)
        return _sanitise(_MD.renderer.render(tokens, _MD.options, env))
    except Exception:  # a renderer for user input must degrade, not crash
        return _escaped_fallback(text)


def render_excerpt(
    source: str, *, max_chars: int = 500, cite_label: Callable[[str], str | None] | None = None
) -> str:
    """Render the leading blocks of ``source`` until about ``max_chars`` are used.

    Whole blocks are kept; a list is cut between items (recursively), and a
    paragraph is cut between words — never inside math or code — ending in
    "…". At least the first block is always shown. Headings become
    ``<p><strong>…</strong></p>``; footnote markers and the footnote list are
    left out.
    """
    text = _normalise_source(source)
    env: dict = {"heading_offset": 0, "cite_label": cite_label}
    try:
        tokens = _parse(text, env)
        lines = text.split("\n")
        selected = _select_blocks(
            tokens, _child_blocks(tokens, 0, len(tokens), 0), lines, max(int(max_chars), 0), True
        )
        selected = _headings_to_paragraphs(_without_footnote_refs(selected))
        return _sanitise(_MD.renderer.render(selected, _MD.options, env))
    except Exception:  # a renderer for user input must degrade, not crash
        return _escaped_fallback(_truncate_words(text, max(int(max_chars), 1)))


def plain_text(source: str, *, max_chars: int = 200) -> str:
    """A whitespace-collapsed plain-text snippet (math kept as TeX), cut at a word."""
    text = _normalise_source(source)
    try:
        pieces = _plain_pieces(_parse(text, {}))
    except Exception:  # degrade to the raw source rather than crash
        pieces = [text]
    collapsed = " ".join(" ".join(pieces).split())
    return _truncate_words(collapsed, max(int(max_chars), 1))


# --------------------------------------------------------------------------
# Excerpt helpers
# --------------------------------------------------------------------------

_CONTAINER_OPENERS = frozenset(
    {"bullet_list_open", "ordered_list_open", "list_item_open", "blockquote_open"}
)
_FOOTNOTE_BLOCK_TYPES = frozenset({"footnote_block_open"})


def _block_end(tokens: Sequence[Token], start: int) -> int:
    """Index one past the token closing the block opened at ``start``."""
    opener = tokens[start]
    if opener.nesting != 1:
        return start + 1
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index + 1
    return len(tokens)


def _child_blocks(
    tokens: Sequence[Token], start: int, stop: int, level: int
) -> list[tuple[int, int]]:
    """(start, end) ranges of the blocks at ``level`` within tokens[start:stop]."""
    blocks = []
    index = start
    while index < stop:
        token = tokens[index]
        end = _block_end(tokens, index)
        if token.level == level and token.nesting >= 0 and token.type not in _FOOTNOTE_BLOCK_TYPES:
            blocks.append((index, end))
        index = end
    return blocks


def _source_cost(token: Token, lines: Sequence[str]) -> int:
    if not token.map:
        return len(token.content)
    first, last = token.map
    return sum(len(line) + 1 for line in lines[first:last])


def _select_blocks(
    tokens: Sequence[Token],
    blocks: Iterable[tuple[int, int]],
    lines: Sequence[str],
    budget: int,
    force: bool,
) -> list[Token]:
    """Tokens of the leading blocks that fit ``budget``, cutting the one that crosses it.

    ``force`` means the first block must be shown even if it does not fit.
    """
    out: list[Token] = []
    for start, end in blocks:
        cost = _source_cost(tokens[start], lines)
        if cost <= budget:
            out.extend(tokens[start:end])
            budget -= cost
            continue
        out.extend(_partial_block(tokens, start, end, lines, budget, force and not out))
        break
    return out


def _partial_block(
    tokens: Sequence[Token], start: int, end: int, lines: Sequence[str], budget: int, force: bool
) -> list[Token]:
    opener = tokens[start]
    if opener.type == "paragraph_open" and (force or budget >= _MIN_PARTIAL_CHARS):
        inline = tokens[start + 1]
        cut = Token("inline", "", 0, children=_truncate_inline(inline.children or [], budget))
        cut.level = inline.level
        return [opener, cut, tokens[end - 1]]
    if opener.type in _CONTAINER_OPENERS:
        children = _child_blocks(tokens, start + 1, end - 1, opener.level + 1)
        inner = _select_blocks(tokens, children, lines, budget, force)
        return [opener, *inner, tokens[end - 1]] if inner else []
    return list(tokens[start:end]) if force else []


_ATOMIC_INLINE_COST = {"math_inline": 2, "math_inline_double": 4, "code_inline": 2}


def _inline_cost(token: Token) -> int:
    if token.type in _ATOMIC_INLINE_COST:
        return len(token.content) + _ATOMIC_INLINE_COST[token.type]
    if token.type in ("softbreak", "hardbreak"):
        return 1
    if token.type == "image":
        return len(token.content) + 5
    return len(token.content) if token.type == "text" else 0


def _cut_text(content: str, room: int, anything_kept: bool) -> str:
    """The longest word-boundary prefix of ``content`` within ``room`` chars.

    With nothing kept yet, an over-long first word is kept whole rather than
    cut in the middle.
    """
    head = content[: room + 1]
    boundary = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
    if boundary > 0:
        return head[:boundary].rstrip()
    if anything_kept:
        return ""
    return content.split(maxsplit=1)[0] if content.strip() else ""


def _closing_tokens(stack: Sequence[Token]) -> list[Token]:
    return [
        Token(opener.type.replace("_open", "_close"), opener.tag, -1) for opener in reversed(stack)
    ]


def _truncate_inline(children: Sequence[Token], budget: int) -> list[Token]:
    """Cut inline tokens after ``budget`` chars at a word, closing open markup, + "…"."""
    out: list[Token] = []
    stack: list[Token] = []
    used = 0
    for token in children:
        cost = _inline_cost(token)
        if used + cost > budget:
            if token.type == "text":
                kept = _cut_text(token.content, budget - used, bool(out))
                if kept:
                    out.append(Token("text", "", 0, content=kept))
            elif not out:
                out.append(token)  # an over-long leading formula is kept whole
            break
        out.append(token)
        used += cost
        if token.nesting == 1:
            stack.append(token)
        elif token.nesting == -1 and stack:
            stack.pop()
    else:
        return list(children)
    return [*out, *_closing_tokens(stack), Token("text", "", 0, content=ELLIPSIS)]


def _without_footnote_refs(tokens: Iterable[Token]) -> list[Token]:
    result = []
    for token in tokens:
        if token.type == "inline" and token.children:
            copy = Token(
                "inline", "", 0, children=[c for c in token.children if c.type != "footnote_ref"]
            )
            copy.level = token.level
            token = copy
        result.append(token)
    return result


def _headings_to_paragraphs(tokens: Iterable[Token]) -> list[Token]:
    result: list[Token] = []
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
            result.append(Token("paragraph_open", "p", 1, block=True))
        elif token.type == "heading_close":
            in_heading = False
            result.append(Token("paragraph_close", "p", -1, block=True))
        elif token.type == "inline" and in_heading:
            result.append(_bolded(token))
        else:
            result.append(token)
    return result


def _bolded(inline: Token) -> Token:
    children = [
        Token("strong_open", "strong", 1),
        *(inline.children or []),
        Token("strong_close", "strong", -1),
    ]
    copy = Token("inline", "", 0, children=children)
    copy.level = inline.level
    return copy


# --------------------------------------------------------------------------
# Plain-text helpers
# --------------------------------------------------------------------------

_PLAIN_INLINE_TYPES = frozenset({"text", "code_inline", "math_inline", "math_inline_double"})
_PLAIN_SKIPPED_BLOCKS = frozenset({"fence", "code_block", "footnote_block_open", "hr"})


def _plain_pieces(tokens: Sequence[Token]) -> list[str]:
    pieces: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "math_block" or (
            token.type == "fence" and token.info.strip().lower() == "math"
        ):
            pieces.append(_clean_tex(token.content))
        elif token.type == "inline":
            pieces.append(_plain_inline(token.children or []))
        elif token.type in _PLAIN_SKIPPED_BLOCKS:
            index = _block_end(tokens, index)
            continue
        index += 1
    return pieces


def _plain_inline(children: Sequence[Token]) -> str:
    parts = []
    for child in children:
        if child.type in _PLAIN_INLINE_TYPES:
            parts.append(
                _clean_tex(child.content) if child.type.startswith("math") else child.content
            )
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _truncate_words(text: str, max_chars: int) -> str:
    """``text`` if short enough, else a word-boundary prefix plus "…" within ``max_chars``."""
    if len(text) <= max_chars:
        return text
    room = max_chars - len(ELLIPSIS)
    head = text[: room + 1]
    boundary = head.rfind(" ")
    cut = head[:boundary] if boundary > 0 else text[:room]
    return cut.rstrip(" ,;:.-") + ELLIPSIS
