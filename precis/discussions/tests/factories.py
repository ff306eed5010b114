"""Factories that build through the real services, so HTML, revisions and checks are real.

Each factory's ``model`` is the service that writes the row: factory_boy calls it with
the declared fields as keywords, and ``build()`` writes too. ``bulk_comments`` and
``reply_chain`` insert rows directly instead, for the discussions of thousands that
the pagination and depth tests need.
"""

from itertools import pairwise

import factory
from django.db.models import F
from django.utils import timezone

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services
from precis.discussions.models import Comment
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory


class CommentFactory(factory.Factory):
    class Meta:
        model = services.post_comment

    author = factory.SubFactory(UserFactory)
    summary = factory.SubFactory(SummaryFactory)
    # Distinct texts: the same text twice within seconds would be a double submit.
    source = factory.Sequence(lambda n: f"Comment {n}: why does $x_1$ dominate?")
    parent = None


class QuestionFactory(factory.Factory):
    class Meta:
        model = services.ask_question

    author = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)
    title = factory.Sequence(lambda n: f"Question {n}: what is the role of the prior?")
    source = "Section 3 says $p(\\theta)$ is flat; why?"


class AnswerFactory(factory.Factory):
    class Meta:
        model = services.post_answer

    author = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    source = factory.Sequence(lambda n: f"Answer {n}: because $\\lambda$ is small.")


def bulk_comments(summary, parents, *, author, deleted=()):
    """One comment per entry of ``parents`` (a Comment or None), inserted in bulk: for
    discussions of thousands, where the real service (rendering, notifying) would be
    slow. ``deleted`` holds the indexes of those to mark deleted."""
    now = timezone.now()
    made = Comment.objects.bulk_create(
        Comment(
            summary=summary,
            author=author,
            parent=parent,
            source=f"Bulk comment {n}",
            html=f"<p>Bulk comment {n}</p>",
            deleted_at=now if n in deleted else None,
        )
        for n, parent in enumerate(parents)
    )
    return made


def reply_chain(summary, length, *, author, under=None):
    """A reply to a reply to a reply…, ``length`` comments deep, in a few queries."""
    made = bulk_comments(summary, [under] * length, author=author)
    first = made[0].pk
    # One multi-row insert takes consecutive ids here (one writer, a fresh sequence).
    assert [c.pk for c in made] == list(range(first, first + length))
    Comment.objects.filter(pk__gt=first, pk__lt=first + length).update(parent_id=F("id") - 1)
    for parent, child in pairwise(made):
        child.parent = parent
    return made
