"""What the stored HTML of summaries and comments holds: @mentions linked to people who
exist, headings below the page's own, and a stale render redone after a renderer change."""

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.core.rerendering import rerender_stale
from precis.discussions.tests.factories import CommentFactory
from precis.lib.richtext import RENDERER_VERSION
from precis.notifications.models import Notification
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def test_a_summary_links_mentions_of_people_who_exist(alice, carol):
    summary = SummaryFactory(author=alice, source="Thanks @carol and @ghost; `@carol` in code.")
    assert '<a href="/u/carol/" class="mention">@carol</a> and @ghost;' in summary.html
    assert "<code>@carol</code>" in summary.html


def test_hidden_people_are_not_linked(alice):
    UserFactory(username="gone", is_active=False)
    summary = SummaryFactory(author=alice, source="ask @gone")
    assert 'class="mention"' not in summary.html


def test_comments_link_mentions_and_keep_headings_under_the_comments_heading(alice, carol):
    comment = CommentFactory(author=alice, source="### A point\n\n@carol, see above.")
    assert comment.html.startswith("<h3>A point</h3>")
    assert '<a href="/u/carol/" class="mention">@carol</a>' in comment.html


def test_summary_headings_sit_under_the_paper_pages_h2(alice):
    summary = SummaryFactory(author=alice, source="#### Method\n\n###### Detail\n\nText.")
    assert summary.html.startswith("<h3>Method</h3>\n<h4>Detail</h4>")


def test_notifications_go_to_the_people_the_text_links(
    alice, carol, django_capture_on_commit_callbacks
):
    dave = UserFactory(username="dave")
    with django_capture_on_commit_callbacks(execute=True):
        services.save_summary(
            author=alice,
            paper=PaperFactory(),
            source="Thanks @carol. The config key is `@dave`, mail x@dave.org.",
            visibility="public",
        )
    recipients = set(
        Notification.objects.filter(kind="mention").values_list("recipient", flat=True)
    )
    assert recipients == {carol.pk}
    assert dave.pk not in recipients


def test_a_renderer_change_re_renders_stored_summaries(alice, carol):
    summary = SummaryFactory(author=alice, source="$\\log D$ by @carol")
    Summary.objects.filter(pk=summary.pk).update(html="<p>old</p>", renderer_version=2)
    assert rerender_stale() >= 1
    summary.refresh_from_db()
    assert summary.renderer_version == RENDERER_VERSION
    assert "<mo>\u2061</mo>" in summary.html and 'class="mention"' in summary.html
