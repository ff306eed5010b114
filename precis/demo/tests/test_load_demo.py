"""``manage.py load_demo`` shows the whole product, and a second run adds nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from precis.accounts.models import User
from precis.demo import activity, corpus
from precis.discussions.models import Answer, AnswerVote, Comment, Question
from precis.notifications.models import Follow, Notification
from precis.papers.demand import papers_waiting
from precis.papers.models import Paper, RelatedPaper, SummaryRequest
from precis.search import services as search
from precis.search.models import SearchDocument, SearchTerm
from precis.summaries.models import DailyViews, Revision, Summary, Vote

pytestmark = pytest.mark.django_db

COUNTED = [User, Paper, Summary, Revision, Vote, DailyViews, Comment, Question, Answer,
           AnswerVote, Follow, SummaryRequest, Notification, RelatedPaper, SearchDocument,
           SearchTerm]  # fmt: skip


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    state = {model.__name__: model.objects.count() for model in COUNTED}
    state["unread"] = Notification.objects.filter(read_at__isnull=True).count()
    state["views"] = sorted(Summary.objects.values_list("views", flat=True))
    state["demand"] = sorted(Paper.objects.values_list("demand", flat=True))
    return state


def test_the_demo_shows_the_whole_product_and_a_second_run_adds_nothing():
    # One test: the demo takes seconds to load, and every check reads the same data.
    output = load()
    check_output(output)
    check_conversations_questions_and_edits()
    check_a_month_of_activity()
    check_notifications_wait_for_the_demo_users()
    check_papers_waiting_for_a_summary_and_related_papers()
    check_search_corrects_typos()
    first = snapshot()
    again = load()
    assert snapshot() == first
    check_output(again)


def check_output(demo):
    assert "precis-demo" in demo
    assert all(spec["username"] in demo for spec in corpus.USERS)
    assert "mod_ana" in demo
    assert "Demo loaded in " in demo and " s: " in demo


def check_conversations_questions_and_edits():
    replies = Comment.objects.filter(parent__isnull=False)
    assert replies.count() >= 6
    assert replies.filter(parent__parent__isnull=False).exists()  # a reply to a reply
    answered = Question.objects.filter(accepted_answer__isnull=False)
    assert answered.count() >= 3
    assert Question.objects.open().exists()  # and one still waiting for an answer
    assert AnswerVote.objects.count() >= 8
    edited = Summary.objects.get(paper__identifiers__value="1512.03385", author__username="mara_k")
    revisions = list(edited.revisions.order_by("number"))
    assert len(revisions) == 4
    assert len({r.source for r in revisions}) == 4
    assert [r.created_at for r in revisions] == sorted(r.created_at for r in revisions)
    assert revisions[-1].source == edited.source
    assert "## A gradient view" not in revisions[0].source
    assert revisions[-1].note.startswith("Say where the gradient derivation")


def check_a_month_of_activity():
    now = timezone.now()
    month_ago = now - timedelta(days=30)
    vote_days = {v.created_at.date() for v in Vote.objects.filter(created_at__gte=month_ago)}
    assert len(vote_days) >= 10
    published = Summary.objects.listed().values_list("published_at", flat=True)
    assert sum(when >= month_ago for when in published) >= 10
    assert sum(when < month_ago for when in published) >= 10
    view_days = set(DailyViews.objects.values_list("day", flat=True))
    assert len(view_days) == 30
    assert all(s.views == sum(s.daily_views.values_list("count", flat=True))
               for s in Summary.objects.listed())  # fmt: skip
    assert Comment.objects.filter(created_at__lt=now - timedelta(days=20)).exists()


def check_notifications_wait_for_the_demo_users():
    for username in ("mara_k", "t_adeyemi", "hwkang", "ines_w"):
        assert Notification.objects.filter(recipient__username=username).exists(), username
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.exists()
    recent = timezone.now() - timedelta(days=activity.READ_AFTER_DAYS)
    assert not unread.filter(created_at__lt=recent).exists()
    # Nobody is told about the comment the spam rules held.
    held = Comment.objects.get(moderation="held")
    assert not Notification.objects.filter(url=held.get_absolute_url()).exists()


def check_papers_waiting_for_a_summary_and_related_papers():
    waiting = papers_waiting()
    assert len(waiting) >= 4
    assert waiting[0].title == "Decoupled Weight Decay Regularization"
    assert not Summary.objects.listed().filter(paper__in=waiting).exists()
    assert all(paper.demand > 0 for paper in waiting)
    resnet = Paper.objects.get(identifiers__value="1512.03385")
    assert RelatedPaper.objects.filter(paper=resnet).count() >= 3


def check_search_corrects_typos():
    results = search.search("resdiual", user=AnonymousUser())
    assert results.corrected and results.searched_text == "residual"
    assert results.results[0].paper.title == "Deep Residual Learning for Image Recognition"
    assert search.search("difusion", user=AnonymousUser()).searched_text == "diffusion"
