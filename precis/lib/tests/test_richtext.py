"""Tests for precis.lib.richtext: behaviour table, real summaries, safety properties."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precis.lib.richtext import (
    RENDERER_VERSION,
    RenderLimitExceeded,
    plain_text,
    render,
    render_excerpt,
)

SUMMARIES_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "summaries_md"
SUMMARY_FILES = sorted(SUMMARIES_DIR.glob("*.md")) if SUMMARIES_DIR.is_dir() else []
SUMMARY_PARAMS = [pytest.param(path, id=path.stem) for path in SUMMARY_FILES] or [
    pytest.param(
        None,
        id="no-shared-summaries",
        marks=pytest.mark.skip(reason="../shared/fixtures/summaries_md is absent"),
    )
]

ALLOWED_SCHEMES = {"http", "https", "mailto"}
VOID_ELEMENTS = {
    "br",
    "hr",
    "img",
    "area",
    "base",
    "col",
    "embed",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "form",
    "input",
    "textarea",
    "link",
    "meta",
    "base",
}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


class HtmlAudit(HTMLParser):
    """Collects safety problems and checks that non-void elements are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.problems.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"forbidden element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in {"href", "src", "xlink:href", "action", "formaction"} and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in ALLOWED_SCHEMES:
                    self.problems.append(f"{name}={value!r} on <{tag}>")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, after unescaping and dropping control chars."""
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", html.unescape(value)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


def audit(output: str) -> list[str]:
    parser = HtmlAudit()
    parser.feed(output)
    parser.close()
    problems = list(parser.problems)
    if parser.stack:
        problems.append(f"unclosed elements {parser.stack}")
    if "<script" in output.lower():
        problems.append("<script in output")
    return problems


def annotations(output: str) -> list[str]:
    """The TeX sources kept in the MathML annotations, unescaped."""
    return [
        html.unescape(tex)
        for tex in re.findall(
            r'<annotation encoding="application/x-tex">(.*?)</annotation>', output, re.S
        )
    ]


def without_code_and_tex(output: str) -> str:
    return re.sub(r"<(annotation|code|pre)\b[^>]*>.*?</\1>", "", output, flags=re.S)


FENCE_RE = re.compile(r"^[ \t]*(```|~~~)(.*?)\n.*?^[ \t]*\1[ \t]*$", re.S | re.M)
CODE_SPAN_RE = re.compile(r"(?<!\$)(`+)[^`\n]+?\1(?!\$)")
DISPLAY_DOLLARS_RE = re.compile(r"(?<!\\)\$\$(?=\S|\s*\S).+?(?<!\\)\$\$", re.S)
INLINE_DOLLARS_RE = re.compile(r"(?<![\\\d$])\$(?!\$)[^$\n]*?[^\s$\\][^$\n]*?(?<!\\)\$(?!\d)")


def count_source_formulas(source: str) -> int:
    """A conservative count of the formulas a reader would see in ``source``.

    ```math fences count once each; other fences and code spans are ignored;
    then ``$$…$$`` pairs are counted and removed, then same-line ``$…$`` pairs
    whose closing ``$`` is not followed by a digit (money).
    """
    text = source.replace("\r\n", "\n")
    math_fences = sum(1 for match in FENCE_RE.finditer(text) if match.group(2).strip() == "math")
    text = CODE_SPAN_RE.sub(" ", FENCE_RE.sub("\n", text))
    displays = len(DISPLAY_DOLLARS_RE.findall(text))
    text = DISPLAY_DOLLARS_RE.sub(" ", text)
    return math_fences + displays + len(INLINE_DOLLARS_RE.findall(text))


# --------------------------------------------------------------------------
# Behaviour table
# --------------------------------------------------------------------------

BEHAVIOURS = [
    # (id, source, fragments that must appear, fragments that must not appear)
    (
        "inline-math",
        "Let $x_1$ be.",
        [
            '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">',
            "<msub>",
            "x_1</annotation>",
        ],
        ["$", "<em>"],
    ),
    (
        "display-math-line",
        "$$\\sum_i x_i$$",
        ['display="block"', "\\sum_i x_i</annotation>"],
        ["$$", "<p>"],
    ),
    (
        "display-math-multiline",
        "Before\n\n$$\nE = mc^2\n$$\n\nafter",
        ['display="block"', "E = mc^2</annotation>"],
        ["$"],
    ),
    (
        "double-dollars-in-a-sentence-are-inline",
        "the loss $$L = x^2$$ is convex",
        [
            '<p>the loss <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">',
            "L = x^2</annotation>",
        ],
        ["$", 'display="block"'],
    ),
    (
        "double-dollars-opening-a-line-of-prose-are-inline",
        "$$a$$ and then prose",
        ['<p><math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'],
        ["$", 'display="block"'],
    ),
    (
        "math-between-cjk",
        "矩阵$Q^T=Q^{-1}$使得",
        ["<p>矩阵<math", "Q^T=Q^{-1}</annotation></semantics></math>使得</p>"],
        ["$"],
    ),
    (
        "math-after-cjk-punctuation",
        "设$x$，则$y=x^2$。",
        ["设<math", "x</annotation>", "，则<math", "y=x^2</annotation>"],
        ["$"],
    ),
    ("money-next-to-cjk-is-not-math", "价格是$5或$10", ["价格是$5或$10"], ["<math"]),
    ("money-in-english-is-not-math", "costs $5 or $10 today", ["costs $5 or $10 today"], ["<math"]),
    ("currency-prefix-latin-is-not-math", "US$5 and US$6", ["US$5 and US$6"], ["<math"]),
    (
        "paren-inline",
        "so \\(a_1\\) holds",
        ['display="inline"', "a_1</annotation>"],
        ["\\(", "\\)"],
    ),
    (
        "bracket-inline",
        "so \\[b^2\\] holds",
        ['display="block"', "b^2</annotation>"],
        ["\\[", "\\]"],
    ),
    ("bracket-block", "\\[\nx = 1\n\\]", ['display="block"', "x = 1</annotation>"], ["\\[", "<p>"]),
    (
        "gitlab-inline",
        "vector $`\\textbf{z}_i`$ here",
        ['display="inline"', "\\textbf{z}_i</annotation>"],
        ["`", "<code"],
    ),
    (
        "math-fence",
        "```math\n\\hat{q} = 1\n```",
        ['display="block"', "\\hat{q} = 1</annotation>"],
        ["<pre", "<code"],
    ),
    (
        "underscores-and-stars-in-math",
        "$a_1 * b_2 * c$ and $x_i y_i$",
        ["a_1 * b_2 * c</annotation>", "x_i y_i</annotation>"],
        ["<em>", "<strong>"],
    ),
    ("space-padded-dollars", "query $ q = \\{q_1\\} $ here", ["q = \\{q_1\\}</annotation>"], ["$"]),
    ("money-is-not-math", "costs $5 or $10", ["<p>costs $5 or $10</p>"], ["<math"]),
    ("money-sentence", "It was $3.50, then $4.", ["$3.50, then $4."], ["<math"]),
    ("escaped-dollar", "price \\$x\\$ here", ["<p>price $x$ here</p>"], ["<math"]),
    (
        "money-then-math",
        "The $5 million and $x$ var",
        ["The $5 million and <math", "x</annotation>"],
        [],
    ),
    ("money-currency-prefix", "US$5 and US$6", ["US$5 and US$6"], ["<math"]),
    ("unclosed-dollar", "only $x here", ["only $x here"], ["<math"]),
    (
        "display-math-in-blockquote",
        "> $$\n> a +\n> b\n> $$\n> after",
        ["<blockquote>", 'display="block"', "a +\nb</annotation>", "<p>after</p>"],
        ["&gt;", "$"],
    ),
    (
        "display-math-in-list",
        "- item\n  $$\n  x = 1\n  $$\n- next",
        ['display="block"', "x = 1</annotation>", "<li>next</li>"],
        ["$"],
    ),
    (
        "display-math-interrupts-paragraph",
        "Goal:\n$$\nx\n$$\nmore",
        ["<p>Goal:</p>", "<p>more</p>", 'display="block"'],
        ["$"],
    ),
    ("display-math-with-blank-line", "$$\na\n\nb\n$$", ['display="block"'], ["$", "<p>"]),
    (
        "amsmath-environment",
        "\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}",
        ['display="block"', "<mtable", "\\begin{align}"],
        ["<p>"],
    ),
    ("math-in-table-cell", "| a |\n|---|\n| $x_1$ |", ["<td><math"], ["$"]),
    ("math-in-heading", "# About $x^2$", ["<h3>About <math"], ["$"]),
    (
        "math-in-footnote",
        "Ref[^n]\n\n[^n]: With $y$.",
        ['<li id="fn1" class="footnote-item"><p>With <math'],
        ["$"],
    ),
    (
        "bad-tex-inline",
        "bad $\\left( x$ here",
        [
            '<span class="math-error" title="Could not read this formula: a \\left has no \\right',
            '<code class="tex">\\left( x</code></span>',
        ],
        ["<math"],
    ),
    (
        "bad-tex-display",
        "$$\\left( x$$",
        [
            '<div class="math-error" title="Could not read this formula: ',
            '<code class="tex">\\left( x</code></div>',
        ],
        ["<math"],
    ),
    # latex2mathml copies \text{…} raw; it is escaped first, so this is text, not markup.
    (
        "tex-with-markup-text",
        "$\\text{<b>&</b>}$",
        ["<mtext>&lt;b&gt;&amp;&lt;/b&gt;</mtext>"],
        ["<b>"],
    ),
    (
        "absurdly-long-tex",
        "$" + "x+" * 2600 + "x$",
        [
            '<span class="math-error" title="Could not read this formula: it is longer than 5,000',
            '<code class="tex">x+x+',
        ],
        ["<math"],
    ),
    (
        "cite-single",
        "see \\cite{he2016deep}.",
        ['<a href="/paper?bibtexKey=he2016deep" class="cite">he2016deep</a>'],
        ["\\cite"],
    ),
    (
        "cite-multiple",
        "\\cite{a, b_c}",
        [
            '<a href="/paper?bibtexKey=a" class="cite">a</a>',
            '<a href="/paper?bibtexKey=b_c" class="cite">b_c</a>',
        ],
        ["\\cite", "<em>"],
    ),
    (
        "cite-key-encoded",
        "\\cite{Smith:2020/x}",
        ['href="/paper?bibtexKey=Smith%3A2020%2Fx"', ">Smith:2020/x</a>"],
        [],
    ),
    ("cite-not-in-code", "`\\cite{k}`", ["<code>\\cite{k}</code>"], ["<a"]),
    (
        "cite-not-in-link",
        "[see \\cite{k}](https://e.org)",
        ['rel="nofollow ugc noopener">see \\cite{k}</a>'],
        ['class="cite"'],
    ),
    (
        "arxiv-new",
        "as in arXiv:1512.03385v2.",
        ['<a href="/arxiv/1512.03385v2">arXiv:1512.03385v2</a>.'],
        [],
    ),
    (
        "arxiv-old",
        "see arXiv:hep-th/9901001, ok",
        ['<a href="/arxiv/hep-th/9901001">arXiv:hep-th/9901001</a>,'],
        [],
    ),
    (
        "doi",
        "doi:10.1145/1234.5678.",
        ['<a href="/doi/10.1145/1234.5678">doi:10.1145/1234.5678</a>.'],
        [],
    ),
    (
        "doi-in-parentheses",
        "(doi:10.1000/xyz)",
        ['<a href="/doi/10.1000/xyz">doi:10.1000/xyz</a>)'],
        [],
    ),
    (
        "identifiers-not-in-code-span",
        "`arXiv:1512.03385 doi:10.1/x`",
        ["<code>arXiv:1512.03385 doi:10.1/x</code>"],
        ["<a "],
    ),
    ("identifiers-not-in-code-block", "```\narXiv:1512.03385\n```", ["arXiv:1512.03385"], ["<a "]),
    (
        "identifiers-not-in-links",
        "[arXiv:1512.03385](https://arxiv.org/abs/1512.03385)",
        [
            '<a href="https://arxiv.org/abs/1512.03385" rel="nofollow ugc noopener">arXiv:1512.03385</a>'
        ],
        ['href="/arxiv'],
    ),
    (
        "heading-outline",
        "# One\n## Two\n#### Four\n###### Six",
        ["<h3>One</h3>", "<h4>Two</h4>", "<h5>Four</h5>", "<h6>Six</h6>"],
        ["<h1>", "<h2>"],
    ),
    (
        "footnotes",
        "Claim[^1].\n\n[^1]: Source.",
        [
            '<sup class="footnote-ref"><a href="#fn1" id="fnref1">',
            '<section class="footnotes">',
            '<li id="fn1" class="footnote-item">',
            'class="footnote-backref"',
        ],
        ["[^1]"],
    ),
    (
        "table",
        "| a | b |\n|:-|-:|\n| 1 | 2 |",
        ["<table>", '<th align="left">a</th>', '<td align="right">2</td>'],
        ["style"],
    ),
    ("strikethrough", "~~gone~~", ["<s>gone</s>"], ["~~"]),
    (
        "raw-html-escaped",
        "<script>alert(1)</script>",
        ["&lt;script&gt;alert(1)&lt;/script&gt;"],
        ["<script"],
    ),
    ("raw-img-escaped", '<img src="x" onerror="alert(1)">', ["&lt;img"], ["<img"]),
    ("javascript-link", "[x](javascript:alert(1))", ["x"], ["href", "<a"]),
    ("javascript-link-mixed-case", "[x](JaVaScRiPt:alert(1))", ["x"], ["<a"]),
    ("javascript-link-entity", "[x](&#106;avascript:alert(1))", ["x"], ["<a"]),
    ("javascript-autolink", "<javascript:alert(1)>", ["&lt;javascript:alert(1)&gt;"], ["<a"]),
    ("data-link", "[x](data:text/html,hi)", ["x"], ["<a"]),
    (
        "external-link-rel",
        "[w](https://example.com/a)",
        ['<a href="https://example.com/a" rel="nofollow ugc noopener">w</a>'],
        [],
    ),
    (
        "mailto-link-rel",
        "[m](mailto:a@example.com)",
        ['<a href="mailto:a@example.com" rel="nofollow ugc noopener">m</a>'],
        [],
    ),
    ("internal-link-no-rel", "[p](/paper/3)", ['<a href="/paper/3">p</a>'], ["rel="]),
    (
        "image-http-goes-through-the-proxy",
        "![plot](https://example.com/p.png)",
        ['<img src="/img/', 'alt="plot" loading="lazy" referrerpolicy="no-referrer">'],
        ["example.com"],
    ),
    ("image-data", "![a](data:image/png;base64,AAAA)", [], ["<img", 'data:image/png;base64,AAAA"']),
    ("image-relative", "![alt text](images/p.png)", ["alt text"], ["<img"]),
    ("code-language-class", "```python\nx = 1\n```", ['<code class="language-python">'], []),
    (
        "front-matter-dropped",
        "---\nlayout: post\ntitle: T\n---\n\nBody",
        ["<p>Body</p>"],
        ["layout", "<hr>"],
    ),
    ("leading-rule-kept", "---\n\nBody text\n\n---", ["<hr>", "<p>Body text</p>"], []),
]


