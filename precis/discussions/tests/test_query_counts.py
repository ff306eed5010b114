"""Discussion pages issue a constant number of SQL queries, however long the discussion."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory
from precis.testing import PAPER_PAGE_QUERY_BUDGET, QUERY_BUDGET

from .factories import AnswerFactory, CommentFactory, QuestionFactory

pytestmark = pytest.mark.django_db

# The same budget as precis/core/tests/test_query_counts.py.


class Discussion:
    """A paper with two summaries (one anonymous), and comments and questions to add."""

    def __init__(self):
        self.paper = PaperFactory()
        self.summary = SummaryFactory(paper=self.paper, author=UserFactory())
        self.anonymous = SummaryFactory(paper=self.paper, author=UserFactory(), anonymous=True)
        self.comments = []
        self.question = None  # the first one asked; it gets an answer per question added
        self.counter = itertools.count()

    def add_comments(self, count):
        """Top-level comments, replies, deep replies, deleted ones, by many people."""
        for _ in range(count):
            n = next(self.counter)
            summary = self.summary if n % 4 else self.anonymous
            on_same = [
                c for c in self.comments if c.summary_id == summary.pk and c.deleted_at is None
            ]
            parent = on_same[-1] if on_same and n % 3 else None
            author = summary.author if n % 5 == 0 else UserFactory()
            comment = CommentFactory(summary=summary, parent=parent, author=author)
            if n % 7 == 3:
                services.edit_comment(comment=comment, editor=author, source=f"Edited {n}")
            if n % 11 == 5:
                services.delete_comment(comment=comment, editor=author)
            self.comments.append(comment)

    def add_questions(self, count):
        """Questions with answers and votes; every other one has an accepted answer."""
        for _ in range(count):
            n = next(self.counter)
            asker = UserFactory()
            question = QuestionFactory(paper=self.paper, author=asker)
            answer = AnswerFactory(question=question)
            AnswerFactory(question=question)
            services.cast_answer_vote(voter=asker, answer=answer, value=1)
            if n % 2:
                services.accept_answer(question=question, answer=answer, by=asker)
            self.question = self.question or question
            voted = AnswerFactory(question=self.question)
            services.cast_answer_vote(voter=asker, answer=voted, value=-1)


def query_count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 200, path
    return len(queries)


PAGES = {
    "paper": lambda d: d.paper.get_absolute_url(),
    "summary": lambda d: d.summary.get_absolute_url(),
    "anonymous summary": lambda d: d.anonymous.get_absolute_url(),
    "question": lambda d: d.question.get_absolute_url(),
    "open questions": lambda d: reverse("discussions:open_questions"),
}


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
@pytest.mark.parametrize("page", PAGES)
def test_discussion_pages_make_the_same_number_of_queries_for_few_and_many_items(
    client, django_assert_max_num_queries, page, signed_in, no_page_cache
):
    discussion = Discussion()
    if signed_in:
        client.force_login(UserFactory())
    discussion.add_comments(2)
    discussion.add_questions(2)
    path = PAGES[page](discussion)
    query_count(client, path)  # the first visit creates today's view counter row
    few = query_count(client, path)
    discussion.add_comments(48)
    discussion.add_questions(18)
    budget = PAPER_PAGE_QUERY_BUDGET if page in ("paper", "summary") else QUERY_BUDGET
    with django_assert_max_num_queries(budget):
        many = query_count(client, path)
    assert many == few, f"{path}: {few} queries with 2 comments/questions, {many} with 50/20"
