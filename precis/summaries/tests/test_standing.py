"""Each paper's standing among listed summaries (Paper.listed_summaries, best_wilson),
kept by every write that lists, unlists, moves or scores a summary.

The project's conftest also checks, after every test that used the database, that no
paper's standing differs from its summaries; these tests walk the write paths one by
one and check the numbers themselves."""

import contextlib
import importlib
import threading
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import F
from hypothesis import given, settings
from hypothesis import strategies as st

from precis.accounts.tests.factories import UserFactory
from precis.moderation import services as moderation
from precis.moderation.tests.factories import make_moderator
from precis.papers.models import Paper
from precis.papers.services import merge_papers
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import models as summaries_models
from precis.summaries import services
from precis.summaries.models import Summary, stale_standings
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def standing(paper) -> tuple[int, float | None]:
    return tuple(
        Paper.objects.filter(pk=paper.pk).values_list("listed_summaries", "best_wilson").get()
    )


def wilson(summary) -> float:
    return Summary.objects.values_list("wilson", flat=True).get(pk=summary.pk)


def test_writing_publishing_and_voting_move_the_papers_standing(alice, bob, carol):
    paper = PaperFactory()
    assert standing(paper) == (0, None)
    draft = SummaryFactory(paper=paper, author=alice, visibility="private")
    assert standing(paper) == (0, None)
    services.save_summary(author=alice, paper=paper, source=draft.source, visibility="public")
    assert standing(paper) == (1, 0.0)
    second = SummaryFactory(paper=paper, author=bob)
    services.cast_vote(voter=carol, summary=second, value=1)
    assert standing(paper) == (2, wilson(second)) and wilson(second) > 0
    services.cast_vote(voter=carol, summary=second, value=0)
    assert standing(paper) == (2, 0.0)


def test_deleting_restoring_and_unlisting_take_a_summary_out_and_back(alice):
    paper = PaperFactory()
    summary = SummaryFactory(paper=paper, author=alice)
    services.delete_summary(summary=summary, editor=alice)
    assert standing(paper) == (0, None)
    services.undelete_summary(summary=summary, editor=alice)
    assert standing(paper) == (1, 0.0)
    services.save_summary(author=alice, paper=paper, source=summary.source, visibility="unlisted")
    assert standing(paper) == (0, None)


def test_moderation_holds_hides_and_shows_again():
    moderator = make_moderator()
    paper = PaperFactory()
    summary = SummaryFactory(paper=paper)
    services.set_moderation(summary=summary, state="held", reason="Held for review.")
    assert standing(paper) == (0, None)
    moderation.approve(moderator=moderator, row=Summary.objects.get(pk=summary.pk))
    assert standing(paper) == (1, 0.0)
    moderation.hide(moderator=moderator, row=Summary.objects.get(pk=summary.pk), reason="Spam.")
    assert standing(paper) == (0, None)


def test_marking_a_spammer_unlists_all_they_wrote_and_unmarking_brings_it_back():
    moderator, spammer = make_moderator(), UserFactory()
    papers = [PaperFactory() for _ in range(3)]
    for paper in papers:
        SummaryFactory(paper=paper, author=spammer)
    SummaryFactory(paper=papers[0])  # someone else's stays
    moderation.mark_spammer(moderator=moderator, person=spammer)
    assert [standing(paper)[0] for paper in papers] == [1, 0, 0]
    moderation.unmark_spammer(moderator=moderator, person=spammer)
    assert [standing(paper)[0] for paper in papers] == [2, 1, 1]


def test_merging_papers_moves_the_standing_and_a_stale_copy_does_not_undo_it(alice, bob):
    kept, duplicate = PaperFactory(), PaperFactory()
    SummaryFactory(paper=kept, author=alice)
    SummaryFactory(paper=duplicate, author=alice)  # one writer on both: merged into one
    SummaryFactory(paper=duplicate, author=bob)
    stale_copy = Paper.objects.get(pk=kept.pk)
    merge_papers(duplicate=duplicate, into=kept)
    assert standing(kept) == (2, 0.0)
    stale_copy.abstract = "Edited by someone who loaded the page before the merge."
    stale_copy.save()
    assert standing(kept) == (2, 0.0)
    assert Paper.objects.get(pk=kept.pk).abstract.startswith("Edited")


