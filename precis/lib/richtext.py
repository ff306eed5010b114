"""Markdown + LaTeX math → safe HTML for paper summaries.

Pure functions: ``render`` for full pages, ``render_excerpt`` for listings,
``plain_text`` for meta descriptions, ``check`` for validators. The only
Django in here is the error: ``RenderLimitExceeded`` is a ``ValidationError``.

Budget
    Every text is held to ``LIMITS`` (nesting, lines and blocks, inline
    markup, tables, links, formulas, output size), counted while it is
    parsed, so no text within the limits takes long to render
    (``bench/render_bench.py`` measures the worst cases). ``render``,
    ``render_excerpt`` and ``check`` raise ``RenderLimitExceeded``, with a
    message for the writer, and nothing else; ``render(strict=False)``
    shows such text as escaped paragraphs instead (for rows stored before a
    limit existed), and ``plain_text`` never raises.

Math delimiters
    ``$…$`` and ``\\(…\\)`` are inline; so is ``$$…$$`` inside a sentence
    (kramdown writes inline math that way). ``$$…$$`` on its own line(s),
    ``\\[…\\]`` anywhere, a fenced block with info string ``math`` and a
    top-level amsmath environment (``\\begin{align}`` …) written without
    delimiters are display math; ``$`…`$`` (GitLab style) is inline math.

    A ``$`` pair is not math when the opening ``$`` directly follows a
    letter or digit ("US$5"), when the closing ``$`` is directly followed by
    a digit ("costs $5 or $10"), or when the span starts with a digit and
    ends with a space ("$5 million and $x$"). Wide (CJK) characters are not
    letters for this rule: they do not put spaces around formulas, so
    ``矩阵$Q^T$使得`` is math. Otherwise ``$x_1$`` and ``$ x $`` are math.
    ``\\$`` is a literal dollar. Math is tokenised before emphasis, so ``_``
    and ``*`` inside it survive.

Every formula becomes MathML (``precis.lib.mathml``) carrying its TeX in an
``application/x-tex`` annotation; display math sits in a ``div.math-display``
box that scrolls sideways. TeX that cannot be read, or that is longer than
``MAX_TEX_CHARS``, is shown as ``<code class="tex">`` inside a
``.math-error`` whose title says why; ``formula_problems`` lists the same
for the editor. ``@name`` links to a profile when the caller's
``mention_links`` knows the person. External
images point at the site's own image proxy (``precis.lib.imageproxy``), so readers'
addresses never reach the image's host. Control and bidi-override characters
are dropped from the source and the output (``precis.lib.text.clean_text``).
The final HTML always goes through nh3 with an explicit allowlist, so
whatever the Markdown layer lets through, no script, event handler, style
attribute or foreign URL scheme survives.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import nh3
from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from precis.lib import imageproxy, mathml
from precis.lib.text import clean_text

# 2: the render budget, CJK-adjacent and inline $$ math, control characters
# dropped, external images through the image proxy.
# 3: math through precis.lib.mathml (operator spacing, limits, stretchy fences,
# display math in a scrolling box, unreadable formulas marked), headings that
# keep the page's outline, @mentions linked; excerpts that end on a whole
# thought (a sentence or the formula a colon introduces).
RENDERER_VERSION: int = 3

MAX_TEX_CHARS = mathml.MAX_TEX_CHARS
EXTERNAL_REL = "nofollow ugc noopener"
ELLIPSIS = "…"

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
_MATHML_NS = mathml.MATHML_NS
_TEX_ENCODING = mathml.TEX_ENCODING

# A paragraph that crosses the excerpt budget is cut only if at least this
# much budget is left; otherwise a stub of a few words would look broken.
_MIN_PARTIAL_CHARS = 80


# --------------------------------------------------------------------------
# The render budget
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much of each costly thing one text may hold.

    Each bound keeps one part of the work small, and ``work`` keeps them
    small together, so that any text within the limits renders in a few
    hundred milliseconds (``bench/render_bench.py`` finds the worst cases).
    Real summaries use a small part of each: 60,000 characters of the shared
    real ones have about 780 lines, 1,300 blocks, 1,900 markup steps and 40
    links. The most formula-heavy of them, repeated to 60,000 characters, has
    626 formulas with 6,000 characters of TeX and is just over ``work``; at
    50,000 characters it passes.
    """

    lines: int = 5_000
    nesting: int = 8  # quotes and lists inside one another
    blocks: int = 4_000  # paragraphs, headings, list items, table rows, ... at any depth
    markup: int = 10_000  # inline parser steps: runs of text and marks such as * _ [ ` $ < &
    table_rows: int = 1_000  # body rows of one table
    table_columns: int = 64
    table_cells: int = 4_000  # of all tables together
    links: int = 1_000  # links, images, footnote references and citations together
    link_chars: int = 200_000  # characters of all link and image addresses together
    formulas: int = 1_000
    tex_chars: int = 8_000  # characters of all formulas together
    html_chars: int = 2_000_000  # of the rendered HTML
    work: int = 400_000  # all of the above together, weighted by _WORK_PER_UNIT


LIMITS = Limits()

