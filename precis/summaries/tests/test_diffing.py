"""The history page's diff: correct, readable word by word, and bounded whatever the input."""

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from precis.lib import richtext
from precis.summaries import diffing
from precis.summaries.diffing import (
    CONTEXT_CHARS,
    ELIDED,
    LONG_RUN,
    MARK_ADDED,
    MARK_END,
    MARK_REMOVED,
    MAX_ROWS,
    WORK_BUDGET,
    compare,
    compare_blocks,
    split_blocks,
)


def rows(old, new, **options):
    return [(r.kind, r.old_number, r.new_number, r.segments) for r in compare(old, new, **options)]


def sides(diff):
    """The old and the new text as the rows show them (for diffs without gaps)."""
    old, new = [], []
    for row in diff:
        if row.kind != "added":
            old.append("".join(t for op, t in row.segments if op != "+"))
        if row.kind != "removed":
            new.append("".join(t for op, t in row.segments if op != "-"))
    return "\n".join(old), "\n".join(new)


def lcs_length(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]


def test_it_marks_a_changed_word_in_place_instead_of_replacing_the_line():
    assert rows("line one\nline two", "line one\nline 2") == [
        ("same", 1, 1, (("=", "line one"),)),
        ("changed", 2, 2, (("=", "line "), ("-", "two"), ("+", "2"))),
    ]


def test_it_marks_one_changed_word_in_a_long_paragraph_and_nothing_else():
    paragraph = " ".join(f"word{n}" for n in range(2000))
    [row] = compare(paragraph, paragraph.replace("word1000 ", "changed ")).lines
    assert row.kind == "changed"
    assert [(op, text) for op, text in row.segments if op in "+-"] == [
        ("-", "word1000"),
        ("+", "changed"),
    ]


def test_a_long_paragraph_with_too_many_edits_to_search_is_anchored_on_its_words():
    words = [f"word{n}" for n in range(6000)]
    edited = [f"new{n}" if n % 20 == 7 else word for n, word in enumerate(words)]
    diff = compare(" ".join(words), " ".join(edited))
    [row] = diff.lines
    assert row.kind == "changed"
    assert [text for op, text in row.segments if op == "+"] == [
        f"new{n}" for n in range(7, 6000, 20)
    ]
    assert diff.work <= WORK_BUDGET


def test_it_joins_neighbouring_word_changes_into_one():
    [row] = compare("the quick brown fox", "a slow brown fox").lines
    assert row.segments == (("-", "the quick"), ("+", "a slow"), ("=", " brown fox"))


def test_it_shows_a_rewritten_line_as_removed_then_added():
    assert rows("alpha beta gamma", "one two three") == [
        ("removed", 1, None, (("-", "alpha beta gamma"),)),
        ("added", None, 1, (("+", "one two three"),)),
    ]


def test_it_shows_whole_lines_added_or_removed_inside_a_changed_stretch_on_their_own_rows():
    assert rows("one two", "zero\none two three") == [
        ("added", None, 1, (("+", "zero"),)),
        ("changed", 1, 2, (("=", "one two"), ("+", " three"))),
    ]


def test_it_shows_two_joined_lines_as_one_changed_row():
    assert rows("a\nb", "a b") == [
        ("changed", 1, 1, (("=", "a"), ("-", "\n"), ("+", " "), ("=", "b")))
    ]


def test_it_compares_cjk_text_character_by_character():
    [row] = compare("我们提出一种方法", "我们提出两种方法").lines
    assert row.segments == (("=", "我们提出"), ("-", "一"), ("+", "两"), ("=", "种方法"))


def test_it_trims_unchanged_lines_to_context_with_gaps_between():
    old = "\n".join(f"line {n}" for n in range(1, 41))
    new = old.replace("line 10\n", "line ten\n").replace("line 30\n", "line thirty\n")
    diff = rows(old, new, context=2)
    around_change = ["same", "same", "changed", "same", "same", "gap"]
    assert [kind for kind, *_ in diff] == ["gap", *around_change, *around_change]
    assert [number for kind, number, *_ in diff if kind == "changed"] == [10, 30]