@pytest.mark.parametrize(
    ("source", "present", "absent"), [pytest.param(s, p, a, id=i) for i, s, p, a in BEHAVIOURS]
)
def test_render_behaviour(source: str, present: list[str], absent: list[str]) -> None:
    output = render(source)
    for fragment in present:
        assert fragment in output, f"missing {fragment!r} in {output!r}"
    for fragment in absent:
        assert fragment not in output, f"unexpected {fragment!r} in {output!r}"
    assert audit(output) == []


def test_renderer_version_is_a_positive_int() -> None:
    assert isinstance(RENDERER_VERSION, int)
    assert RENDERER_VERSION >= 1


def test_display_math_keeps_its_scrolling_box_after_sanitising() -> None:
    output = render("$$x^2$$")
    assert output.startswith(
        '<div class="math-display" role="group" tabindex="0" aria-label="Formula">'
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block" displaystyle="true">'
    )
    assert "<semantics>" in output


@pytest.mark.parametrize(
    ("level", "expected"),
    [(1, "<h1>T</h1>"), (2, "<h2>T</h2>"), (3, "<h3>T</h3>"), (9, "<h6>T</h6>")],
)
def test_heading_level(level: int, expected: str) -> None:
    assert expected in render("# T", heading_level=level)
    # The text's top heading takes the level, whatever its own.
    assert expected in render("### T", heading_level=level)