# What one unit of each counted thing costs to render, in microseconds of CPU
# time, for the slowest kind of it (bench/render_bench.py): a heading for a
# block, "**" for markup, an autolink for a link, a cell of a wide table, a
# one-letter formula, \mathbb{…} for TeX. The sum estimates a text's render
# time from above.
_WORK_PER_UNIT = {
    "blocks": 50,
    "markup": 20,
    "links": 130,
    "table_cells": 35,
    "formulas": 250,
    "tex_chars": 30,
}
_WORK_NAMES = {
    "blocks": "blocks",
    "markup": "pieces of inline markup",
    "links": "links",
    "table_cells": "table cells",
    "formulas": "formulas",
    "tex_chars": "characters of TeX",
}

_LIMIT_MESSAGES = {
    "lines": "This text has {count:,} lines; the limit is {allowed:,}.",
    "nesting": "This text nests quotes and lists more than {allowed:,} deep; "
    "the limit is {allowed:,}.",
    "blocks": "This text has more than {allowed:,} blocks (paragraphs, headings, list "
    "items and the like); the limit is {allowed:,}. Please shorten it or split it.",
    "markup": "This text has more than {allowed:,} pieces of inline markup (runs of text "
    "and marks such as * _ ` $ < & [ ]; a “[” without its “]” makes every mark after "
    "it count again); the limit is {allowed:,}. Please simplify it, or write \\[ for a "
    "literal bracket.",
    "table_rows": "This text has a table of {count:,} rows; the limit is {allowed:,}.",
    "table_columns": "This text has a table of {count:,} columns; the limit is {allowed:,}.",
    "table_cells": "This text's tables have more than {allowed:,} cells together; "
    "the limit is {allowed:,}.",
    "links": "This text has more than {allowed:,} links, images, footnote references and "
    "citations; the limit is {allowed:,}.",
    "link_chars": "This text's link and image addresses add up to {count:,} characters; "
    "the limit is {allowed:,}.",
    "formulas": "This text has {count:,} formulas; the limit is {allowed:,}.",
    "tex_chars": "This text's formulas add up to {count:,} characters of TeX; "
    "the limit is {allowed:,}.",
    "html_chars": "This text renders to {count:,} characters of HTML; the limit is {allowed:,}.",
    "work": "This text is too much to render at once: {detail}. Please shorten it or split it.",
}


class RenderLimitExceeded(ValidationError):
    """The text holds more of something than ``LIMITS`` allows.

    The message tells the writer what and how much; ``limit`` names the
    ``Limits`` field. Being a ValidationError, forms show it beside the
    field, and views and the API answer it like any other invalid input.
    """

    def __init__(self, limit: str, *, count: int, allowed: int, detail: str = ""):
        message = _LIMIT_MESSAGES[limit].format(count=count, allowed=allowed, detail=detail)
        super().__init__(message, code="render_limit")
        self.limit = limit
        self.count = count
        self.allowed = allowed
        self.detail = detail


_BUDGET_KEY = "_precis_budget"


class _Budget:
    """What one text has spent so far; lives in the parser's env for one parse.

    Every ``spend`` checks its own limit and the total ``work``, so a text is
    refused as soon as it is over, before the rest of it costs anything.
    """

    __slots__ = (
        "blocks",
        "depth",
        "formulas",
        "limits",
        "links",
        "markup",
        "table_cells",
        "tex_chars",
        "work",
    )

    def __init__(self, limits: Limits):
        self.limits = limits
        self.blocks = self.markup = self.links = self.table_cells = 0
        self.formulas = self.tex_chars = self.work = self.depth = 0

    def spend(self, kind: str, amount: int = 1) -> None:
        count = getattr(self, kind) + amount
        setattr(self, kind, count)
        self.work += amount * _WORK_PER_UNIT[kind]
        allowed = getattr(self.limits, kind)
        if count > allowed:
            raise RenderLimitExceeded(kind, count=count, allowed=allowed)
        if self.work > self.limits.work:
            detail = ", ".join(
                f"{getattr(self, name):,} {label}"
                for name, label in _WORK_NAMES.items()
                if getattr(self, name)
            )
            raise RenderLimitExceeded(
                "work", count=self.work, allowed=self.limits.work, detail=detail
            )


def _budget(env: dict) -> _Budget:
    budget = env.get(_BUDGET_KEY)
    if budget is None:
        budget = env[_BUDGET_KEY] = _Budget(LIMITS)
    return budget


