"""Factories that build through the real services, so HTML, revisions and checks are real."""

import factory

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory


class CommentFactory(factory.Factory):
    class Meta:
        model = dict

    author = factory.SubFactory(UserFactory)
    summary = factory.SubFactory(SummaryFactory)
    # Distinct texts: the same text twice within seconds would be a double submit.
    source = factory.Sequence(lambda n: f"Comment {n}: why does $x_1$ dominate?")
    parent = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.post_comment(**kwargs)

    _build = _create


class QuestionFactory(factory.Factory):
    class Meta:
        model = dict

    author = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)
    title = factory.Sequence(lambda n: f"Question {n}: what is the role of the prior?")
    source = "Section 3 says $p(\\theta)$ is flat; why?"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.ask_question(**kwargs)

    _build = _create


class AnswerFactory(factory.Factory):
    class Meta:
        model = dict

    author = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    source = factory.Sequence(lambda n: f"Answer {n}: because $\\lambda$ is small.")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.post_answer(**kwargs)

    _build = _create
