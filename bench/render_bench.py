"""Renderer worst cases: the slowest texts within the render limits, and how fast others are refused.

Each generator builds a pathological text from a count n (brackets, emphasis
runs, nested quotes and lists, formulas, tables, links, footnotes, TeX that
latex2mathml finds hard, ...). For each, the largest n whose text fits in a
summary (60,000 characters) and passes ``richtext.check`` is found by
bisection; that text is rendered (``render`` and ``render_excerpt``, math
cache cleared, best of --repeat) and the times printed. The same generator at
the full 60,000 characters is then timed until it is refused (or rendered, if
it never hits a limit). Times are CPU milliseconds of this process, so other
work on a shared machine disturbs them less. Prints the worst of each kind at
the end.

    .venv/bin/python bench/render_bench.py [--repeat 3] [--only NAME]
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_CHARS = 60_000  # summaries.services.MAX_SOURCE_CHARS


def _text(unit: str):
    return lambda n: unit * n


def _join(make):
    return lambda n: "".join(make(i) for i in range(n))


def _nested_list(n: int) -> str:
    return "\n".join("  " * (i % 8) + "- item" for i in range(n))


def _fixtures_text(n: int) -> str:
    files = sorted((ROOT.parent / "shared" / "fixtures" / "summaries_md").glob("*.md"))
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in files] or ["x"]
    out, index = [], 0
    while sum(map(len, out)) < n * 1000:
        out.append(texts[index % len(texts)])
        index += 1
    return "\n\n".join(out)[: n * 1000]


def _table(columns: int, cell: str = "x"):
    def make(n: int) -> str:
        head = "|" + "|".join(["h"] * columns) + "|\n|" + "|".join(["-"] * columns) + "|\n"
        return head + ("|" + "|".join([cell] * columns) + "|\n") * n

    return make


def _work_composite(n: int) -> str:
    """The costliest units of every counter in turn, without unclosed brackets."""
    parts = [
        "- item **b** `c` <a@b.org> $x_{%d}$\n",
        "# heading *a* [l](/l)\n",
        "|a|b|c|d|\n|-|-|-|-|\n|$y$|*z*|1|2|\n\n",
        "$$\\mathbb{ABCDEFGHIJ} + \\frac{a_{%d}}{b}$$\n\n",
        "> quote ~~s~~ ![i](https://e.org/%d.png) arXiv:1512.03385 \\cite{k}[^n]\n\n",
    ]
    body = "".join(
        parts[i % len(parts)] % i if "%d" in parts[i % len(parts)] else parts[i % len(parts)]
        for i in range(n)
    )
    return body + "\n\n[^n]: note\n"


def _composite(n: int) -> str:
    """A bit of every costly thing in turn, n rounds."""
    parts = [
        "- item *a* **b** `c` [l](https://e.org/x) $x_{0}$\n",
        "> quote _with_ ~~marks~~ and <x@y.org>\n",
        "| a | b |\n|-|-|\n| $y$ | [z](/z) |\n\n",
        "Text[^n] with \\cite{k} arXiv:1512.03385 and ![i](https://e.org/i.png)\n\n",
        "$$\n\\sum_{i=1}^{n} \\frac{a_i}{b_i}\n$$\n\n",
        "[[[ *a _b `c $d \\( <e &amp; ",
    ]
    chunks = []
    for i in range(n):
        chunk = parts[i % len(parts)]
        chunks.append(chunk.replace("x_{0}", f"x_{{{i}}}"))
    return "".join(chunks) + "\n\n[^n]: note\n"


GENERATORS = {
    "brackets [": _text("["),
    "image brackets ![": _text("!["),
    "brackets [a": _text("[a"),
    "unclosed [ then marks": lambda n: "[x " * 50 + "*a" * n,
    "unclosed [` ]` then marks": lambda n: "[`]` " * 50 + "_a" * n,
    "emphasis *a": _text("*a"),
    "emphasis _a": _text("_a"),
    "strong **a": _text("**a"),
    "strike ~~a": _text("~~a"),
    "snake_case words": _text("a_b "),
    "backticks `": _text("`"),
    "code spans `a`": _text("`a` "),
    "backtick runs": _join(lambda i: "`" * (i % 30 + 1) + "a"),
    "entities &amp;": _text("&amp;"),
    "bidi entities &#x202E;": _text("&#x202E;"),
    "control entities &#1;": _text("&#1;"),
    "html-like <a>": _text("<a>"),
    "lonely <": _text("a<"),
    "backslashes": _text("a\\"),
    "newlines in a paragraph": _text("a\n"),
    "hard breaks": _text("a  \n"),
    "blank lines": _text("a\n\n"),
    "headings": _text("# h\n"),
    "empty headings": _text("#\n"),
    "setext headings": _text("a\n-\n"),
    "rules": _text("***\n"),
    "list items": _text("- a\n"),
    "ordered items": _text("1. a\n"),
    "nested lists 8 deep": _nested_list,
    "quote depth": lambda n: "> " * n + "deep",
    "list depth": lambda n: "- " * n + "deep",
    "quote lines 8 deep": _text("> > > > > > > > a\n"),
    "lazy quote lines": lambda n: "> a\n" + "b\n" * n,
    "fences": _text("```\n"),
    "fenced blocks": _text("```a\nb\n```\n"),
    "indented code": _text("    a\n"),
    "html blocks": _text("<div>\n"),
    "reference definitions": _join(lambda i: f"[r{i}]: /u{i}\n"),
    "reference links": lambda n: "[r]: /u\n\n" + "[a][r] " * n,
    "reference amplification": lambda n: "[r]: /" + "x" * 1900 + "\n\n" + "[a][r]" * n,
    "inline links": _text("[a](/b) "),
    "autolinks (mail)": _text("<x@y.org> "),
    "autolinks (http)": _text("<http://a.org/b> "),
    "images": _join(lambda i: f"![i](https://e{i}.org/i.png) "),
    "footnote refs": lambda n: "[^1]: note\n\n" + "x[^1] " * n,
    "footnote defs": _join(lambda i: f"x[^{i}]\n\n[^{i}]: n\n\n"),
    "inline footnotes": _text("^[a] "),
    "citations": lambda n: "\\cite{" + ",".join(f"k{i}" for i in range(n)) + "}",
    "arXiv identifiers": _text("arXiv:1512.03385 "),
    "DOIs": _join(lambda i: f"doi:10.1000/{i} "),
    "dollar runs": _text("$"),
    "unclosed $$ lines": _text("$$ a\n"),
    "unclosed \\[": _text("\\[ "),
    "unclosed \\(": _text("\\( "),
    "unclosed amsmath": _text("\\begin{align}\n"),
    "formulas (distinct)": _join(lambda i: f"${chr(97 + i % 26)}_{{{i}}}$ "),
    "display formulas": _join(lambda i: f"$$\nx^{{{i}}}\n$$\n"),
    "long formulas (letters)": _join(lambda i: "$" + "abcdefghij"[i % 10] * 4990 + "$\n\n"),
    "long formulas (mathbb)": _join(lambda i: "$\\mathbb{" + "ABCDEFGH"[i % 8] * 4980 + "}$\n\n"),
    "long formulas (x_1+)": _join(lambda i: "$" + f"x_{{{i}}}+" * 700 + "$\n\n"),
    "formula at the size cap": _join(lambda i: "$" + "a" * (4999 - len(str(i))) + str(i) + "$\n\n"),
    "deep \\frac": lambda n: "$" + "\\frac{" * n + "x" + "}{y}" * n + "$",
    "deep \\sqrt": lambda n: "$" + "\\sqrt{" * n + "x" + "}" * n + "$",
    "deep braces": lambda n: "$" + "{" * n + "x" + "}" * n + "$",
    "deep \\left(": lambda n: "$" + "\\left(" * n + "x" + "\\right)" * n + "$",
    "wide matrix": lambda n: "$$\\begin{matrix}" + "a&" * n + "a\\end{matrix}$$",
    "tall matrix": lambda n: "$$\\begin{matrix}" + "a\\\\" * n + "a\\end{matrix}$$",
    "matrices": _join(lambda i: "$$\\begin{matrix}" + "a&b\\\\" * 200 + f"{i}\\end{{matrix}}$$\n"),
    "table rows (1 column)": _table(1),
    "table rows (8 columns)": _table(8),
    "table rows (64 columns)": _table(64),
    "table cells with markup": _table(8, "*a* `b` $c$"),
    "table columns": lambda n: "|" + "a|" * n + "\n|" + "-|" * n + "\n|" + "b|" * n + "\n",
    "many small tables": _text("|a|b|\n|-|-|\n|c|d|\n\n"),
    "real summaries": _fixtures_text,
    "composite": _composite,
    "composite (no brackets)": _work_composite,
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precis.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()


def _fits(make, n: int) -> str | None:
    from precis.lib import richtext

    text = make(n)
    if len(text) > MAX_CHARS:
        return None
    try:
        richtext.check(text)
    except richtext.RenderLimitExceeded:
        return None
    return text


def largest_within_limits(make) -> tuple[int, str]:
    """The largest n (by bisection) whose text fits and passes the limits, and that text."""
    low, high = 0, 1
    while high <= MAX_CHARS and _fits(make, high) is not None:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if _fits(make, middle) is None:
            high = middle
        else:
            low = middle
    return low, make(low)


def largest_that_fits(make) -> str:
    """The generator's text at the full size, ignoring the limits."""
    low, high = 0, 1
    while high <= MAX_CHARS and len(make(high)) <= MAX_CHARS:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if len(make(middle)) > MAX_CHARS:
            high = middle
        else:
            low = middle
    return make(low)