def _count_block_step(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """First block rule: counts a step wherever a block may start, at any depth.

    It is also where nesting is checked, since every nested block passes here.
    (Lines that continue a paragraph are no steps here: their line breaks
    are counted as inline markup.)
    """
    budget = _budget(state.env)
    if budget.depth > budget.limits.nesting:
        raise RenderLimitExceeded("nesting", count=budget.depth, allowed=budget.limits.nesting)
    # The first block of a list item also pays for the item, which costs as much again.
    opens_item = bool(state.tokens) and state.tokens[-1].type == "list_item_open"
    budget.spend("blocks", 2 if opens_item else 1)
    return False


def _count_inline_step(state: StateInline, silent: bool) -> bool:
    """First inline rule: counts every position the inline parser tries its rules at."""
    _budget(state.env).spend("markup")
    return False


def _skip_token_counted(skip_token: Callable[[StateInline], None]) -> Callable:
    """markdown-it's ``skipToken``, which link label scans call once per token they pass.

    An unclosed ``[`` scans to the end of its paragraph, so a paragraph of
    them costs (brackets x tokens) steps; counting each step bounds that.
    """

    def counted(state: StateInline) -> None:
        _budget(state.env).spend("markup")
        skip_token(state)

    return counted


def _nesting_counted(rule: Callable) -> Callable:
    """A container block rule (quote, list) that counts how deep its content sits."""

    @functools.wraps(rule)
    def counted(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if silent:
            return rule(state, start_line, end_line, silent)
        budget = _budget(state.env)
        budget.depth += 1
        try:
            return rule(state, start_line, end_line, silent)
        finally:
            budget.depth -= 1

    return counted


def _links_counted(rule: Callable) -> Callable:
    """An inline rule whose every match is one link, image or footnote reference."""

    @functools.wraps(rule)
    def counted(state: StateInline, silent: bool) -> bool:
        matched = rule(state, silent)
        if matched and not silent:
            _budget(state.env).spend("links")
        return matched

    return counted


def _table_limited(rule: Callable) -> Callable:
    """The table rule, held to the row, column and cell limits before it does the work."""

    @functools.wraps(rule)
    def limited(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if silent:
            return rule(state, start_line, end_line, silent)
        if not rule(state, start_line, end_line, True):
            return False
        budget = _budget(state.env)
        limits = budget.limits
        # The delimiter row (|:-|-:|) holds only dashes, colons, spaces and
        # pipes, so its pipes count the columns exactly.
        delimiter = state.src[state.bMarks[start_line + 1] : state.eMarks[start_line + 1]]
        columns = delimiter.strip().strip("|").count("|") + 1
        if columns > limits.table_columns:
            raise RenderLimitExceeded("table_columns", count=columns, allowed=limits.table_columns)
        # Parse at most one row more than may be kept, so a huge table costs nothing.
        rows_allowed = min(limits.table_rows, (limits.table_cells - budget.table_cells) // columns)
        first = len(state.tokens)
        stop = min(end_line, start_line + 2 + rows_allowed + 1)
        if not rule(state, start_line, stop, silent):
            return False
        rows = sum(1 for token in state.tokens[first:] if token.type == "tr_open") - 1
        if rows > limits.table_rows:
            total = rows + _following_lines(state, state.line, end_line)
            raise RenderLimitExceeded("table_rows", count=total, allowed=limits.table_rows)
        budget.spend("table_cells", (rows + 1) * columns)
        # A row costs about what two paragraphs do (its row and cell tokens).
        budget.spend("blocks", 2 * (rows + 1))
        return True

    return limited


def _following_lines(state: StateBlock, line: int, end_line: int) -> int:
    """How many non-blank lines follow ``line`` (the rest of an over-long table)."""
    count = 0
    while line + count < end_line and not state.isEmpty(line + count):
        count += 1
    return count


def _check_lines(text: str, limits: Limits) -> None:
    """Checked before parsing: a paragraph takes in all its lines before anything is counted."""
    lines = text.count("\n") + 1
    if lines <= limits.lines:
        return
    # Most texts this long are one pasted table; saying so is more helpful.
    rows = max((run.group().count("\n") for run in _TABLE_RUN_RE.finditer(text)), default=0)
    if rows > limits.table_rows:
        raise RenderLimitExceeded("table_rows", count=rows - 2, allowed=limits.table_rows)
    raise RenderLimitExceeded("lines", count=lines, allowed=limits.lines)


# A run of lines that start with "|": the rows of a table, header and delimiter included.
_TABLE_RUN_RE = re.compile(r"(?:^[ \t>]*\|.*(?:\n|\Z))+", re.M)


_MATH_TOKEN_TYPES = frozenset({"math_inline", "math_inline_double", "math_block"})


def _check_tokens(tokens: Sequence[Token], budget: _Budget) -> None:
    """The limits counted on the parsed text: formulas, TeX and link addresses."""
    formulas = tex_chars = link_chars = 0
    stack = [tokens]
    while stack:
        for token in stack.pop():
            if token.type in _MATH_TOKEN_TYPES or (
                token.type == "fence" and token.info.strip().lower() == "math"
            ):
                formulas += 1
                tex = _clean_tex(token.content)
                if len(tex) <= MAX_TEX_CHARS:  # longer TeX is shown as code, converting nothing
                    tex_chars += len(tex)
            elif token.type in ("link_open", "image"):
                link_chars += len(str(token.attrGet("href") or token.attrGet("src") or ""))
            if token.children:
                stack.append(token.children)
    if link_chars > budget.limits.link_chars:
        raise RenderLimitExceeded("link_chars", count=link_chars, allowed=budget.limits.link_chars)
    # Counted whole, so the message gives the exact numbers.
    budget.spend("formulas", formulas)
    budget.spend("tex_chars", tex_chars)


# --------------------------------------------------------------------------
# Source preprocessing
# --------------------------------------------------------------------------

_FRONT_MATTER_RE = re.compile(
    r"\A---[ \t]*\n(?P<body>(?:.*\n){0,60}?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)"
)
_YAML_LINE_RE = re.compile(r"^(?:[A-Za-z_][\w .-]*:(?:\s|$)|\s+\S|-\s|#)")


def _normalise_source(source: object) -> str:
    """Coerce to str, unify newlines, drop unsafe characters and a leading YAML front matter block.

    Front matter (as in Jekyll posts) is only dropped when every non-blank
    line looks like ``key: value``, so a summary that merely opens with a
    horizontal rule keeps its text.
    """
    text = source if isinstance(source, str) else str(source or "")
    text = clean_text(text)
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


# Display math scrolls sideways inside its own box; a box that may scroll must be
# reachable by keyboard and named (site.js takes the ones that fit out of the tab order).
_DISPLAY_BOX_ATTRS = 'class="math-display" role="group" tabindex="0" aria-label="Formula"'
UNREADABLE_FORMULA = "Could not read this formula: "
# An inline formula with more visible characters than this may be wider than a phone's
# column (about 40 characters of math fit in 358 px).
_WIDE_INLINE_CHARS = 32


@functools.lru_cache(maxsize=4096)
def _math_html(tex: str, display: bool, wrapper: str | None) -> str:
    """MathML for one formula, or the TeX marked as an error; never raises.

    ``wrapper`` is the element that holds display math: ``div`` for a block,
    ``span`` for ``\\[…\\]`` inside a paragraph, None for inline math.
    """
    tex = _clean_tex(tex)
    if not tex:
        return ""
    formula = mathml.convert(tex, display=display)
    if formula.mathml is None:
        element = wrapper or "span"
        title = html.escape(UNREADABLE_FORMULA + (formula.problem or ""))
        return (
            f'<{element} class="math-error" title="{title}">'
            f'<code class="tex">{html.escape(tex)}</code></{element}>'
        )
    if wrapper is None:
        if formula.text_chars > _WIDE_INLINE_CHARS:
            # Likely to scroll in a phone's column: reachable by keyboard without site.js.
            return formula.mathml.replace("<math ", '<math tabindex="0" ', 1)
        return formula.mathml
    return f"<{wrapper} {_DISPLAY_BOX_ATTRS}>{formula.mathml}</{wrapper}>"


def _render_math_inline(self, tokens, idx, options, env) -> str:
    return _math_html(tokens[idx].content, False, None)


def _render_math_inline_display(self, tokens, idx, options, env) -> str:
    # \[…\] written inside a paragraph: the fallback must stay phrasing
    # content, hence a span rather than a div.
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


def _is_word_char(char: str) -> bool:
    """A letter or digit that glues a ``$`` to a word ("US$5"); wide (CJK) characters
    are not, since those scripts write formulas without spaces around them."""
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def _math_dollar_inline(state: StateInline, silent: bool) -> bool:
    """Inline rule for ``$…$`` and, inside a sentence, ``$$…$$``: both inline math.

    An opening ``$`` glued to a preceding letter or digit ("US$5") is prose,
    and so is a single-dollar pair that looks like money (see
    ``_looks_like_money``). Escaped openers never reach this rule: the
    ``escape`` rule consumes ``\\$`` first. ``$$`` on lines of its own is
    display math, found earlier by the block rule.
    """
    src, pos, stop = state.src, state.pos, state.posMax
    if src[pos] != "$" or (pos > 0 and _is_word_char(src[pos - 1])):
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
        token = state.push("math_inline", "math", 0)
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
        _budget(state.env).spend("links", len(keys))
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


def _link_identifiers(children: list[Token], budget: _Budget) -> list[Token]:
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
        if replacement:
            budget.spend("links", sum(1 for new in replacement if new.type == "link_open"))
        result.extend(replacement if replacement else [token])
    return result


def _identifier_core_rule(state: StateCore) -> None:
    """Core rule: bare ``arXiv:…`` and ``doi:…`` in prose become site links."""
    budget = _budget(state.env)
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _link_identifiers(token.children, budget)


# --------------------------------------------------------------------------
# @mentions
# --------------------------------------------------------------------------

# "@name" not glued to a word, an address ("x@host") or a path ("/@name"); the
# notifications for mentions read the same handles (``mentioned_usernames``).
MENTION_RE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_.+-]{1,150})")
_MENTION_GLUE_RE = re.compile(r"[\w@./]")
# More mentions than this in one text stay plain text (and only this many
# distinct names are looked up): enough for any real text, cheap for any spam.
MAX_MENTION_LINKS = 200
_MENTIONS_KEY = "_precis_mentions"


def _mention_matches(children: Sequence[Token]) -> Iterable[tuple[int, int, int, str]]:
    """(child index, start, end, handle) of each mention in prose text, in order.

    Code spans, math, links and autolinks are other tokens, so never looked in;
    a sentence's full stop is not part of the handle.
    """
    depth = 0
    for index, token in enumerate(children):
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
        elif token.type == "text" and depth == 0 and "@" in token.content:
            previous = children[index - 1] if index else None
            glued = (
                previous is not None
                and previous.type in ("text", "text_special")
                and bool(_MENTION_GLUE_RE.match(previous.content[-1:]))
            )
            for match in MENTION_RE.finditer(token.content):
                if match.start() == 0 and glued:
                    continue
                handle = match.group(1).rstrip(".")
                if handle:
                    yield index, match.start(), match.start() + 1 + len(handle), handle


def _mention_core_rule(state: StateCore) -> None:
    """Core rule: ``@name`` links to that person's profile, when they exist.

    The caller's ``env["mention_links"]`` gets the distinct handles once and
    answers ``{handle: profile URL}`` for those that are people; without it,
    nothing is linked. Every handle seen is kept in the env for
    ``mentioned_usernames``.
    """
    found: list[tuple[Token, list[tuple[int, int, int, str]]]] = []
    handles: dict[str, None] = {}
    for token in state.tokens:
        if token.type == "inline" and token.children:
            matches = list(_mention_matches(token.children))
            if matches:
                found.append((token, matches))
                handles.update((match[3], None) for match in matches)
    state.env[_MENTIONS_KEY] = list(handles)
    resolve = state.env.get("mention_links")
    if not found or resolve is None:
        return
    try:
        links = dict(resolve(list(handles)[:MAX_MENTION_LINKS]) or {})
    except Exception:  # a failing lookup must not break rendering
        return
    links = {
        handle: url for handle, url in links.items() if isinstance(url, str) and url.startswith("/")
    }
    budget = MAX_MENTION_LINKS
    for token, matches in found:
        if budget <= 0:
            break
        budget = _link_mentions(token, matches, links, budget)


def _link_mentions(
    inline: Token, matches: list[tuple[int, int, int, str]], links: dict[str, str], budget: int
) -> int:
    """Split the text children of ``inline`` around linked mentions; returns the budget left."""
    by_child: dict[int, list[tuple[int, int, str]]] = {}
    for index, start, end, handle in matches:
        if handle in links:
            by_child.setdefault(index, []).append((start, end, handle))
    children: list[Token] = []
    for index, child in enumerate(inline.children or []):
        spans = by_child.get(index)
        if not spans or budget <= 0:
            children.append(child)
            continue
        last = 0
        for start, end, handle in spans:
            if budget <= 0:
                break
            if start > last:
                children.append(Token("text", "", 0, content=child.content[last:start]))
            children.extend(_push_link(None, links[handle], child.content[start:end], "mention"))
            budget -= 1
            last = end
        if last < len(child.content):
            children.append(Token("text", "", 0, content=child.content[last:]))
    inline.children = children
    return budget


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
    src = str(token.attrGet("src") or "")
    # Figures uploaded to this site (precis.media) are served by it as they are.
    own_figure = re.fullmatch(r"/figures/[0-9a-f]{64}\.(?:png|jpg|webp|svg)", src) is not None
    if not own_figure and (not _is_allowed_image(src) or len(src) > imageproxy.MAX_URL_CHARS):
        return html.escape(self.renderInlineAsText(token.children or [], options, env))
    if not own_figure:  # readers' browsers fetch the image from us, never from its host
        token.attrSet("src", imageproxy.path_for(src))
    token.attrSet("loading", "lazy")
    token.attrSet("referrerpolicy", "no-referrer")
    return self.image(tokens, idx, options, env)


def _heading_outline_rule(state: StateCore) -> None:
    """Core rule: headings keep the page's outline.

    The text's top headings take ``env["heading_level"]`` (one below the heading
    the page puts above the text), and each heading sits one level below the
    nearest one above it that is higher in the source, so "##" then "####" is
    h3 then h4, never a jump; deeper than h6 stays h6.
    """
    base = state.env.get("heading_level")
    if base is None:
        return
    above: list[int] = []  # source levels of the headings this one sits under
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1:])
        while above and above[-1] >= level:
            above.pop()
        outline = f"h{max(1, min(6, base + len(above)))}"
        above.append(level)
        token.meta["outline_tag"] = outline
        closer = state.tokens[index + 2] if index + 2 < len(state.tokens) else None
        if closer is not None and closer.type == "heading_close":
            closer.meta["outline_tag"] = outline


