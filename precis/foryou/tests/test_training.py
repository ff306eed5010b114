"""The model: it learns the reader's topic, explains each pick, and is repeatable."""

import pytest

from precis.accounts import services as accounts
from precis.accounts.models import User
from precis.collections import services as collections
from precis.core import generations
from precis.foryou import reading, services, training
from precis.foryou.models import Because, Pick, Profile
from precis.foryou.tasks import train_reader
from precis.moderation.tests.factories import hide
from precis.notifications import services as notifications
from precis.summaries import services as summaries
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def picked(reader) -> list[int]:
    return list(Pick.objects.filter(reader=reader).values_list("paper_id", flat=True))


def collect(owner, papers, *, title="Mine", visibility="private"):
    collection = collections.create_collection(owner=owner, title=title, visibility=visibility)
    for paper in papers:
        collections.add_item(collection=collection, paper=paper)
    return collection


@pytest.mark.parametrize("topic", ["folding", "robots"])
def test_it_ranks_the_engaged_topic_above_the_other(corpus, reader, topic):
    liked = getattr(corpus, topic)
    other = corpus.robots if topic == "folding" else corpus.folding
    collect(reader, liked[:3])

    report = training.train_readers([reader.pk])

    assert report.trained == 1
    ranking = picked(reader)
    assert set(ranking).isdisjoint(p.pk for p in liked[:3])  # never what they already have
    unseen = {p.pk for p in liked[3:]}
    # Every unseen paper of the reader's topic comes before every paper of the other.
    assert set(ranking[: len(unseen)]) == unseen
    assert set(ranking[len(unseen) :]) == {p.pk for p in other}


def test_it_keeps_a_bounded_sparse_model(corpus, reader):
    collect(reader, corpus.folding[:3])
    training.train_readers([reader.pk])

    profile = Profile.objects.get(user=reader)
    assert 0 < len(profile.weights) <= training.MAX_WEIGHTS
    heaviest = max(profile.weights, key=profile.weights.get)
    collected_text = " ".join(p.title + " " + p.abstract for p in corpus.folding[:3]).lower()
    assert heaviest in collected_text  # the heaviest word is one of the reader's papers'
    assert profile.weights.get("robot", 0) < 0 < profile.weights["protein"]
    assert profile.positives == 3


def test_it_explains_each_pick_by_the_nearest_positive(corpus, reader, writer):
    voted = SummaryFactory(author=writer, paper=corpus.folding[0])
    summaries.cast_vote(voter=reader, summary=voted, value=1)
    collect(reader, [corpus.robots[0]])
    training.train_readers([reader.pk])

    entries = {e.paper.pk: e for e in reading.top_entries(reader, 50)}
    folding_pick = entries[corpus.folding[1].pk]
    robot_pick = entries[corpus.robots[1].pk]
    assert folding_pick.why.text == (
        f"Because you voted for a summary of “{corpus.folding[0].title}”"
    )
    assert robot_pick.why.text == f"Because you collected “{corpus.robots[0].title}”"


def test_a_downvote_is_not_a_positive(corpus, reader, writer):
    disliked = SummaryFactory(author=writer, paper=corpus.folding[0])
    summaries.cast_vote(voter=reader, summary=disliked, value=-1)
    assert training.positives_of(reader) == {}
    training.train_readers([reader.pk])
    assert picked(reader) == []


def test_a_followed_writer_explains_only_through_summaries_under_their_name(corpus, reader, writer):
    SummaryFactory(author=writer, paper=corpus.folding[0], anonymous=True)
    notifications.follow(follower=reader, user=writer)
    # The writer's only summary is anonymous: following them says nothing of it.
    assert training.positives_of(reader) == {}

    SummaryFactory(author=writer, paper=corpus.folding[1])
    positives = training.positives_of(reader)
    assert list(positives) == [corpus.folding[1].pk]
    assert positives[corpus.folding[1].pk].because == Because.FOLLOWED_USER
    training.train_readers([reader.pk])
    texts = {e.why.text for e in reading.top_entries(reader, 50)}
    assert f"Because you follow Wren Writer, who summarised “{corpus.folding[1].title}”" in texts

    # Turned anonymous later: the stored pick no longer names them.
    summaries.save_summary(
        author=writer,
        paper=corpus.folding[1],
        source="Now anonymous.",
        visibility="public",
        anonymous=True,
    )
    texts = {e.why.text for e in reading.top_entries(reader, 50)}
    assert not any("Wren" in text for text in texts)
    assert texts == {reading.PLAIN.text}