def test_a_plain_save_of_a_paper_never_writes_the_counters_others_keep():
    paper = PaperFactory()
    loaded = Paper.objects.get(pk=paper.pk)
    SummaryFactory(paper=paper)
    Paper.objects.filter(pk=paper.pk).update(views=41, request_count=3)
    loaded.title = "A new title"
    loaded.save()
    row = Paper.objects.values("title", "views", "request_count", "listed_summaries").get(
        pk=paper.pk
    )
    assert row == {"title": "A new title", "views": 41, "request_count": 3, "listed_summaries": 1}


def test_bulk_writes_restate_every_paper_they_touch_both_ends_of_a_move():
    source, target = PaperFactory(), PaperFactory()
    summaries = [SummaryFactory(paper=source) for _ in range(3)]
    Summary.objects.filter(pk__in=[s.pk for s in summaries[:2]]).update(paper=target)
    assert (standing(source), standing(target)) == ((1, 0.0), (2, 0.0))
    Summary.objects.filter(pk=summaries[0].pk).update(paper_id=source.pk)
    Summary.objects.filter(pk=summaries[0].pk).update(paper_id=F("paper_id") + 0)
    assert (standing(source), standing(target)) == ((2, 0.0), (1, 0.0))
    summaries[2].refresh_from_db()
    summaries[2].wilson, summaries[2].visibility = 0.5, "public"
    Summary.objects.bulk_update(summaries[2:], ["wilson"])
    assert standing(source) == (2, 0.5)
    # Through a related manager, too: it is the same queryset.
    target.summaries.update(deleted_at="2026-01-01T00:00:00Z")
    assert standing(target) == (0, None)


def test_deleting_a_writer_restates_the_papers_they_summarised():
    writer, paper = UserFactory(), PaperFactory()
    SummaryFactory(paper=paper, author=writer)
    SummaryFactory(paper=paper)
    writer.delete()
    assert standing(paper) == (1, 0.0)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["write", "unlist", "delete", "undelete", "vote up", "vote down", "hide", "move"]
        ),
        st.integers(0, 3),  # which writer
        st.integers(0, 2),  # which paper
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(OPERATIONS)
def test_any_sequence_of_writes_leaves_every_standing_true(operations):
    moderator, voter = make_moderator(username="mod_standing"), UserFactory()
    writers = [UserFactory() for _ in range(4)]
    papers = [PaperFactory() for _ in range(3)]
    for operation, who, which in operations:
        writer, paper = writers[who], papers[which]
        summary = Summary.objects.filter(author=writer).first()
        if operation == "write" or summary is None:
            if not Summary.objects.filter(author=writer, paper=paper).exists():
                SummaryFactory(author=writer, paper=paper)
        elif operation == "unlist":
            services.save_summary(
                author=writer, paper=summary.paper, source=summary.source, visibility="unlisted"
            )
        elif operation == "delete":
            services.delete_summary(summary=summary, editor=writer)
        elif operation == "undelete":
            services.undelete_summary(summary=summary, editor=writer)
        elif operation.startswith("vote") and summary.is_listed:
            services.cast_vote(voter=voter, summary=summary, value=1 if "up" in operation else -1)
        elif operation == "hide" and summary.is_shown:
            moderation.hide(moderator=moderator, row=summary, reason="Off topic.")
        elif operation == "move" and summary.paper_id != paper.pk:
            services.absorb_summaries(source_paper=summary.paper, target_paper=paper)
        assert stale_standings() == []