def _heading_tag(token: Token) -> str:
    return (token.meta or {}).get("outline_tag", token.tag)


def _render_heading_open(self, tokens, idx, options, env) -> str:
    return f"<{_heading_tag(tokens[idx])}>"


def _render_heading_close(self, tokens, idx, options, env) -> str:
    return f"</{_heading_tag(tokens[idx])}>\n"


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
    # Before text_join, which merges an escaped "\\@" into the text around it.
    md.core.ruler.before("text_join", "mentions", _mention_core_rule)
    md.core.ruler.push("heading_outline", _heading_outline_rule)
    _add_budget(md)
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


def _add_budget(md: MarkdownIt) -> None:
    """Count the work of every parse (see ``Limits``) by wrapping markdown-it's own rules."""
    md.block.ruler.before("table", "budget", _count_block_step)
    md.inline.ruler.before("text", "budget", _count_inline_step)
    # An instance attribute: only this MarkdownIt's inline parser is counted.
    md.inline.skipToken = _skip_token_counted(md.inline.skipToken)  # type: ignore[method-assign]
    _wrap_rule(md.block.ruler, "table", _table_limited)
    for name in ("blockquote", "list"):
        _wrap_rule(md.block.ruler, name, _nesting_counted)
    for name in ("link", "image", "autolink", "footnote_ref", "footnote_inline"):
        _wrap_rule(md.inline.ruler, name, _links_counted)