@pytest.mark.parametrize("change", ["muted", "closed"])
def test_a_followed_writer_explains_nothing_once_muted_or_gone(corpus, reader, writer, change):
    SummaryFactory(author=writer, paper=corpus.folding[1])
    notifications.follow(follower=reader, user=writer)
    training.train_readers([reader.pk])
    named = f"Because you follow Wren Writer, who summarised “{corpus.folding[1].title}”"
    assert named in {e.why.text for e in reading.top_entries(reader, 50)}
    if change == "muted":
        accounts.mute(who=reader, whom=writer)
    else:
        User.objects.filter(pk=writer.pk).update(is_active=False)
    texts = {e.why.text for e in reading.top_entries(reader, 50)}
    assert not any("Wren" in text for text in texts)


def test_a_seeded_collection_hidden_since_explains_nothing_in_the_email_or_feed(
    corpus, reader, writer, bob
):
    public = collect(writer, corpus.robots[:3], title="Spammy robots", visibility="public")
    services.add_seed(reader=reader, collection=public)
    training.train_readers([reader.pk])
    assert any("Spammy robots" in e.why.text for e in reading.top_entries(reader, 50))
    hide(public, bob)
    assert not any("for your feed" in e.why.text for e in reading.top_entries(reader, 50))


def test_it_learns_from_followed_venues_and_papers(corpus, reader):
    notifications.follow(follower=reader, paper=corpus.robots[0])
    positives = training.positives_of(reader)
    assert positives[corpus.robots[0].pk].because == Because.FOLLOWED_PAPER
    notifications.follow(follower=reader, venue=corpus.venue)
    positives = training.positives_of(reader)
    assert positives[corpus.robots[0].pk].because == Because.FOLLOWED_PAPER  # the stronger
    assert positives[corpus.folding[0].pk].because == Because.FOLLOWED_VENUE


def test_a_reader_without_signals_gets_no_picks(corpus, reader):
    report = training.train_readers([reader.pk])
    assert report.trained == 0
    assert picked(reader) == []
    assert Profile.objects.get(user=reader).weights == {}


def test_training_twice_stores_the_same_picks_and_weights(corpus, reader):
    collect(reader, corpus.folding[:2])
    first = train_reader.enqueue(reader.pk).return_value
    rows = list(Pick.objects.filter(reader=reader).values_list("paper_id", "rank", "score"))
    weights = Profile.objects.get(user=reader).weights
    second = train_reader.enqueue(reader.pk).return_value

    assert first["changed"] == 1
    assert second["changed"] == 0  # nothing to write the second time
    assert list(Pick.objects.filter(reader=reader).values_list("paper_id", "rank", "score")) == (
        rows
    )
    assert Profile.objects.get(user=reader).weights == weights


def test_retraining_a_reader_leaves_every_cached_page_alone(corpus, reader):
    # It follows each vote; moving the generation would undo what soft votes save.
    collect(reader, corpus.folding[:2])
    before = generations.current()
    assert train_reader.enqueue(reader.pk).return_value["changed"] == 1
    assert generations.current() == before


def test_a_change_in_signals_retrains_once_after_commit(
    corpus, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        collect(reader, corpus.folding[:3])
    # Three items, one collection: one pending mark, one training (inline in tests).
    assert len(callbacks) >= 3
    assert len(picked(reader)) == len(corpus.folding) - 3 + len(corpus.robots)
    profile = Profile.objects.get(user=reader)
    assert profile.changed_at is None
    assert profile.trained_at is not None


def test_a_reader_already_waiting_is_not_enqueued_again(corpus, reader, settings):
    Profile.objects.create(user=reader)
    # The database backend can wait: the first change schedules, the next ones ride on it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks import task_backends

    task_backends._settings = None  # re-read TASKS
    try:
        from django_tasks_db.models import DBTaskResult

        assert services.mark_for_retraining([reader.pk]) == [reader.pk]
        assert services.mark_for_retraining([reader.pk]) == []
        queued = DBTaskResult.objects.filter(task_path="precis.foryou.tasks.train_reader")
        assert queued.count() == 1
        assert queued.get().run_after is not None  # debounced
    finally:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        task_backends._settings = None


def test_the_nightly_command_trains_every_reader_with_signals(corpus, reader, writer):
    from io import StringIO

    from django.core.management import call_command

    collect(reader, corpus.folding[:2])
    out = StringIO()
    call_command("train_foryou", stdout=out)
    assert "Trained 1 of" in out.getvalue()
    assert picked(reader)
    assert list(training.readers_with_signals()) == [reader.pk]
