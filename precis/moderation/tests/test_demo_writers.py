"""The demo's writers are established: what they post is shown at once, however often it loads."""

import pytest
from django.core.management import call_command

from precis.accounts.models import TrustLevel, User
from precis.demo import corpus
from precis.discussions import services as discussions
from precis.moderation.models import Flag
from precis.papers.models import Paper
from precis.summaries import services as summaries
from precis.summaries.models import Summary

pytestmark = pytest.mark.django_db


def test_the_demos_writers_post_without_delay_and_loading_twice_keeps_their_levels():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    writers = User.objects.filter(username__in=[spec["username"] for spec in corpus.USERS])
    assert {(w.trust_level, w.trust_level_locked) for w in writers} == {(TrustLevel.REGULAR, True)}
    assert not Summary.objects.exclude(moderation="ok").exists()  # the demo itself

    queued = Flag.objects.count()  # the demo's own queue items (corpus.HELD_COMMENTS …)
    writer = writers.get(username=corpus.USERS[0]["username"])
    paper = Paper.objects.exclude(summaries__author=writer).first()
    summary = summaries.save_summary(
        author=writer,
        paper=paper,
        source="A fresh summary with a link to the code: https://code.example.org/repo",
        visibility="public",
    )
    comment = discussions.post_comment(
        author=writer,
        summary=Summary.objects.exclude(author=writer).first(),
        source="See also https://blog.example.net/post and https://notes.example.com/x.",
    )
    question = discussions.ask_question(author=writer, paper=paper, title="Does it scale?")
    assert summary.is_shown and comment.is_shown and question.is_shown
    assert Flag.objects.count() == queued
