"""Comments, questions and answers record the paper version they were written against."""

from datetime import date

import pytest

from precis.discussions import services
from precis.importers.base import PaperRecord, VersionRecord
from precis.papers.services import upsert_paper
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def at_version(number: int):
    paper, _ = upsert_paper(
        PaperRecord(
            title="A paper that changes",
            identifiers={"arxiv": "2101.00002"},
            source="arxiv",
            versions=[VersionRecord(n, date(2021, 2, n)) for n in range(1, number + 1)],
        )
    )
    return paper


def test_each_records_the_version_current_when_it_was_written(alice, carol):
    paper = at_version(1)
    summary = SummaryFactory(author=alice, paper=paper)
    question = services.ask_question(author=carol, paper=paper, title="Does it hold in 3D?")
    comment = services.post_comment(author=carol, summary=summary, source="Nice summary.")
    assert question.paper_version.label == comment.paper_version.label == "v1"
    paper = at_version(3)
    answer = services.post_answer(author=alice, question=question, source="Yes, see v3.")
    later = services.post_comment(author=carol, summary=summary, source="Still true at v3?")
    assert answer.paper_version.label == later.paper_version.label == "v3"
    question.refresh_from_db()
    assert question.paper_version.label == "v1"  # what was written then stays so


def test_without_known_versions_they_record_none(alice, carol):
    paper = PaperFactory()
    question = services.ask_question(author=carol, paper=paper, title="Which dataset?")
    answer = services.post_answer(author=alice, question=question, source="ImageNet.")
    assert question.paper_version is None and answer.paper_version is None
