"""The history page's diff: correct, readable word by word, and bounded whatever the input."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from precis.summaries import diffing
from precis.summaries.diffing import MAX_ROWS, WORK_BUDGET, compare


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
    assert [(op, text) for op, text in row.segments if op != "="] == [
        ("-", "word1000"),
        ("+", "changed"),
    ]


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
