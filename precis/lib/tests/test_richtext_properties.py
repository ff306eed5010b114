"""Properties of the renderer that hold for any input: characters, images, errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from precis.lib import imageproxy, richtext
from precis.lib.richtext import Limits, RenderLimitExceeded, plain_text, render, render_excerpt
from precis.lib.tests.test_richtext import DANGEROUS_FRAGMENTS, MARKDOWN_FRAGMENTS, audit

# What clean_text removes; none of it may reach stored HTML (it breaks XML feeds,
# or makes text read differently from how it is stored).
UNWANTED = re.compile(
    "[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufffe\uffff]"
)
CONTROL_FRAGMENTS = [
    "\x00",
    "\x01",
    "\x0b",
    "\x1b[31m",
    "\r",
    "\r\n",
    "\x7f",
    "\x85",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ud800",
    "\uffff",
    "&#1;",
    "&#x0B;",
    "&#13;",
    "&#x85;",
    "&#x202E;",
    "&#8238;",
    "&#x2069;",
    "&#xFEFF;",
    "&#xD800;",
    "&#xFFFF;",
    "$\\text{\u202e}$",
    "`\x01`",
    "```\n\x02\n```",
    "[a\u202e](https://e.org/\u202e)",
]
IMAGE_FRAGMENTS = [
    "![a](https://evil.example/x.png)",
    "![a](http://10.0.0.1/x.png)",
    "![a](HTTPS://EVIL.EXAMPLE/X.PNG)",
    "![a](//evil.example/x.png)",
    "![a](https://e.org/a b.png)",
    '![a](https://e.org/x.png "title")',
    "![a][r]\n\n[r]: https://evil.example/ref.png\n",
    "![a](<https://e.org/x y.png>)",
    "![a](https://e.org/" + "x" * 3000 + ")",
    "![a](data:image/png;base64,AAAA)",
    "![a](ftp://e.org/x.png)",
    '<img src="https://evil.example/x.png">',
    "[![a](https://e.org/i.png)](https://e.org)",
    "![![nested](https://e.org/n.png)](https://e.org/o.png)",
]
FRAGMENTS = st.one_of(
    st.sampled_from(DANGEROUS_FRAGMENTS),
    st.sampled_from(MARKDOWN_FRAGMENTS),
    st.sampled_from(CONTROL_FRAGMENTS),
    st.sampled_from(IMAGE_FRAGMENTS),
    st.text(max_size=10),
)
DOCUMENTS = st.lists(FRAGMENTS, max_size=30).map("".join)
# Repeated pieces reach the (small) limits below within a few hundred characters.
REPEATED = st.lists(st.tuples(FRAGMENTS, st.integers(1, 60)), max_size=8).map(
    lambda parts: "".join(fragment * times for fragment, times in parts)
)
SMALL_LIMITS = Limits(
    lines=40,
    nesting=3,
    blocks=30,
    markup=300,
    table_rows=5,
    table_columns=4,
    table_cells=20,
    links=8,
    link_chars=400,
    formulas=6,
    tex_chars=120,
    html_chars=20_000,
    work=20_000,
)


class ImageSources(HTMLParser):
    """The ``src`` and ``srcset`` values of every element (not text that looks like one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.sources += [value or "" for name, value in attrs if name in ("src", "srcset")]

    handle_startendtag = handle_starttag


def image_sources(output: str) -> list[str]:
    parser = ImageSources()
    parser.feed(output)
    parser.close()
    return parser.sources


def outputs(source: str) -> list[str]:
    """render and render_excerpt of ``source``; RenderLimitExceeded is allowed, nothing else."""
    results = []
    for function in (render, render_excerpt):
        try:
            results.append(function(source))
        except RenderLimitExceeded as exc:
            assert exc.message.startswith("This text")
    return results


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_no_control_or_bidi_override_character_reaches_the_output(source):
    for output in outputs(source):
        assert not UNWANTED.search(output), repr(output)
    assert not UNWANTED.search(plain_text(source))


@settings(max_examples=400, deadline=None)
@given(DOCUMENTS)
def test_every_image_is_served_by_the_proxy_and_no_other_host(source):
    for output in outputs(source):
        for src in image_sources(output):
            assert src.startswith(imageproxy.PREFIX), src
            signature, encoded = src.removeprefix(imageproxy.PREFIX).split("/")
            assert richtext._url_scheme(imageproxy.url_from(signature, encoded)) in {
                "http",
                "https",
            }


@settings(max_examples=300, deadline=None)
@given(st.one_of(DOCUMENTS, REPEATED))
def test_rendering_raises_nothing_but_the_limit_error(source):
    with mock.patch.object(richtext, "LIMITS", SMALL_LIMITS):
        for output in outputs(source):
            assert audit(output) == []
        assert isinstance(plain_text(source), str)
        try:
            richtext.check(source)
        except RenderLimitExceeded:
            return
        try:
            render(source)  # what check lets through renders...
        except RenderLimitExceeded as exc:
            # ...unless its HTML outgrows this test's small cap: the real limits allow 33
            # characters of HTML per character of the longest summary (60,000 -> 2,000,000).
            assert exc.limit == "html_chars"
            assert len(source) * 33 > SMALL_LIMITS.html_chars


@settings(max_examples=20, deadline=None)
@given(REPEATED)
def test_rendering_at_the_real_limits_raises_nothing_but_the_limit_error(source):
    for output in outputs((source * 20)[:60_000]):
        assert audit(output) == []
