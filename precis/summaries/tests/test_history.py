"""The history page: a word-level diff of any two revisions, or both rendered; bounded."""

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


def test_it_marks_the_one_changed_word_of_a_paragraph(client, alice):
    paragraph = "We show that the bound holds for every convex loss and every step size."
    summary = SummaryFactory(author=alice, source=f"# Title\n\n{paragraph}")
    revise(summary, f"# Title\n\n{paragraph.replace('every step', 'any step')}")
    body = history(client, summary)
    assert "convex loss and <del>every</del><ins>any</ins> step size." in body
    assert body.count('class="diff-changed"') == 1
    assert 'class="diff-removed"' not in body and 'class="diff-added"' not in body


def test_it_shows_both_revisions_rendered_with_their_math(client, alice):
    summary = SummaryFactory(author=alice, source="Old claim: $x_1 < y$.")
    revise(summary, "New claim: $x_2 > y$.")
    body = history(client, summary)
    rendered_link = re.search(r'href="(\?a=1&amp;b=2&amp;view=rendered#diff-heading)"', body)
    assert rendered_link, "the rendered view is a plain link, no JavaScript needed"
    body = history(client, summary, a=1, b=2, view="rendered")
    assert body.count("<math") == 2
    assert "Old claim" in body and "New claim" in body
    assert 'aria-current="page">As rendered' in body
    assert 'class="diff"' not in body


def test_the_rendered_view_of_an_older_revision_is_cached(
    client, alice, django_assert_num_queries, no_page_cache
):
    summary = SummaryFactory(author=alice, source="First: $a$.")
    revise(summary, "Second: $b$.")
    revise(summary, "Third: $c$.")
    history(client, summary, a=1, b=2, view="rendered")  # renders both, keeps them
    with CaptureQueriesContext(connection) as first:
        history(client, summary, a=1, b=2, view="rendered")
    with CaptureQueriesContext(connection) as current:
        history(client, summary, a=2, b=3, view="rendered")
    assert len(first) == len(current)


def test_a_comparison_with_revision_0_shows_the_first_text_as_added(client, alice):
    summary = SummaryFactory(author=alice, source="Only line")
    body = history(client, summary, a=0, b=1)
    assert "Revision 1 (first)" in body
    assert "<ins>Only line</ins>" in body


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


def test_two_maximal_unrelated_revisions_give_a_bounded_page(client, alice):
    # 15,000 short lines each: more than the renderer now takes, as revisions stored
    # before its limits may have.
    first, second = prose(1, 60_000), prose(2, 60_000)
    old = "\n".join(first[i : i + 3] for i in range(0, 60_000, 4))
    new = "\n".join(second[i : i + 3] for i in range(0, 60_000, 4))
    summary = SummaryFactory(author=alice, source="Short for now.")
    for number, source in ((2, old), (3, new)):
        Revision.objects.create(
            summary=summary, number=number, source=source, visibility="public", anonymous=False
        )
    body = history(client, summary)
    assert body.count("<tr class=") == MAX_ROWS
    assert "more changed lines not shown" in body
    rendered = history(client, summary, view="rendered")
    assert rendered.count('<section class="rendered-revision"') == 2


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
