"""The demo's paper with two versions and a summary written for the first."""

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.demo import versions
from precis.papers.models import Paper, PaperVersion
from precis.summaries.models import Summary

pytestmark = pytest.mark.django_db


def test_it_loads_two_versions_and_an_outdated_summary_and_may_run_twice(client):
    users = {versions.WRITER: UserFactory(username=versions.WRITER)}
    versions.load(users=users)
    versions.load(users=users)
    paper = Paper.objects.by_identifier("arxiv", versions.ARXIV_ID).get()
    assert list(paper.versions.values_list("label", flat=True)) == ["v1", "v2"]
    assert PaperVersion.objects.count() == 2
    summary = Summary.objects.get(paper=paper)
    assert summary.paper_version.label == "v1" and summary.is_listed
    assert paper.latest_version.label == "v2"
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "Written for v1; the paper is now at v2" in page
    assert "References added" in page