def test_heading_offset_is_the_older_spelling_of_heading_level() -> None:
    assert render("# T", heading_offset=2) == render("# T", heading_level=3)


PATHOLOGICAL = [
    "",
    "[" * 5000,
    "[" * 60000,
    "![" * 30000,
    "> " * 2000 + "deep",
    "* " * 2000 + "deep",
    "*" * 5000,
    "*a" * 30000,
    "$" * 3001,
    "\\[" * 500,
    "`" * 3000,
    "$$\n" * 300,
    "\\cite{" * 300,
    "\x00\ufeff\u202e",
    "{" * 3000 + "$" + "{" * 3000 + "$",
    "$" + "{" * 4000 + "x" + "}" * 4000 + "$",
    "| a |\n|-|\n" + "| x |\n" * 500,
    "| a |\n|-|\n" + "| x |\n" * 12000,
    "\\begin{align}\n" * 10000,
    "$$ a\n" * 10000,
    "\\[ " * 10000,
    "\\( " * 10000,
    "$$ a $ " * 10000,
    "\\cite{" * 10000,
    "a\n" * 30000,
    "<x@y.org> " * 6000,
]


@pytest.mark.parametrize("source", PATHOLOGICAL, ids=lambda s: f"{s[:12]!r}x{len(s)}")
def test_it_renders_pathological_input_safely_or_refuses_it(source: str) -> None:
    for function in (render, render_excerpt):
        try:
            output = function(source)
        except RenderLimitExceeded as exc:
            assert exc.message.startswith("This text")
        else:
            assert audit(output) == []
    assert isinstance(plain_text(source), str)