def timed(function, text: str, repeat: int) -> tuple[float, str]:
    """Best-of-``repeat`` CPU seconds of ``function(text)``, and what happened.

    CPU time of this process, not wall time, so other work on a shared machine
    disturbs the numbers less.
    """
    from precis.lib import mathml, richtext

    best, outcome = float("inf"), ""
    for _ in range(repeat):
        richtext._math_html.cache_clear()
        mathml.convert.cache_clear()
        started = time.process_time()
        try:
            function(text)
            outcome = "ok"
        except richtext.RenderLimitExceeded as exc:
            outcome = f"refused: {exc.limit}"
        best = min(best, time.process_time() - started)
    return best, outcome


def usage(text: str) -> str:
    """What ``text`` spends of the budget's counters."""
    from precis.lib import richtext

    env: dict = {}
    richtext._parse(richtext._normalise_source(text), env)
    budget = env[richtext._BUDGET_KEY]
    return (
        f"[blocks {budget.blocks} markup {budget.markup} links {budget.links} "
        f"cells {budget.table_cells} formulas {budget.formulas} work {budget.work}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--only", help="run only generators whose name contains this")
    args = parser.parse_args()
    _setup()
    from precis.lib import richtext

    print(f"limits: {richtext.LIMITS}")
    print(
        f"{'generator':30} {'n':>6} {'chars':>6} {'render':>8} {'excerpt':>8} {'full size':>10}  outcome"
    )
    worst_render = worst_refusal = (0.0, "")
    for name, make in GENERATORS.items():
        if args.only and args.only not in name:
            continue
        n, text = largest_within_limits(make)
        render_s, _ = timed(richtext.render, text, args.repeat)
        excerpt_s, _ = timed(richtext.render_excerpt, text, args.repeat)
        full = largest_that_fits(make)
        full_s, outcome = timed(richtext.render, full, args.repeat)
        print(
            f"{name:30} {n:6} {len(text):6} {render_s * 1000:6.0f}ms {excerpt_s * 1000:6.0f}ms "
            f"{full_s * 1000:8.0f}ms  {outcome} ({len(full):,} chars) {usage(text)}",
            flush=True,
        )
        worst_render = max(worst_render, (max(render_s, excerpt_s), name))
        worst_refusal = max(worst_refusal, (full_s, name))
    print(f"worst within limits: {worst_render[0] * 1000:.0f} ms ({worst_render[1]})")
    print(
        f"worst at 60,000 chars (refused or rendered): {worst_refusal[0] * 1000:.0f} ms ({worst_refusal[1]})"
    )


if __name__ == "__main__":
    main()
