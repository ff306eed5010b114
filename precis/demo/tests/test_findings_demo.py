"""The demo's findings: several kinds and statuses, a code link in a header; twice is once."""

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.demo import findings
from precis.findings.models import Finding, FindingReply, StatusChange
from precis.moderation.tests.factories import make_moderator
from precis.papers.tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def test_it_loads_findings_of_several_kinds_and_statuses_and_may_run_twice(client):
    names = {spec["author"] for spec in findings.FINDINGS} | {
        username for spec in findings.FINDINGS for username, _, _ in spec["replies"]
    }
    users = {name: UserFactory(username=name) for name in names - {"mod_ana"}}
    users["mod_ana"] = make_moderator("mod_ana")
    papers = {arxiv: PaperFactory(arxiv=arxiv) for arxiv in {s["paper"] for s in findings.FINDINGS}}
    assert findings.load(users=users, papers=papers) == len(findings.FINDINGS)
    assert findings.load(users=users, papers=papers) == 0
    assert Finding.objects.count() == len(findings.FINDINGS)
    assert FindingReply.objects.count() == sum(len(spec["replies"]) for spec in findings.FINDINGS)
    assert set(Finding.objects.values_list("status", flat=True)) == {
        "open", "confirmed", "withdrawn"
    }  # fmt: skip
    assert len(set(Finding.objects.values_list("kind", flat=True))) == 5
    assert StatusChange.objects.count() == 2
    assert all(finding.is_shown for finding in Finding.objects.all())
    resnet = papers["1512.03385"]
    page = client.get(resnet.get_absolute_url()).content.decode()
    assert 'href="https://github.com/KaimingHe/deep-residual-networks"' in page
    assert "Official trained models" in page