# --------------------------------------------------------------------------
# Excerpts and plain text
# --------------------------------------------------------------------------

LONG_MATH_PARAGRAPH = " ".join(
    f"Step {i} uses $a_{{{i}}} + b^{{{i}}} * c$ and more words." for i in range(60)
)


@pytest.mark.parametrize("max_chars", [1, 30, 57, 120, 333, 500, 999])
def test_excerpt_never_cuts_inside_math(max_chars: int) -> None:
    output = render_excerpt(LONG_MATH_PARAGRAPH, max_chars=max_chars)
    assert output.count("<math") == output.count("</math>")
    for tex in annotations(output):
        assert re.fullmatch(r"a_\{\d+\} \+ b\^\{\d+\} \* c", tex), tex
    # Cut at the end of a sentence when one ends late enough, else at a word with "…".
    assert output.rstrip().endswith(("…</p>", "words.</p>"))
    assert "$" not in output
    assert audit(output) == []
    visible = re.sub(r"<math.*?</math>", "M", output, flags=re.S)
    assert len(re.sub(r"<[^>]+>", "", visible)) <= max_chars + 40


def test_excerpt_truncates_at_a_word_boundary() -> None:
    output = render_excerpt("alpha beta gamma delta epsilon zeta eta theta", max_chars=20)
    assert output.strip() == "<p>alpha beta gamma…</p>"