def _wrap_rule(ruler, name: str, wrap: Callable[[Callable], Callable]) -> None:
    # Ruler.at() replaces a rule but also its "alt" list, so the old list is passed on.
    rule = next(rule for rule in ruler.__rules__ if rule.name == name)
    ruler.at(name, wrap(rule.fn), {"alt": list(rule.alt)})


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
    # role, tabindex and aria-label: the scrolling box of display math; title: why a
    # formula could not be read.
    "div": {"class", "role", "tabindex", "aria-label", "title"},
    "span": {"class", "role", "tabindex", "aria-label", "title"},
    "section": {"class"},
    "hr": {"class"},
    "sup": {"class"},
    "li": {"class", "id"},
    **{tag: set(_MATHML_ATTRS) for tag in _MATHML_TAGS},
}
_ATTRIBUTES["math"] |= {"display", "xmlns", "tabindex"}
_ATTRIBUTES["annotation"] = {"encoding"}

_ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"cite", "footnote-backref", "mention"}),
    "code": frozenset({"tex"}),
    "div": frozenset({"math-display", "math-error"}),
    "span": frozenset({"math-display", "math-error"}),
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
    "role": frozenset({"group"}),
    "tabindex": frozenset({"0"}),
    "aria-label": frozenset({"Formula"}),
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


