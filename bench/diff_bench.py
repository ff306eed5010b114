"""How long the history page's diffs take on large and hostile revisions.

It times ``summaries.diffing.compare`` (lines, then words, within its work
budget) on generated texts and prints one line per case; then, for the
rendered view, rendering both revisions and ``compare_blocks`` (the newer
revision's blocks marked against the older's). With ``--page`` it also times
the whole history page in both views (diff, rendering and template, nothing
cached) through Django's test client on a throw-away SQLite database:

    .venv/bin/python bench/diff_bench.py [--repeat 5] [--chars 60000] [--page]

Cases: a prose summary with many small edits (words changed, inserted and
deleted, sentences added, a paragraph moved), a one-word change, every third
word changed (the most word marks), a 24 KB summary with every paragraph
edited, and hostile ones: two unrelated texts of the same length, as
paragraphs and as 15,000 three-character lines; 30,000 one-character lines
in another order; one 100,000-character line with one word, and with 300
words, changed (from the word list, and with every word numbered, as real
prose has words found once each); one word repeated 15,000 times with words slipped in. The
text is generated here from a word list written for this benchmark.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import setup_django  # noqa: E402  (bench/ is the script's folder)

from precis.summaries import diffing  # noqa: E402  (after the path is set)

WORDS = (
    "the a of and to in we is that for this with on as by are model models data training "
    "loss network layer layers attention prior posterior sample samples gradient bound bounds "
    "theorem proof lemma result results show shows paper authors propose proposed method "
    "methods baseline baselines experiment experiments table figure section appendix error "
    "rate accuracy variance estimate estimator convex smooth linear kernel feature features "
    "representation learning inference latent variable variables objective regret policy "
    "reward agent environment step steps iteration iterations converge converges faster "
    "slower larger smaller dataset datasets benchmark benchmarks robust noise label labels"
).split()
FORMULAS = ["$x_1$", "$O(n \\log n)$", "$\\mathbb{E}[X]$", "$p(\\theta \\mid x)$", "$\\alpha$"]


def prose(rng: random.Random, chars: int, *, line_words: int | None = None) -> str:
    """Markdown-ish prose of about ``chars`` characters: paragraphs of sentences with
    some math, headings now and then; with ``line_words``, hard-wrapped lines."""
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        if rng.random() < 0.08:
            paragraph = "## " + " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()
        else:
            sentences = []
            for _ in range(rng.randint(3, 7)):
                words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
                if rng.random() < 0.3:
                    words.insert(rng.randrange(len(words)), rng.choice(FORMULAS))
                sentences.append(" ".join(words).capitalize() + ".")
            paragraph = " ".join(sentences)
            if line_words:
                tokens = paragraph.split(" ")
                paragraph = "\n".join(
                    " ".join(tokens[i : i + line_words]) for i in range(0, len(tokens), line_words)
                )
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:chars]


def edited(rng: random.Random, text: str, edits: int) -> str:
    """``text`` with ``edits`` small edits: a word replaced, inserted or deleted, a
    sentence appended to a paragraph, and one paragraph moved."""
    paragraphs = text.split("\n\n")
    for _ in range(edits):
        index = rng.randrange(len(paragraphs))
        words = paragraphs[index].split(" ")
        where = rng.randrange(len(words))
        roll = rng.random()
        if roll < 0.5:
            words[where] = rng.choice(WORDS)
        elif roll < 0.75:
            words.insert(where, rng.choice(WORDS))
        elif roll < 0.9 and len(words) > 1:
            del words[where]
        else:
            words.append("We add a sentence here about the " + rng.choice(WORDS) + ".")
        paragraphs[index] = " ".join(words)
    moved = paragraphs.pop(rng.randrange(len(paragraphs)))
    paragraphs.insert(rng.randrange(len(paragraphs)), moved)
    return "\n\n".join(paragraphs)


def every_third_word(text: str) -> str:
    """Every third word replaced: every line changed, and marked word by word."""
    words = text.split(" ")
    return " ".join("changed" if n % 3 == 0 else word for n, word in enumerate(words))


def one_word(text: str) -> str:
    middle = len(text) // 2
    start = text.index(" ", middle) + 1
    end = text.index(" ", start)
    return text[:start] + "changed" + text[end:]


def hostile_cases(base: str, wrapped: str) -> dict[str, tuple[str, str]]:
    rng = random.Random(11)
    short = prose(rng, 24_000)
    long_line = " ".join(rng.choice(WORDS) for _ in range(20_000))[:100_000]
    words = long_line.split(" ")
    scattered = " ".join(
        "changed" if n % (len(words) // 300) == 7 else word for n, word in enumerate(words)
    )
    repeated = "the " * 15_000
    # Real prose has words found once in each revision, which anchor the word diff.
    varied = " ".join(f"{rng.choice(WORDS)}{n}" for n in range(20_000))[:100_000]
    varied_words = varied.split(" ")
    varied_edited = " ".join(
        "changed" if n % (len(varied_words) // 300) == 7 else word
        for n, word in enumerate(varied_words)
    )
    return {
        "24 KB, every paragraph edited": (
            short,
            "\n\n".join(p.replace(" the ", " a ", 1) + " Added." for p in short.split("\n\n")),
        ),
        "worst: unrelated texts": (base, prose(random.Random(7), len(base))),
        "worst: unrelated short lines": (
            "\n".join(base[i : i + 3] for i in range(0, len(base), 4)),
            "\n".join(wrapped[i : i + 3] for i in range(0, len(wrapped), 4)),
        ),
        "worst: 30,000 one-letter lines": (
            "\n".join("ab"[n % 2] for n in range(30_000)),
            "\n".join("ba"[n % 3 % 2] for n in range(30_000)),
        ),
        "one 100,000-char line, 1 word": (long_line, one_word(long_line)),
        "one 100,000-char line, 300 words": (long_line, scattered),
        "one 100,000-char line, 300 varied": (varied, varied_edited),
        "one word 15,000 times, 2 added": (
            repeated,
            repeated[:20_000] + "a " + repeated[20_000:40_000] + "of " + repeated[40_000:],
        ),
    }


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (the median is shown)")
    parser.add_argument("--chars", type=int, default=60_000, help="characters per revision")
    parser.add_argument("--page", action="store_true", help="also time the whole history page")
    args = parser.parse_args()
    rng = random.Random(20240611)
    base = prose(rng, args.chars)
    wrapped = prose(rng, args.chars, line_words=10)
    cases = {
        "prose, 200 small edits": (base, edited(rng, base, 200)[: args.chars]),
        "prose, 1,000 small edits": (base, edited(rng, base, 1000)[: args.chars]),
        "wrapped lines, 300 small edits": (wrapped, edited(rng, wrapped, 300)[: args.chars]),
        "one word changed": (base, one_word(base)),
        "every third word changed": (base, every_third_word(base)),
        **hostile_cases(base, wrapped),
    }
    pages = page_timer() if args.page else None
    from precis.lib import richtext

    print(f"work budget: {diffing.WORK_BUDGET:,} steps; at most {diffing.MAX_ROWS:,} rows")
    print(f"load average when started: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("\nSource view: the diff of the two texts, lines then words")
    page_column = f" {'page ms':>8} {'KiB':>5}" if pages else ""
    print(
        f"{'case':34} {'chars':>15} {'ms':>8} {'steps':>8} {'rows':>6} {'left out':>8}  exact"
        + page_column
    )
    for name, (old, new) in cases.items():
        diff = diffing.compare(old, new)
        elapsed = median_ms(lambda old=old, new=new: diffing.compare(old, new), args.repeat)
        sizes = f"{len(old):,}/{len(new):,}"
        page_column = ""
        if pages:
            page_ms, page_bytes = pages(old, new, "source", args.repeat)
            page_column = f"   {page_ms:8.1f} {page_bytes / 1024:5.0f}"
        print(
            f"{name:34} {sizes:>15} {elapsed:8.1f} {diff.work:8,} {len(diff.lines):6}"
            f" {diff.rows_left_out:8}  {'yes' if diff.complete else 'no '}{page_column}"
        )

    print("\nRendered view: both revisions rendered (not strict, as stored ones), blocks marked")
    page_column = f" {'page ms':>8} {'KiB':>5}" if pages else ""
    print(
        f"{'case':34} {'render ms':>10} {'blocks ms':>10} {'blocks':>7} {'marked':>7}"
        f" {'by word':>7}  exact" + page_column
    )
    for name, (old, new) in cases.items():
        render_ms = median_ms(
            lambda old=old, new=new: (
                richtext.render(old, strict=False),
                richtext.render(new, strict=False),
            ),
            max(1, args.repeat // 2),
        )
        old_html, new_html = richtext.render(old, strict=False), richtext.render(new, strict=False)
        blocks = diffing.compare_blocks(old_html, new_html)
        blocks_ms = median_ms(
            lambda a=old_html, b=new_html: diffing.compare_blocks(a, b), args.repeat
        )
        page_column = ""
        if pages:
            page_ms, page_bytes = pages(old, new, "rendered", max(1, args.repeat // 2))
            page_column = f"   {page_ms:8.1f} {page_bytes / 1024:5.0f}"
        print(
            f"{name:34} {render_ms:10.1f} {blocks_ms:10.1f} {len(blocks.blocks):7}"
            f" {blocks.changes:7} {sum(1 for block in blocks if block.marked_html):7}"
            f"  {'yes' if blocks.complete else 'no '}{page_column}"
        )


def page_timer():
    """Set up Django on a throw-away SQLite database; return a function that stores two
    revisions and times the history page comparing them in one view (median ms with
    nothing cached, and the page's bytes)."""
    setup_django("precis-diff-bench-")
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from precis.accounts.models import User
    from precis.papers.models import Paper
    from precis.summaries.models import Revision, Summary

    settings.PAGE_CACHE_SECONDS = 0
    writer = User.objects.create_user(username="bench", email="bench@example.org")
    client = Client()

    def time_page(old: str, new: str, view: str, repeat: int) -> tuple[float, int]:
        paper = Paper.objects.create(title=f"Paper {Paper.objects.count()}")
        # Stored as revisions are, without the renderer's limits on new text.
        summary = Summary.objects.create(
            paper=paper, author=writer, source="Not compared.", visibility="public"
        )
        for number, source in ((1, old), (2, new)):
            Revision.objects.create(
                summary=summary, number=number, source=source, visibility="public", anonymous=False
            )
        path = f"/summaries/{summary.pk}/history?a=1&b=2&view={view}"
        size = len(client.get(path).content)
        times = []
        for _ in range(repeat):
            cache.clear()  # the diffs and rendered revisions are cached per pair
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times), size

    return time_page


if __name__ == "__main__":
    main()
