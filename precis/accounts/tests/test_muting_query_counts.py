"""The pages that mute, block and show points make the same number of queries for few
and many muted people, blocks and points."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.accounts import services
from precis.accounts.models import TrustLevel
from precis.accounts.tests.factories import UserFactory
from precis.discussions import reputation
from precis.discussions.tests.factories import AnswerFactory, CommentFactory, QuestionFactory
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.search import services as search
from precis.summaries import services as summaries
from precis.summaries.tests.factories import SummaryFactory
from precis.testing import PAPER_PAGE_QUERY_BUDGET, QUERY_BUDGET

pytestmark = pytest.mark.django_db

# The same budget as precis/core/tests/test_query_counts.py.


def member(**kwargs):
    return UserFactory(trust_level=TrustLevel.MEMBER, trust_level_locked=True, **kwargs)


class Scene:
    """A reader who mutes and blocks people, and a writer with points, as items are added."""

    def __init__(self):
        self.venue = VenueFactory(key="icml")
        self.viewer = member(username="viewer")
        self.writer = member(username="writer")
        self.paper = PaperFactory(title="Residual shortcuts", venue=self.venue, year=2017)
        self.summary = SummaryFactory(author=self.writer, paper=self.paper, source="Writer's own")
        self.question = QuestionFactory(paper=self.paper, author=self.writer, title="Why?")
        self.comment = CommentFactory(summary=self.summary, author=self.writer)
        self.people = []
        self.counter = itertools.count()

    def add(self, count):
        for _ in range(count):
            n = next(self.counter)
            person = member()
            self.people.append(person)
            SummaryFactory(author=person, paper=self.paper, source=f"Residual note {n}.")
            (services.mute if n % 2 else services.block)(who=self.viewer, whom=person)
            if n % 3 == 0:
                services.block(who=person, whom=self.viewer)
            services.mute(who=self.writer, whom=person)
            comment = CommentFactory(summary=self.summary, author=person, parent=self.comment)
            CommentFactory(summary=self.summary, author=self.writer, parent=comment)
            AnswerFactory(question=self.question, author=person, source=f"Answer number {n}.")
            QuestionFactory(paper=self.paper, author=person, title=f"Question {n}")
            written = SummaryFactory(
                author=self.writer,
                paper=PaperFactory(title=f"Residual paper {n}", venue=self.venue, year=2017),
                source=f"The writer on paper {n}.",
                anonymous=n % 4 == 1,
            )
            summaries.cast_vote(voter=person, summary=written, value=1)
        reputation.recompute_reputations([self.writer.pk, *(p.pk for p in self.people)])
        search.index_papers(list(self.venue.papers.values_list("pk", flat=True)))


def query_count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 200, path
    return len(queries)


PAGES = {
    "home": ("viewer", lambda s: "/"),
    "paper": ("viewer", lambda s: s.paper.get_absolute_url()),
    "venue": ("viewer", lambda s: "/venues/icml/2017/"),
    "search": ("viewer", lambda s: "/search?q=residual"),
    "summary": ("viewer", lambda s: s.summary.get_absolute_url()),
    "thread": ("viewer", lambda s: reverse("discussions:comment", args=[s.comment.pk])),
    "question": ("viewer", lambda s: s.question.get_absolute_url()),
    "open questions": ("viewer", lambda s: reverse("discussions:open_questions")),
    "profile": ("viewer", lambda s: reverse("accounts:profile", args=["writer"])),
    "muted profile": ("viewer", lambda s: s.people[0].get_absolute_url()),
    "own profile": ("writer", lambda s: reverse("accounts:profile", args=["writer"])),
    "writers": ("viewer", lambda s: reverse("accounts:users")),
    "settings": ("viewer", lambda s: reverse("accounts:settings")),
}


@pytest.mark.parametrize("page", PAGES)
def test_it_makes_the_same_number_of_queries_for_few_and_many_mutes_and_points(
    client, django_assert_max_num_queries, page, no_page_cache
):
    scene = Scene()
    who, path_of = PAGES[page]
    client.force_login(getattr(scene, who))
    scene.add(2)
    path = path_of(scene)
    query_count(client, path)  # the first visit creates today's view counter row
    few = query_count(client, path)
    scene.add(8)
    budget = PAPER_PAGE_QUERY_BUDGET if page in ("paper", "summary") else QUERY_BUDGET
    with django_assert_max_num_queries(budget):
        many = query_count(client, path)
    assert many == few, f"{page}: {few} queries with 2 muted people, {many} with 10"
