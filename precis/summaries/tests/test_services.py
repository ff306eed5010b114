import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections

from precis.accounts.tests.factories import UserFactory
from precis.lib import richtext
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.models import DailyViews, Summary, Vote
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def test_it_renders_and_keeps_a_revision_on_first_save(alice):
    summary = SummaryFactory(author=alice, source="Energy is $E = mc^2$.")
    assert "<math" in summary.html
    assert summary.renderer_version == richtext.RENDERER_VERSION
    assert [r.number for r in summary.revisions.all()] == [1]
    assert summary.published_at is not None


def test_it_appends_a_revision_per_change_and_none_for_a_double_submit(alice):
    paper = PaperFactory()
    kwargs = {"author": alice, "paper": paper, "visibility": "private"}
    services.save_summary(source="first", **kwargs)
    services.save_summary(source="second", **kwargs)
    services.save_summary(source="second", **kwargs)  # the same form posted twice
    summary = services.save_summary(source="second", **{**kwargs, "visibility": "public"})
    assert [r.source for r in summary.revisions.order_by("number")] == ["first", "second", "second"]
    assert [r.visibility for r in summary.revisions.order_by("number")][-1] == "public"
    assert Summary.objects.filter(author=alice, paper=paper).count() == 1


def test_it_sets_published_at_only_when_first_public(alice):
    paper = PaperFactory()
    draft = services.save_summary(author=alice, paper=paper, source="x", visibility="private")
    assert draft.published_at is None
    published = services.save_summary(author=alice, paper=paper, source="x", visibility="public")
    first_published = published.published_at
    again = services.save_summary(author=alice, paper=paper, source="y", visibility="public")
    assert again.published_at == first_published


@pytest.mark.parametrize("source", ["", "   \n  ", "x" * (services.MAX_SOURCE_CHARS + 1)])
def test_it_rejects_empty_or_huge_sources(alice, source):
    with pytest.raises(ValidationError):
        services.save_summary(
            author=alice, paper=PaperFactory(), source=source, visibility="public"
        )


def test_it_restores_an_old_revision_as_a_new_one(alice):
    paper = PaperFactory()
    services.save_summary(author=alice, paper=paper, source="old words", visibility="public")
    summary = services.save_summary(
        author=alice, paper=paper, source="new words", visibility="public"
    )
    first = summary.revisions.get(number=1)
    restored = services.restore_revision(summary=summary, revision=first, editor=alice)
    assert restored.source == "old words"
    assert restored.revisions.count() == 3
    assert restored.revisions.get(number=3).note == "Restored revision 1"


def test_only_the_writer_restores_deletes_or_undeletes(alice, carol):
    summary = SummaryFactory(author=alice)
    with pytest.raises(PermissionDenied):
        services.delete_summary(summary=summary, editor=carol)
    with pytest.raises(PermissionDenied):
        services.restore_revision(summary=summary, revision=summary.revisions.get(), editor=carol)
    services.delete_summary(summary=summary, editor=alice)
    with pytest.raises(PermissionDenied):
        services.undelete_summary(summary=summary, editor=carol)


def test_soft_delete_hides_and_undo_brings_back(alice):
    summary = SummaryFactory(author=alice)
    services.delete_summary(summary=summary, editor=alice)
    assert not Summary.objects.listed().filter(pk=summary.pk).exists()
    assert summary.revisions.count() == 1
    services.undelete_summary(summary=summary, editor=alice)
    assert Summary.objects.listed().filter(pk=summary.pk).exists()


def test_it_counts_votes_and_lets_voters_change_and_retract(alice, carol):
    summary = SummaryFactory(author=alice)
    dave = UserFactory()
    services.cast_vote(voter=carol, summary=summary, value=1)
    summary = services.cast_vote(voter=dave, summary=summary, value=1)
    assert (summary.upvotes, summary.downvotes, summary.score) == (2, 0, 2)
    summary = services.cast_vote(voter=carol, summary=summary, value=-1)
    assert (summary.upvotes, summary.downvotes, summary.score) == (1, 1, 0)
    summary = services.cast_vote(voter=carol, summary=summary, value=0)
    assert (summary.upvotes, summary.downvotes, summary.score) == (1, 0, 1)
    assert Vote.objects.filter(summary=summary).count() == 1
    assert summary.wilson > 0


def test_it_refuses_votes_on_your_own_or_a_private_summary(alice, carol):
    with pytest.raises(PermissionDenied):
        services.cast_vote(voter=alice, summary=SummaryFactory(author=alice), value=1)
    private = SummaryFactory(author=alice, visibility="private")
    with pytest.raises(PermissionDenied):
        services.cast_vote(voter=carol, summary=private, value=1)
    with pytest.raises(ValidationError):
        services.cast_vote(voter=carol, summary=SummaryFactory(author=alice), value=5)


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_leave_consistent_counts():
    writer = UserFactory()
    summary = SummaryFactory(author=writer)
    voters = [UserFactory() for _ in range(12)]
    errors = []
    barrier = threading.Barrier(len(voters))

    def vote(voter, value):
        try:
            barrier.wait(timeout=10)
            services.cast_vote(voter=voter, summary=summary, value=value)
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=vote, args=(voter, 1 if i % 3 else -1))
        for i, voter in enumerate(voters)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    summary.refresh_from_db()
    assert summary.upvotes == Vote.objects.filter(summary=summary, value=1).count() == 8
    assert summary.downvotes == Vote.objects.filter(summary=summary, value=-1).count() == 4
    assert summary.score == 4


def test_it_counts_a_view_once_per_visitor_per_day_and_stores_no_visitor(alice):
    summary = SummaryFactory(author=alice)
    assert services.record_view(summary=summary, visitor="203.0.113.9|Firefox")
    assert not services.record_view(summary=summary, visitor="203.0.113.9|Firefox")
    assert services.record_view(summary=summary, visitor="198.51.100.7|Chrome")
    summary.refresh_from_db()
    assert summary.views == 2
    assert DailyViews.objects.get(summary=summary).count == 2
    stored = [str(value) for row in DailyViews.objects.values() for value in row.values()]
    assert not any("203.0.113.9" in value for value in stored)


def test_it_does_not_count_views_of_private_summaries(alice):
    private = SummaryFactory(author=alice, visibility="private")
    assert not services.record_view(summary=private, visitor="x")


def test_citations_of_known_papers_show_their_titles(alice):
    cited = PaperFactory(title="Adam: A Method for Stochastic Optimization", arxiv="1412.6980")
    summary = SummaryFactory(author=alice, source=r"Trained with \cite{1412.6980}.")
    assert f">{cited.title}</a>" in summary.html
    assert f">{cited.title}</a>" in summary.excerpt_html