def test_a_gap_says_how_many_unchanged_lines_it_stands_for():
    old = "\n".join(f"line {n}" for n in range(1, 101))
    new = old.replace("line 50\n", "line fifty\n")
    gaps = [row.skipped for row in compare(old, new, context=3) if row.kind == "gap"]
    assert gaps == [46, 47]  # lines 1 to 46 and 54 to 100


def test_a_long_unchanged_run_in_a_changed_line_keeps_context_at_both_ends():
    start = " ".join(f"a{n}" for n in range(2000))
    end = " ".join(f"b{n}" for n in range(2000))
    [row] = compare(f"{start} old {end}", f"{start} new {end}").lines
    ops = [op for op, _ in row.segments]
    assert ops == ["=", ELIDED, "=", "-", "+", "=", ELIDED, "="]
    kept = [text for op, text in row.segments if op == "="]
    assert kept[0].startswith("a0 a1 ") and kept[1].endswith("a1999 ")
    assert kept[2].startswith(" b0 b1") and kept[3].endswith("b1999")
    assert all(len(text) <= CONTEXT_CHARS + 1 for text in kept)
    elided = [int(text.replace(",", "")) for op, text in row.segments if op == ELIDED]
    assert sum(elided) + sum(map(len, kept)) == len(start) + len(end) + 2
    assert kept[0].endswith(" ") and kept[1][0] != " "  # cut between words


def test_long_unchanged_context_lines_are_cut_too_but_short_runs_are_not():
    long_line = "x" * (LONG_RUN + 1)
    rows_ = compare(f"{long_line}\nold", f"{long_line}\nnew").lines
    assert [op for op, _ in rows_[0].segments] == ["=", ELIDED, "="]
    short = "y" * LONG_RUN
    assert compare(f"{short}\nold", f"{short}\nnew").lines[0].segments == (("=", short),)


def test_it_shows_nothing_for_identical_texts():
    assert compare("same\ntext", "same\ntext").lines == []


def test_it_numbers_lines_on_both_sides():
    diff = rows("a\nb\nc\nd", "a\nX\nb\nd", context=5)
    assert diff == [
        ("same", 1, 1, (("=", "a"),)),
        ("added", None, 2, (("+", "X"),)),
        ("same", 2, 3, (("=", "b"),)),
        ("removed", 3, None, (("-", "c"),)),
        ("same", 4, 4, (("=", "d"),)),
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abcd"), max_size=12),
    st.lists(st.sampled_from("abcde"), max_size=12),
)
def test_its_line_diff_is_a_shortest_edit_script(a, b):
    ids_a, ids_b = diffing._intern(a, b)
    opcodes = diffing._trimmed_diff(ids_a, ids_b, diffing._Budget(10**9), limit=10**9)
    edits, i, j = 0, 0, 0
    for tag, i1, i2, j1, j2 in opcodes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        else:
            edits += i2 - i1 + j2 - j1
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    assert edits == len(a) + len(b) - 2 * lcs_length(a, b)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab \n.é我", max_size=60),
    st.text(alphabet="abc \n.é我", max_size=60),
)
def test_its_rows_hold_both_texts_exactly(old, new):
    diff = compare(old, new, context=10_000)
    if old.splitlines() != new.splitlines():
        assert sides(diff) == ("\n".join(old.splitlines()), "\n".join(new.splitlines()))


