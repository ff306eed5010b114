"""The history page: a word-level diff of any two revisions' source, or the newer one
rendered with its changed blocks marked; both bounded, both escaping what writers type."""

import re

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.diffing import MAX_ROWS
from precis.summaries.models import Revision
from precis.summaries.tests.factories import SummaryFactory
from precis.summaries.views import REVISIONS_PER_PAGE

from .test_diffing import prose

pytestmark = pytest.mark.django_db

ADDED = '<span class="visually-hidden">[added: </span>'
REMOVED = '<span class="visually-hidden">[removed: </span>'
END = '<span class="visually-hidden">]</span>'


def history(client, summary, **params):
    response = client.get(reverse("summaries:history", args=[summary.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def revise(summary, source):
    return services.save_summary(
        author=summary.author,
        paper=summary.paper,
        source=source,
        visibility=summary.visibility,
        anonymous=summary.anonymous,
    )


def stored(summary, *sources):
    """Revisions stored as old ones may be, past the renderer's present limits; numbered
    after the summary's own first revision."""
    for number, source in enumerate(sources, start=2):
        Revision.objects.create(
            summary=summary, number=number, source=source, visibility="public", anonymous=False
        )


def diff_rows(body):
    return re.findall(r'<tr class="diff-(\w+)">', body)


def test_it_marks_the_one_changed_word_of_a_paragraph_for_eyes_and_screen_readers(client, alice):
    paragraph = "We show that the bound holds for every convex loss and every step size."
    summary = SummaryFactory(author=alice, source=f"# Title\n\n{paragraph}")
    revise(summary, f"# Title\n\n{paragraph.replace('every step', 'any step')}")
    body = history(client, summary)
    assert (
        f"convex loss and <del>{REMOVED}every{END}</del><ins>{ADDED}any{END}</ins> step size."
        in body
    )
    assert diff_rows(body) == ["same", "same", "changed"]
    assert '<span class="visually-hidden">changed</span>' in body


def test_whole_lines_added_or_removed_say_so_in_words(client, alice):
    summary = SummaryFactory(author=alice, source="Kept.\n\nDropped entirely, every word.")
    revise(summary, "Kept.\n\nSomething else altogether here.")
    body = history(client, summary)
    assert "removed" in diff_rows(body) and "added" in diff_rows(body)
    assert '<span aria-hidden="true">−</span><span class="visually-hidden">removed</span>' in body
    assert '<span aria-hidden="true">+</span><span class="visually-hidden">added</span>' in body
    assert '<th scope="col" class="diff-num"><span aria-hidden="true">r1</span>' in body


def test_unchanged_lines_between_changes_collapse_to_a_counted_gap(client, alice):
    lines = [f"Line {n} of the text." for n in range(1, 41)]
    summary = SummaryFactory(author=alice, source="\n".join(lines))
    edited = [
        line.replace("of the", "in the") if n in (2, 38) else line
        for n, line in enumerate(lines, 1)
    ]
    revise(summary, "\n".join(edited))
    body = history(client, summary)
    assert diff_rows(body).count("gap") == 1
    assert "⋯ 29 unchanged lines ⋯" in body  # 40 lines, 2 changed, 3 of context on each side
    assert "Line 20 of the text." not in body


def test_a_long_unchanged_paragraph_around_a_one_word_change_is_cut_to_context(client, alice):
    words = " ".join(f"w{n}" for n in range(20_000))  # one line of about 100,000 characters
    summary = SummaryFactory(author=alice, source="Short.")
    stored(summary, words, words.replace(" w10000 ", " changed "))
    body = history(client, summary)
    assert diff_rows(body) == ["changed"]
    assert f"<del>{REMOVED}w10000{END}</del><ins>{ADDED}changed{END}</ins>" in body
    assert body.count('<span class="diff-elided">') == 2
    assert len(body) < 30_000  # the whole line is 100 KB


def test_it_shows_the_newer_revision_rendered_with_math_and_its_changes_marked(client, alice):
    summary = SummaryFactory(
        author=alice, source="Intro stays.\n\nOld claim: $x_1 < y$ holds.\n\nA paragraph to drop."
    )
    revise(summary, "Intro stays.\n\nNew claim: $x_1 < y$ holds.\n\nA brand new closing remark.")
    body = history(client, summary)
    rendered_link = re.search(r'href="(\?a=1&amp;b=2&amp;view=rendered#diff-heading)"', body)
    assert rendered_link, "the rendered view is a plain link, no JavaScript needed"
    body = history(client, summary, a=1, b=2, view="rendered")
    assert 'aria-current="page">Rendered' in body
    assert 'class="diff"' not in body
    blocks = re.findall(r'<div class="rdiff rdiff-(\w+)" id="change-(\d)">', body)
    assert blocks == [("changed", "1"), ("added", "2"), ("removed", "3")]
    changed = body[body.index('id="change-1"') : body.index('id="change-2"')]
    assert "<math" in changed
    assert f'<del class="rdiff-word">{REMOVED}Old{END}</del>' in changed  # word by word
    assert f'<ins class="rdiff-word">{ADDED}New{END}</ins> claim' in changed
    assert "<summary>Before" in changed and "Old claim" in changed  # what it replaced
    assert '<a href="#change-2" class="rdiff-next">' in changed
    assert "<p>Intro stays.</p>" in body  # unchanged, unmarked
    assert ">1 changed</span>" in body and ">1 added</span>" in body and ">1 removed</span>" in body
    assert '<p class="rdiff-label"><span class="rdiff-tag">Removed</span></p>' in body


def test_a_paragraph_citing_a_known_paper_is_not_marked_when_it_did_not_change(client, alice):
    cited = PaperFactory(title="Deep residual learning", arxiv="1512.03385")
    kept = r"Builds on \cite{1512.03385} directly."
    summary = SummaryFactory(author=alice, source=f"{kept}\n\nOld ending.")
    revise(summary, f"{kept}\n\nA wholly different ending sentence.")
    assert cited.title in summary.__class__.objects.get(pk=summary.pk).html  # stored: by title
    body = history(client, summary, view="rendered")
    blocks = re.findall(r'<div class="rdiff rdiff-(\w+)"', body)
    assert blocks == ["changed"]  # the ending; the citing paragraph is unmarked
    assert "<p>Builds on <a" in body


def test_the_first_revision_rendered_is_shown_without_marks(client, alice):
    summary = SummaryFactory(author=alice, source="Only text with $a^2$.")
    body = history(client, summary, view="rendered")
    assert "Revision 1 (first)" in body
    assert "<math" in body and 'class="rdiff ' not in body


def test_the_rendered_view_of_older_revisions_is_cached(client, alice, no_page_cache):
    summary = SummaryFactory(author=alice, source="First: $a$.")
    revise(summary, "Second: $b$.")
    revise(summary, "Third: $c$.")
    history(client, summary, a=1, b=2, view="rendered")  # renders both, keeps the result
    with CaptureQueriesContext(connection) as first:
        history(client, summary, a=1, b=2, view="rendered")
    with CaptureQueriesContext(connection) as current:
        history(client, summary, a=2, b=3, view="rendered")
    assert len(first) == len(current)


@pytest.mark.parametrize("view", ["source", "rendered"])
def test_markup_in_a_revision_is_shown_as_text_in_both_views(client, alice, view):
    hostile = (
        "<script>alert('x')</script> <img src=x onerror=alert(1)> "
        '<a href="javascript:alert(2)">click</a> </td></tr></table><div class="rdiff">'
    )
    summary = SummaryFactory(author=alice, source="A plain first text.")
    revise(summary, f"A plain first text. {hostile}")
    body = history(client, summary, view=view)
    main = body[body.index('id="diff-heading"') : body.index('id="revisions"')]
    assert "<script" not in main.lower()
    assert "<img" not in main and '<a href="javascript' not in main
    assert main.count("<table") == main.count("</table>")
    assert main.count('<div class="rdiff"') == 0
    assert "&lt;script&gt;alert(" in main and "&lt;img src=x onerror=alert(1)&gt;" in main


def test_the_revisions_compared_are_chosen_by_a_and_b(client, alice):
    summary = SummaryFactory(author=alice, source="alpha one")
    for text in ("alpha two", "alpha three", "alpha four"):
        revise(summary, text)
    body = history(client, summary, a=1, b=3)
    assert "Revision 1 → 3" in body
    assert f"<del>{REMOVED}one{END}</del><ins>{ADDED}three{END}</ins>" in body
    assert (
        'name="a" min="0" max="4" value="1"' in body
        and 'name="b" min="1" max="4" value="3"' in body
    )
    default = history(client, summary)
    assert "Revision 3 → 4" in default
    same = history(client, summary, a=2, b=2)
    assert "No changes in the text" in same
    reversed_ = history(client, summary, a=4, b=1)
    assert "Revision 4 → 1" in reversed_
    assert f"<del>{REMOVED}four{END}</del><ins>{ADDED}one{END}</ins>" in reversed_


@pytest.mark.parametrize(
    "params",
    [
        {"a": "x", "b": "y"},
        {"a": "-3", "b": "999999999999999999999999"},
        {"b": "0"},
        {"a": "1e3", "b": "2.5"},
        {"view": "<script>"},
    ],
)
def test_nonsense_revision_numbers_fall_back_to_the_latest_change(client, alice, params):
    summary = SummaryFactory(author=alice, source="alpha one")
    revise(summary, "alpha two")
    body = history(client, summary, **params)
    assert "Revision 1 → 2" in body
    assert 'aria-current="page">Source' in body
    assert "<script>" not in body.split('id="revisions"')[0].split("</header>")[-1]


def test_a_comparison_with_revision_0_shows_the_first_text_as_added(client, alice):
    summary = SummaryFactory(author=alice, source="Only line")
    body = history(client, summary, a=0, b=1)
    assert "Revision 1 (first)" in body
    assert diff_rows(body) == ["added"]
    assert "><ins>Only line</ins></td>" in body


def test_the_diff_table_gives_the_text_its_width(client, alice):
    summary = SummaryFactory(author=alice, source="one")
    revise(summary, "two")
    body = history(client, summary)
    assert "<caption" not in body  # a hidden caption broke the fixed layout
    assert (
        '<col class="diff-col-num"><col class="diff-col-num"><col class="diff-col-sign"><col>'
        in body
    )
    assert 'aria-labelledby="diff-heading"' in body


def test_two_maximal_unrelated_revisions_give_a_bounded_page_in_both_views(client, alice):
    # 15,000 short lines each: more than the renderer now takes, as revisions stored
    # before its limits may have.
    first, second = prose(1, 60_000), prose(2, 60_000)
    old = "\n".join(first[i : i + 3] for i in range(0, 60_000, 4))
    new = "\n".join(second[i : i + 3] for i in range(0, 60_000, 4))
    summary = SummaryFactory(author=alice, source="Short for now.")
    stored(summary, old, new)
    body = history(client, summary)
    assert len(diff_rows(body)) == MAX_ROWS
    assert "more changed lines not shown" in body
    assert len(body) < 400_000
    rendered = history(client, summary, view="rendered")
    assert 'class="prose rendered-diff"' in rendered
    assert len(rendered) < 4 * (len(old) + len(new))


def test_a_24_kb_rewrite_gives_a_bounded_page_in_both_views(client, alice):
    old, new = prose(3, 24_000), prose(4, 24_000)
    # And an edit to every paragraph: all 24 KB of it changed.
    edited = "\n\n".join(p.replace(" the ", " a ", 1) + " Added." for p in old.split("\n\n"))
    summary = SummaryFactory(author=alice, source="Short for now.")
    stored(summary, old, new, edited)
    for a, b in ((2, 3), (2, 4)):
        body = history(client, summary, a=a, b=b)
        assert 0 < len(diff_rows(body)) <= MAX_ROWS
        assert len(body) < 200_000
        rendered = history(client, summary, a=a, b=b, view="rendered")
        assert len(rendered) < 300_000
    paragraphs = len(old.split("\n\n"))
    rendered = history(client, summary, a=2, b=4, view="rendered")
    assert len(re.findall(r'<div class="rdiff rdiff-changed"', rendered)) == paragraphs


def test_repeated_tokens_and_many_tiny_lines_give_a_bounded_page(client, alice):
    repeated = "the " * 15_000
    tiny = "\n".join("ab"[n % 2] for n in range(30_000))
    summary = SummaryFactory(author=alice, source="Short for now.")
    stored(
        summary,
        repeated,
        repeated[:20_000] + "a " + repeated[20_000:40_000] + "of " + repeated[40_000:],
        tiny,
        "\n".join("ba"[n % 3 % 2] for n in range(30_000)),
    )
    body = history(client, summary, a=2, b=3)
    assert diff_rows(body) == ["changed"]
    assert body.count("<ins>") == 2 and body.count('<span class="diff-elided">') == 3
    body = history(client, summary, a=4, b=5)
    assert len(diff_rows(body)) == MAX_ROWS
    assert "changed too much to compare line by line" in body


def test_it_lists_revisions_a_page_at_a_time_and_loads_only_two_texts(client, alice, no_page_cache):
    summary = SummaryFactory(author=alice, source="Revision 1")
    for n in range(2, 4):
        revise(summary, f"Revision {n}")
    history(client, summary)
    with CaptureQueriesContext(connection) as few:
        history(client, summary)
    for n in range(4, 121):
        revise(summary, f"Revision {n}")
    texts = []

    def loaded(instance, **kwargs):
        if "source" in instance.__dict__:
            texts.append(instance.number)

    post_init.connect(loaded, sender=Revision)
    try:
        with CaptureQueriesContext(connection) as many:
            body = history(client, summary)
    finally:
        post_init.disconnect(loaded, sender=Revision)
    assert len(many) == len(few)
    assert sorted(set(texts)) == [119, 120]
    assert body.count('<a href="?b=') == REVISIONS_PER_PAGE
    assert "Page 1 of 3" in body
    page_3 = history(client, summary, page=3)
    assert '<ol class="revisions" reversed start="20">' in page_3
    assert '<a href="?b=1">Revision 1</a>' in page_3


def test_restore_is_offered_for_every_revision_but_the_latest(client, alice):
    paper = PaperFactory()
    summary = SummaryFactory(author=alice, paper=paper, source="first")
    revise(summary, "second")
    client.force_login(alice)
    body = history(client, summary)
    assert reverse("summaries:restore", args=[summary.pk, 1]) in body
    assert reverse("summaries:restore", args=[summary.pk, 2]) not in body


def test_an_anonymous_summarys_history_gives_others_the_day_not_the_time(client, alice, carol):
    summary = SummaryFactory(author=alice, anonymous=True, source="First words.")
    revise(summary, "Second words.")
    client.force_login(carol)
    body = history(client, summary)
    times = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', body)
    assert len(times) == 2
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp) for stamp, _ in times)
    assert not any(re.search(r"\d\d:\d\d", shown) for _, shown in times)
    # Its writer sees the time.
    client.force_login(alice)
    assert re.search(
        r'<time datetime="[^"]+T[^"]+">[^<]+ \d\d:\d\d</time>', history(client, summary)
    )
