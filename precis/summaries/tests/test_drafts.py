"""A signed-out visitor's posted text is kept for sign-in, within bounds."""

from django.contrib.sessions.models import Session
from django.urls import reverse

from precis.papers.tests.factories import PaperFactory
from precis.summaries.services import MAX_SOURCE_CHARS


def write_url(paper):
    return reverse("summaries:write", args=[paper.pk])


def session_bytes(client) -> int:
    return len(Session.objects.get(session_key=client.session.session_key).session_data)


def test_it_keeps_only_the_latest_draft_however_many_papers_are_posted_to(client, db):
    papers = [PaperFactory() for _ in range(5)]
    for paper in papers:
        client.post(write_url(paper), {"source": "x" * 20_000, "visibility": "public"})
    one_draft = session_bytes(client)
    assert one_draft < 30_000  # one draft, not five
    assert client.session["precis:draft"]["paper"] == papers[-1].pk


def test_it_refuses_to_keep_text_over_the_summary_limit_and_says_so(client, db):
    paper = PaperFactory()
    response = client.post(write_url(paper), {"source": "x" * (MAX_SOURCE_CHARS + 1)}, follow=True)
    assert "could not be kept" in response.text
    assert "precis:draft" not in client.session


def test_a_draft_is_offered_only_on_its_own_papers_page(client, alice):
    kept, other = PaperFactory(), PaperFactory()
    client.post(write_url(kept), {"source": "Words I must not lose", "visibility": "public"})
    client.force_login(alice)
    assert "Words I must not lose" not in client.get(write_url(other)).text
    assert "Words I must not lose" in client.get(write_url(kept)).text
    assert "Words I must not lose" not in client.get(write_url(kept)).text  # taken once