def _escaped_fallback(text: str) -> str:
    """``text`` as escaped paragraphs, no markup: cheap for any input."""
    paragraphs = [part.strip() for part in _BLANK_LINES_RE.split(text) if part.strip()]
    return "".join(f"<p>{html.escape(part)}</p>\n" for part in paragraphs)


_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n")


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def _parse(text: str, env: dict, limits: Limits | None = None) -> list[Token]:
    """Tokens of normalised ``text``, held to ``limits``; raises RenderLimitExceeded."""
    limits = limits or LIMITS
    _check_lines(text, limits)
    budget = env[_BUDGET_KEY] = _Budget(limits)
    tokens = _MD.parse(text, env)
    _check_tokens(tokens, budget)
    return tokens


def _to_html(tokens: Sequence[Token], env: dict) -> str:
    raw = _MD.renderer.render(tokens, _MD.options, env)
    if len(raw) > LIMITS.html_chars:
        raise RenderLimitExceeded("html_chars", count=len(raw), allowed=LIMITS.html_chars)
    # Entities such as &#x202E; decode to characters the source could not hold.
    return clean_text(_sanitise(raw))


def link_targets(source: str) -> list[str]:
    """The address of every link and image as the renderer reads them (entities decoded,
    references resolved, ``//host`` kept as written). Never raises: a text over the
    limits has none, for it is never rendered as links."""
    try:
        tokens = _parse(_normalise_source(source), {})
    except Exception:
        return []
    targets, stack = [], [tokens]
    while stack:
        for token in stack.pop():
            if token.type in ("link_open", "image"):
                targets.append(str(token.attrGet("href") or token.attrGet("src") or ""))
            if token.children:
                stack.append(token.children)
    return targets


def check(source: str) -> None:
    """Raise RenderLimitExceeded if ``source`` is beyond what ``render`` accepts.

    For validators: cheaper than rendering (it only parses), and a text it
    lets through renders without raising (the output size is not checked,
    but the other limits keep it far below its own). The last few answers
    are kept, so a form and the service behind it can both ask.
    """
    refusal = _refusal(_normalise_source(source), LIMITS)
    if refusal is not None:
        limit, count, allowed, detail = refusal
        raise RenderLimitExceeded(limit, count=count, allowed=allowed, detail=detail)


@functools.lru_cache(maxsize=16)
def _refusal(text: str, limits: Limits) -> tuple[str, int, int, str] | None:
    try:
        _parse(text, {}, limits)
    except RenderLimitExceeded as exc:
        return exc.limit, exc.count, exc.allowed, exc.detail
    return None


def render(
    source: str,
    *,
    heading_level: int = 3,
    heading_offset: int | None = None,
    cite_label: Callable[[str], str | None] | None = None,
    mention_links: Callable[[list[str]], Mapping[str, str]] | None = None,
    doc_id: str | None = None,
    strict: bool = True,
) -> str:
    """Render Markdown with math to sanitised HTML.

    Raises RenderLimitExceeded, and nothing else, when ``source`` is beyond
    ``LIMITS``; with ``strict=False`` such text comes back as escaped
    paragraphs instead (for text stored before a limit existed).

    ``heading_level`` is the level the text's top headings take: one below
    the heading the page puts above the text (h2 "Summaries" above a summary:
    3); deeper headings follow without skipping a level (``heading_offset``,
    the older spelling, is ``heading_level - 1``). ``cite_label(key)`` may
    return the text for a ``\\cite{key}`` link (say, the paper's title).
    ``mention_links(handles)`` gets the ``@handles`` in the text, once, and
    returns ``{handle: profile URL}`` for those that are people; those become
    links. ``doc_id`` (short, ``[a-z0-9]``) keeps footnote ids unique when
    several rendered documents share a page.
    """
    text = _normalise_source(source)
    if heading_offset is not None:
        heading_level = int(heading_offset) + 1
    env: dict = {
        "heading_level": int(heading_level),
        "cite_label": cite_label,
        "mention_links": mention_links,
    }
    if doc_id and _DOC_ID_RE.match(doc_id):
        env["docId"] = doc_id
    try:
        return _to_html(_parse(text, env), env)
    except RenderLimitExceeded:
        if strict:
            raise
        return _escaped_fallback(text)
    except Exception:  # a renderer for user input must degrade, not crash
        return _escaped_fallback(text)