def test_excerpt_keeps_whole_blocks_and_stops() -> None:
    source = (
        "First para.\n\n```\ncode line one\ncode line two\n```\n\nSecond para.\n\n"
        + "Third para. " * 80
    )
    output = render_excerpt(source, max_chars=80)
    assert "<p>First para.</p>" in output
    assert "code line one\ncode line two" in output
    assert "<p>Second para.</p>" in output
    assert "Third" not in output


def test_excerpt_always_shows_first_block() -> None:
    source = "```\n" + "x = 1\n" * 200 + "```\n\nafter"
    output = render_excerpt(source, max_chars=10)
    assert output.count("x = 1") == 200
    assert "after" not in output


def test_excerpt_headings_become_bold_paragraphs() -> None:
    output = render_excerpt("# Title\n\nBody text.", max_chars=200)
    assert output == "<p><strong>Title</strong></p>\n<p>Body text.</p>\n"


def test_excerpt_cuts_lists_between_items() -> None:
    source = "* " + "\n* ".join(f"item number {i} with some words" for i in range(40))
    output = render_excerpt(source, max_chars=150)
    assert 2 <= output.count("<li>") < 10
    assert audit(output) == []


def test_excerpt_drops_footnote_markers() -> None:
    output = render_excerpt("Claim[^1] here.\n\n[^1]: Note.", max_chars=200)
    assert "footnote" not in output
    assert "<p>Claim here.</p>" in output