def test_the_command_finds_and_mends_standings_written_around_the_code():
    paper, other = PaperFactory(), PaperFactory()
    SummaryFactory(paper=paper)
    Paper.objects.filter(pk=paper.pk).update(listed_summaries=7, best_wilson=0.9)
    Paper.objects.filter(pk=other.pk).update(listed_summaries=2)
    out = StringIO()
    with pytest.raises(CommandError, match="2 papers' standing is stale"):
        call_command("restate_papers", "--check", stdout=out)
    assert f"paper {paper.pk}: kept (7, 0.9), its summaries give (1, 0.0)" in out.getvalue()
    call_command("restate_papers", stdout=out)
    assert "2 papers restated." in out.getvalue()
    assert (standing(paper), standing(other)) == ((1, 0.0), (0, None))
    call_command("restate_papers", "--check", stdout=out)
    assert out.getvalue().endswith("Every paper's standing matches its summaries.\n")


def test_the_migration_fills_the_standing_of_papers_stored_before_it(alice, bob):
    paper, unlisted, bare = PaperFactory(), PaperFactory(), PaperFactory()
    for writer in (alice, bob):
        SummaryFactory(paper=paper, author=writer)
    SummaryFactory(paper=unlisted, visibility="unlisted")
    Summary.objects.filter(author=bob).update(wilson=0.25)
    Paper.objects.update(listed_summaries=0, best_wilson=None)
    migration = importlib.import_module("precis.summaries.migrations.0007_paper_standing")
    migration.fill_standing(apps, None)
    assert [standing(p) for p in (paper, unlisted, bare)] == [(2, 0.25), (0, None), (0, None)]


# --- what reads it --------------------------------------------------------------------


def test_a_venue_page_orders_by_the_kept_standing_and_shows_the_writer_their_summary(
    client, alice, bob
):
    venue = VenueFactory(key="colt")
    best, most, plain = (
        PaperFactory(venue=venue, year=2019, title=title) for title in ("Best", "Most", "Plain")
    )
    for n in range(20):
        PaperFactory(venue=venue, year=2019, title=f"Unexplained {n}")
    SummaryFactory(paper=best, author=alice)
    Summary.objects.filter(paper=best).update(wilson=0.8)
    SummaryFactory(paper=most, author=alice)
    SummaryFactory(paper=most, author=bob)
    client.force_login(bob)
    page = client.get("/venues/colt/").text
    assert page.index(">Best<") < page.index(">Most<")
    assert "Plain" not in page and "Unexplained" not in page
    assert '2019 <span class="muted">(2)</span>' in page
    SummaryFactory(paper=plain, author=bob)  # the writer looks again at once
    page = client.get("/venues/colt/2019/").text
    assert page.index(">Most<") < page.index(">Plain<")
    services.delete_summary(summary=Summary.objects.get(paper=plain), editor=bob)
    assert "Plain" not in client.get("/venues/colt/2019/").text


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL scans tables this small")
def test_a_venues_summarised_papers_are_read_through_their_own_index():
    plan = " ".join(
        str(row)
        for row in connection.cursor().execute(
            "EXPLAIN QUERY PLAN "
            + str(Paper.objects.filter(venue_id=1, listed_summaries__gt=0).values("year").query)
        )
    )
    assert "summarised_by_venue" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_on_one_paper_are_both_counted(monkeypatch):
    """Each writer's count is held until both have read, unless the paper's lock keeps
    the second from reading before the first commits: without the lock, each counts
    only its own new summary, and the paper ends with one where it has two."""
    paper, writers = PaperFactory(), [UserFactory() for _ in range(2)]
    both_read = threading.Barrier(2, timeout=3)  # broken at once when the lock works
    counted = summaries_models._standing_from

    def count_then_wait(summaries):
        standing = counted(summaries)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return standing

    monkeypatch.setattr(summaries_models, "_standing_from", count_then_wait)
    errors = []

    def write(writer):
        try:
            SummaryFactory(paper=paper, author=writer)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own

    threads = [threading.Thread(target=write, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert standing(paper) == (2, 0.0)