def render_excerpt(
    source: str,
    *,
    max_chars: int = 500,
    cite_label: Callable[[str], str | None] | None = None,
    strict: bool = True,
) -> str:
    """Render the leading blocks of ``source`` until about ``max_chars`` are used.

    Whole blocks are kept; a list is cut between items (recursively), and a
    paragraph is cut between words — never inside math or code — ending in
    "…" (or at the end of a sentence, when one ends late enough). At least the
    first block is always shown. It never ends on a colon or a heading: a short
    formula the last sentence introduces is kept, otherwise the sentence goes.
    Headings become ``<p><strong>…</strong></p>``; footnote markers and the
    footnote list are left out. Raises like ``render``.
    """
    text = _normalise_source(source)
    env: dict = {"cite_label": cite_label}
    try:
        tokens = _parse(text, env)
        lines = text.split("\n")
        blocks = _child_blocks(tokens, 0, len(tokens), 0)
        shown = blocks
        # A formula that does not convert would show its TeX on a card: stop before it.
        for number, (start, _) in enumerate(blocks):
            formula = tokens[start]
            if number and formula.type == "math_block" and not _converts(formula.content):
                shown = blocks[:number]
                break
        selected = _select_blocks(tokens, shown, lines, max(int(max_chars), 0), True)
        selected = _ending_on_a_whole_thought(tokens, blocks, lines, selected)
        return _to_html(_headings_to_paragraphs(_without_footnote_refs(selected)), env)
    except RenderLimitExceeded:
        if strict:
            raise
        return _escaped_fallback(_truncate_words(text, max(int(max_chars), 1)))
    except Exception:  # a renderer for user input must degrade, not crash
        return _escaped_fallback(_truncate_words(text, max(int(max_chars), 1)))


def plain_text(source: str, *, max_chars: int = 200) -> str:
    """A whitespace-collapsed plain-text snippet (math kept as TeX), cut at a word. Never raises."""
    text = _normalise_source(source)
    try:
        pieces = _plain_pieces(_parse(text, {}))
    except Exception:  # over a limit, or broken: the raw source will do
        pieces = [text]
    # Entities such as &#x202E; decode to characters the source could not hold.
    collapsed = " ".join(clean_text(" ".join(pieces)).split())
    return _truncate_words(collapsed, max(int(max_chars), 1))


def mentioned_usernames(source: str) -> list[str]:
    """The ``@handles`` in ``source`` that ``render`` would link, in order, each once:
    none in code, math, links or e-mail addresses. Never raises (a text over the
    limits has none, for it is never rendered with links)."""
    env: dict = {}
    try:
        _parse(_normalise_source(source), env)
    except Exception:
        return []
    return list(env.get(_MENTIONS_KEY, []))


# At most this many problems are listed; the rest are counted in one more line.
MAX_FORMULA_PROBLEMS = 20
_SNIPPET_CHARS = 40


def formula_problems(source: str) -> list[str]:
    """One sentence per formula in ``source`` that will not show as written, for the
    editor: "Formula 2 ($\\frac{1}{$) could not be read: a “{” is never closed; …".

    Formulas are numbered in reading order, as the writer sees them. A formula
    with a command the site does not know is shown with that command marked, and
    listed too. Never raises; a text over the render limits lists nothing (``check``
    says what is wrong with it).
    """
    try:
        tokens = _parse(_normalise_source(source), {})
    except Exception:
        return []
    problems: list[str] = []
    for number, (tex, display) in enumerate(_formulas_in_order(tokens), start=1):
        formula = mathml.convert(tex, display=display) if tex else mathml.Formula("")
        marker = "$$" if display else "$"
        snippet = tex if len(tex) <= _SNIPPET_CHARS else tex[: _SNIPPET_CHARS - 1] + ELLIPSIS
        where = f"Formula {number} ({marker}{snippet}{marker})"
        if formula.problem:
            problems.append(f"{where} could not be read: {formula.problem}")
        problems.extend(f"{where}: {note}" for note in formula.notes)
    if len(problems) > MAX_FORMULA_PROBLEMS:
        more = len(problems) - MAX_FORMULA_PROBLEMS
        problems = [*problems[:MAX_FORMULA_PROBLEMS], f"… and {more:,} more."]
    return problems


def _formulas_in_order(tokens: Sequence[Token]) -> Iterable[tuple[str, bool]]:
    """(TeX, display?) of every formula, in reading order."""
    for token in tokens:
        if token.type == "math_block" or (
            token.type == "fence" and token.info.strip().lower() == "math"
        ):
            yield _clean_tex(token.content), True
        elif token.type == "inline":
            for child in token.children or []:
                if child.type in _MATH_TOKEN_TYPES:
                    yield _clean_tex(child.content), child.type == "math_inline_double"


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
    """Cut inline tokens after ``budget`` chars, closing open markup: at the last
    sentence end if that keeps most of the text, else at a word, + "…"."""
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
    sentence = _cut_at_last_sentence(out)
    if sentence is not None:
        return sentence
    return _ended_with_ellipsis(out)


# Words after which a full stop does not end the sentence.
_ABBREVIATIONS = frozenset(
    {"al", "approx", "cf", "e.g", "eq", "eqs", "fig", "figs", "i.e", "resp", "sec", "vs", "viz"}
)
_SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")
# A sentence end is used only if it keeps at least this share of what fits.
_SENTENCE_SHARE = 0.5
_DANGLING_CHARS = " \t\n,;:–—-(/"