def test_excerpt_closes_open_inline_markup() -> None:
    output = render_excerpt("**" + "bold words here " * 20 + "end**", max_chars=40)
    assert output.startswith("<p><strong>bold words")
    assert output.rstrip().endswith("</strong>…</p>")


def test_plain_text_strips_markup() -> None:
    source = "# Title\n\nSome *emph*, **bold**, [a link](https://x.org), `code` and $x_1$.\n\n```\nhidden()\n```\n\n> quoted  \n> text"
    assert plain_text(source) == "Title Some emph, bold, a link, code and x_1. quoted text"


def test_plain_text_truncates_at_word() -> None:
    text = plain_text("word " * 100, max_chars=23)
    assert text == "word word word word…"
    assert len(text) <= 23


def test_plain_text_collapses_whitespace_and_escapes_nothing() -> None:
    assert plain_text("a\n\n b \t <script>  c") == "a b <script> c"


# --------------------------------------------------------------------------
# Real-world summaries
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", SUMMARY_PARAMS)
def test_real_summary_renders(path: Path, shared_fixtures: Path) -> None:
    source = path.read_text(encoding="utf-8", errors="replace")
    output = render(source)
    expected = count_source_formulas(source)
    rendered = output.count("<math") + output.count('class="tex"')
    assert rendered >= expected, f"{rendered} formulas rendered, {expected} in source"
    if expected:
        assert "<math" in output
    assert "$$" not in without_code_and_tex(output)
    assert "<script" not in output.lower()
    assert audit(output) == []


@pytest.mark.parametrize("path", SUMMARY_PARAMS)
def test_real_summary_excerpt_and_plain_text(path: Path, shared_fixtures: Path) -> None:
    source = path.read_text(encoding="utf-8", errors="replace")
    excerpt = render_excerpt(source)
    assert excerpt.strip()
    assert excerpt.count("<math") == excerpt.count("</math>")
    assert audit(excerpt) == []
    snippet = plain_text(source)
    assert 0 < len(snippet) <= 200
    assert "  " not in snippet
    assert "\n" not in snippet


def test_formula_counter_is_meaningful() -> None:
    assert count_source_formulas("a $x$ b $$y$$ c `$z$` costs $5 or $10\n```math\nq\n```\n") == 3


