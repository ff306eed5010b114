"""The demo's requests and claim: /requests/ is not empty, and shows who is writing what."""

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.demo import activity
from precis.demo import requests as requests_demo
from precis.papers.models import SummaryClaim, SummaryRequest
from precis.papers.tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def test_it_fills_the_requests_page_with_a_claim_and_may_run_twice(client):
    names = {reader for reader, _ in [*activity.SUMMARY_REQUESTS, *requests_demo.MORE_REQUESTS]}
    users = {name: UserFactory(username=name) for name in names | {requests_demo.CLAIM[0]}}
    ids = {arxiv_id for _, arxiv_id in requests_demo.MORE_REQUESTS}
    papers = {arxiv_id: PaperFactory(arxiv=arxiv_id, title=f"Paper {arxiv_id}") for arxiv_id in ids}
    requests_demo.load(users=users, papers=papers)
    requests_demo.load(users=users, papers=papers)
    assert SummaryRequest.objects.count() == len(requests_demo.MORE_REQUESTS)
    writer, arxiv_id = requests_demo.CLAIM
    claim = SummaryClaim.objects.get()
    assert (claim.writer.username, claim.paper) == (writer, papers[arxiv_id])
    page = client.get("/requests/").content.decode()
    assert all(f"Paper {arxiv_id}" in page for arxiv_id in ids)
    assert f"{users[writer].public_name}</a> is writing a summary" in page