def _is_sentence_end(text: str, match: re.Match) -> bool:
    before = text[: match.start()].rsplit(None, 1)
    word = before[-1].lower() if before else ""
    # "e.g.", "et al.", an initial ("J. Smith") do not end a sentence.
    return not (
        text[match.start()] == "."
        and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()))
    )


def _cut_at_last_sentence(
    out: Sequence[Token], share: float = _SENTENCE_SHARE
) -> list[Token] | None:
    """``out`` up to its last sentence end outside inline markup, or None when there
    is none that keeps ``share`` of it (a word cut reads better then)."""
    total = sum(_inline_cost(token) for token in out)
    used = 0
    depth = 0
    best: tuple[int, str] | None = None
    for index, token in enumerate(out):
        if token.type == "text" and depth == 0:
            for match in _SENTENCE_END_RE.finditer(token.content):
                if _is_sentence_end(token.content, match):
                    kept = used + match.end()
                    if kept >= total * share:
                        best = (index, token.content[: match.end()])
        used += _inline_cost(token)
        depth += token.nesting
    if best is None:
        return None
    index, content = best
    return [*out[:index], Token("text", "", 0, content=content)]


def _is_trailing_filler(token: Token) -> bool:
    """A closing mark, a line break or an empty text run: nothing a reader sees."""
    return (
        token.nesting == -1
        or token.type in ("softbreak", "hardbreak")
        or (token.type == "text" and not token.content.strip())
    )


def _ended_with_ellipsis(out: Sequence[Token]) -> list[Token]:
    """``out`` with its open markup closed and "…", without a dangling colon or comma."""
    kept = list(out)
    stack: list[Token] = []
    for token in kept:
        if token.nesting == 1:
            stack.append(token)
        elif token.nesting == -1 and stack:
            stack.pop()
    last = len(kept) - 1
    while last >= 0 and _is_trailing_filler(kept[last]):
        last -= 1  # "**Objective:**" ends on a closing mark, the colon is before it
    if last >= 0 and kept[last].type == "text":
        trimmed = kept[last].content.rstrip(_DANGLING_CHARS)
        if trimmed:
            kept[last] = Token("text", "", 0, content=trimmed)
        elif last > 0 and last == len(kept) - 1:
            kept.pop()
    return [*kept, *_closing_tokens(stack), Token("text", "", 0, content=ELLIPSIS)]


# A formula introduced by the excerpt's last sentence ("…the loss is:") is shown
# if its TeX is at most this long; a longer one is left for the summary's page.
_INTRODUCED_FORMULA_CHARS = 400


def _inline_text_end(inline: Token) -> str:
    """The last visible text of an inline token, ignoring closing markup."""
    for child in reversed(inline.children or []):
        if _is_trailing_filler(child):
            continue
        return child.content if child.type == "text" else ""
    return ""


def _converts(tex: str) -> bool:
    return mathml.convert(_clean_tex(tex), display=True).mathml is not None


def _last_inline(selected: Sequence[Token]) -> int | None:
    for index in range(len(selected) - 1, -1, -1):
        if selected[index].type == "inline":
            return index
    return None


def _ending_on_a_whole_thought(
    tokens: Sequence[Token],
    blocks: Sequence[tuple[int, int]],
    lines: Sequence[str],
    selected: list[Token],
) -> list[Token]:
    """Keep an excerpt from stopping on a heading or on a colon whose sequel was left out.

    A trailing heading goes (if anything else is kept). A last paragraph ending in
    ":" keeps the display formula it introduces when that is short; otherwise its
    last sentence is dropped, or, when it has only the one, the colon becomes "…".
    """
    whole = [token for start, end in blocks for token in tokens[start:end]]
    if len(whole) == len(selected) and all(a is b for a, b in zip(whole, selected, strict=True)):
        return selected  # the whole text fits: it ends as the writer ended it
    kept = {id(token) for token in selected}
    following = next(((s, e) for s, e in blocks if id(tokens[s]) not in kept), None)
    if selected and selected[-1].type == "heading_close":
        opener = max(i for i, t in enumerate(selected) if t.type == "heading_open")
        if opener > 0:
            selected = selected[:opener]
    index = _last_inline(selected)
    if index is None or not _inline_text_end(selected[index]).rstrip().endswith(":"):
        return selected
    if any(token.nesting != -1 for token in selected[index + 1 :]):
        return selected  # what the colon introduces (a formula, a code block) is there
    # (No following block: the excerpt stops inside a list or a quote.)
    if following is not None:
        start, end = following
        formula = tokens[start]
        if (
            formula.type == "math_block"
            and selected[-1] is tokens[start - 1]
            and len(formula.content) <= _INTRODUCED_FORMULA_CHARS
            and _converts(formula.content)
        ):
            return [*selected, *tokens[start:end]]
    inline = selected[index]
    children = list(inline.children or [])
    trimmed = _cut_at_last_sentence(children, share=0)
    cut = Token("inline", "", 0, children=trimmed or _ended_with_ellipsis(children))
    cut.level = inline.level
    return [*selected[:index], cut, *selected[index + 1 :]]


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