# --------------------------------------------------------------------------
# Safety properties
# --------------------------------------------------------------------------

DANGEROUS_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    ' style="color:red" ',
    "<svg onload=alert(1)>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a](&#x6A;avascript&#58;alert(1))",
    "[a](<java script:alert(1)>)",
    "[a]( vbscript:msgbox(1) )",
    "[a](data:text/html;base64,PHNjcmlwdD4=)",
    "![a](data:image/svg+xml,<svg onload=alert(1)>)",
    "![a](javascript:alert(1))",
    "[r]: javascript:alert(1)\n\n[r]",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    "<!-- comment --><!--",
    "<style>body{}</style>",
    "<iframe src=//evil>",
    "$x_1$",
    "$$a^2$$",
    "$\\text{<script>alert(1)</script>}$",
    "$\\href{javascript:alert(1)}{x}$",
    "$\\style{color:red}{x}$",
    "$\\color{red}{x}$",
    "\\(x\\)",
    "\\[y\\]",
    "\\cite{key}",
    "\\cite{a,b}",
    "\\cite{<script>}",
    "arXiv:1512.03385",
    "doi:10.1000/<b>x",
    "[^1]\n\n[^1]: note",
    "```\ncode\n```",
    "```math\n\\left(\n```",
    "`code`",
    '![x](https://example.com/a.png "t")',
    "[ok](https://example.com)",
    "\x00",
    "\u202e",
    "&lt;script&gt;",
    "&#0;",
]
MARKDOWN_FRAGMENTS = [
    "\n",
    "\n\n",
    "# ",
    "* ",
    "1. ",
    "> ",
    "    ",
    "|a|b|\n|-|-|\n",
    "**",
    "_",
    "~~",
    "[",
    "]",
    "(",
    ")",
    "!",
    "<",
    ">",
    '"',
    "'",
    "&",
    "$",
    "\\",
    "`",
    ":",
    "=",
]
FRAGMENTS = st.one_of(
    st.sampled_from(DANGEROUS_FRAGMENTS), st.sampled_from(MARKDOWN_FRAGMENTS), st.text(max_size=10)
)
DOCUMENTS = st.lists(FRAGMENTS, max_size=30).map("".join)


@settings(max_examples=600, deadline=None)
@given(DOCUMENTS)
def test_render_is_always_safe(source: str) -> None:
    assert audit(render(source)) == []


@settings(max_examples=600, deadline=None)
@given(DOCUMENTS, st.integers(min_value=0, max_value=400))
def test_render_excerpt_is_always_safe(source: str, max_chars: int) -> None:
    assert audit(render_excerpt(source, max_chars=max_chars)) == []


@settings(max_examples=200, deadline=None)
@given(DOCUMENTS, st.integers(min_value=1, max_value=300))
def test_plain_text_is_bounded(source: str, max_chars: int) -> None:
    text = plain_text(source, max_chars=max_chars)
    assert len(text) <= max_chars
    assert text == text.strip()


def test_cite_links_use_the_resolvers_label_and_fall_back_to_the_key():
    titles = {"journals/corr/HeZRS15": "Deep Residual Learning"}
    html = render(r"See \cite{journals/corr/HeZRS15,unknown}.", cite_label=titles.get)
    assert '">Deep Residual Learning</a>' in html
    assert '">unknown</a>' in html


def test_a_failing_cite_resolver_does_not_break_rendering():
    html = render(r"\cite{key}", cite_label=lambda key: 1 / 0)
    assert '">key</a>' in html


def test_doc_ids_keep_footnote_ids_apart():
    source = "Claim[^1].\n\n[^1]: Evidence."
    first, second = render(source, doc_id="aaa"), render(source, doc_id="bbb")
    assert 'id="fn-aaa-1"' in first and 'href="#fn-aaa-1"' in first
    assert 'id="fn-bbb-1"' in second
    assert 'id="fn1"' in render(source, doc_id="Bad Id!")