def prose(seed, chars):
    rng = random.Random(seed)
    words = ["model", "data", "prior", "bound", "proof", "loss", "the", "of", "we", "show"]
    text = []
    while sum(map(len, text)) < chars:
        text.append(" ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + ".")
    return "\n\n".join(text)[:chars]


def test_it_stays_within_its_budget_for_two_unrelated_maximal_revisions():
    old, new = prose(1, 60_000), prose(2, 60_000)
    diff = compare(old, new)
    assert diff.work <= WORK_BUDGET + 60_000  # the budget, plus at most one snake's overrun
    assert len(diff.lines) <= MAX_ROWS


def test_it_falls_back_to_replacing_wholesale_past_its_budget_and_says_so():
    old = "\n".join("ab"[n % 2] for n in range(30_000))
    new = "\n".join("ba"[n % 3 % 2] for n in range(30_000))
    diff = compare(old, new)
    assert diff.work <= WORK_BUDGET + 30_000
    assert not diff.complete
    assert len(diff.lines) == MAX_ROWS
    assert diff.rows_left_out > 0
    assert {row.kind for row in diff.lines} <= {"same", "gap", "removed", "added"}


def test_it_matches_lines_found_once_in_each_text_when_the_search_is_too_long():
    old = "\n".join(f"paragraph {n}" for n in range(5000))
    new = "\n".join(f"paragraph {n}" for n in range(5000) if n % 3)  # 1,667 lines removed
    diff = compare(old, new, context=0)
    assert diff.complete
    removed = [row.old_number for row in diff.lines if row.kind == "removed"]
    assert removed[:3] == [1, 4, 7]
    assert len(removed) + diff.rows_left_out == 1667


def test_a_tiny_budget_still_gives_a_correct_diff():
    old, new = prose(3, 3000), prose(4, 3000)
    diff = compare(old, new, budget=10, context=10_000)
    assert sides(diff) == ("\n".join(old.splitlines()), "\n".join(new.splitlines()))


# --------------------------------------------------------------------------
# The rendered view's blocks
# --------------------------------------------------------------------------


def test_it_splits_sanitised_html_into_its_top_level_blocks():
    html = (
        "<h3>Head</h3>\n<p>One <em>two</em> <math><mi>x</mi><mspace/></math></p>\n"
        '<ul>\n<li>a<ul><li>b</li></ul></li>\n</ul>\n<hr>\n<hr class="footnotes-sep">\n'
        '<math display="block"><mi>y</mi></math>\n<p>a &lt;b&gt; c<br>d</p>\n'
    )
    assert split_blocks(html) == [
        "<h3>Head</h3>",
        "<p>One <em>two</em> <math><mi>x</mi><mspace/></math></p>",
        "<ul>\n<li>a<ul><li>b</li></ul></li>\n</ul>",
        "<hr>",
        '<hr class="footnotes-sep">',
        '<math display="block"><mi>y</mi></math>',
        "<p>a &lt;b&gt; c<br>d</p>",
    ]
    assert split_blocks("") == []


def test_unbalanced_html_comes_back_as_one_block_so_nothing_is_lost():
    assert split_blocks("<p>open <em>never closed</p>") == ["<p>open <em>never closed</p>"]
    assert split_blocks("</p>stray<p>x</p>") == ["</p>stray<p>x</p>"]


def test_it_marks_blocks_changed_added_and_removed_in_the_newer_order():
    old = "<p>Intro stays.</p>\n<p>The bound holds for convex losses.</p>\n<p>Dropped.</p>"
    new = (
        "<p>Intro stays.</p>\n<p>The bound holds for all convex losses.</p>\n"
        "<p>Entirely new words here.</p>"
    )
    diff = compare_blocks(old, new)
    assert [(b.kind, b.change) for b in diff] == [
        ("same", 0),
        ("changed", 1),
        ("added", 2),
        ("removed", 3),
    ]
    changed = diff.blocks[1]
    assert changed.old_html == "<p>The bound holds for convex losses.</p>"
    assert (diff.changed, diff.added, diff.removed, diff.changes) == (1, 1, 1, 3)


def test_a_block_of_another_kind_is_not_a_change_of_the_old_one():
    diff = compare_blocks("<p>alpha beta</p>", "<h3>alpha beta</h3>")
    assert [b.kind for b in diff] == ["added", "removed"]


def test_footnote_ids_of_different_renders_are_not_changes():
    old = '<p>x<sup><a href="#fn-rev1-1" id="fnref-rev1-1">[1]</a></sup></p>'
    new = '<p>x<sup><a href="#fn-3fa9c2d1-1" id="fnref-3fa9c2d1-1">[1]</a></sup></p>'
    assert [b.kind for b in compare_blocks(old, new)] == ["same"]


def test_the_block_diff_is_bounded_for_thousands_of_unrelated_blocks():
    old = "\n".join(f"<p>old{n % 7}</p>" for n in range(20_000))
    new = "\n".join(f"<p>new{n % 5}</p>" for n in range(20_000))
    diff = compare_blocks(old, new, budget=50_000)
    assert not diff.complete
    assert diff.added == 20_000 and diff.removed == 20_000


def test_it_splits_the_renderers_own_output_into_whole_blocks():
    html = richtext.render(
        "# Head\n\nText $x < y$ and a note[^1] <b>raw</b>.\n\n- a\n- b\n\n$$\\sum_i x_i$$\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n<p> not a tag\n```\n\n---\n\n[^1]: The note.",
        doc_id="rev1",
    )
    blocks = split_blocks(html)
    tags = [re.match(r"<(\w+)", block).group(1) for block in blocks]
    # Display math is a top-level <math> (or a box the renderer puts it in).
    assert tags[:3] + tags[4:] == ["h3", "p", "ul", "table", "pre", "hr", "hr", "section"]
    assert 'display="block"' in blocks[3] and blocks[3].endswith(f"</{tags[3]}>")
    assert "\n".join(blocks) == html.strip()


def test_a_changed_block_has_its_words_marked_and_stays_balanced():
    old = richtext.render("We prove $x_1 < y$ for *every* convex loss.\n\n| a |\n|---|\n| 1 |")
    new = richtext.render("We prove $x_2 < y$ for every smooth convex loss.\n\n| a |\n|---|\n| 2 |")
    paragraph, table = compare_blocks(old, new).blocks
    assert paragraph.kind == table.kind == "changed"
    marked = paragraph.marked_html
    assert re.search(
        f"{re.escape(MARK_ADDED)} ?smooth ?{re.escape(MARK_END)}</ins> ?convex", marked
    )
    # A formula is never marked inside: the old one is removed whole, the new one added.
    assert re.search(
        f"{re.escape(MARK_REMOVED)}<math[^>]*>.*x_1.*</math>{re.escape(MARK_END)}", marked
    )
    assert re.search(
        f"{re.escape(MARK_ADDED)}<math[^>]*>.*x_2.*</math>{re.escape(MARK_END)}", marked
    )
    assert "<em>" not in marked  # the newer block's markup, not the older's
    assert (
        f"<td>{MARK_REMOVED}1{MARK_END}</del>{MARK_ADDED}2{MARK_END}</ins></td>"
        in table.marked_html
    )
    for block in (paragraph, table):
        assert split_blocks(block.marked_html) == [block.marked_html]
        plain = re.sub(r"<(ins|del)[^>]*>.*?</\1>", "", block.marked_html)
        assert "<ins" not in block.html and plain.count("<") <= block.html.count("<")


def test_markup_typed_as_text_stays_text_when_words_are_marked():
    old = richtext.render("Say &lt;b&gt; and <i>x</i> here.")
    new = richtext.render("Say <script>alert(1)</script> and <i>y</i> here.")
    [block] = compare_blocks(old, new).blocks
    assert "<script" not in block.marked_html and "<i>" not in block.marked_html
    assert f"&lt;{MARK_REMOVED}b{MARK_END}</del>{MARK_ADDED}script" in block.marked_html


def test_words_are_not_marked_past_the_budget_but_the_block_still_is():
    old = "<p>" + " ".join(f"a{n}" for n in range(3000)) + "</p>"
    new = "<p>" + " ".join(f"a{n}" if n % 2 else f"b{n}" for n in range(3000)) + "</p>"
    [block] = compare_blocks(old, new, budget=5_000).blocks
    assert block.kind == "changed" and block.marked_html == ""
