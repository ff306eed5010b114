import pytest
from django.test import Client
from django.urls import reverse

from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def write_url(paper):
    return reverse("summaries:write", args=[paper.pk])


def test_it_publishes_a_summary_from_the_form(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    response = client.post(
        write_url(paper),
        {"source": "Key idea:\n\n$$\\sum_i x_i$$", "visibility": "public", "save": ""},
    )
    summary = Summary.objects.get(author=alice, paper=paper)
    assert response.status_code == 302
    assert response.url == summary.get_absolute_url()
    page = client.get(paper.get_absolute_url()).content.decode()
    assert 'display="block"' in page
    assert "Edit your summary" in page


def test_it_reshows_the_text_when_validation_fails(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    text = "My careful words " * 10
    response = client.post(write_url(paper), {"source": text, "visibility": "nonsense"})
    assert response.status_code == 200
    assert "My careful words" in response.content.decode()
    assert not Summary.objects.exists()


def test_the_preview_button_renders_without_saving(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    response = client.post(
        write_url(paper), {"source": "Inline $a^2$", "visibility": "public", "preview": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<math" in body
    assert "Inline $a^2$" in body  # still in the textarea
    assert not Summary.objects.exists()


def test_the_preview_endpoint_uses_the_renderer(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("summaries:preview"), {"source": "$x_1$ and <script>alert(1)</script>"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<math" in body
    assert "<script" not in body


def test_the_preview_endpoint_needs_a_signed_in_post(client):
    assert client.post(reverse("summaries:preview"), {"source": "x"}).status_code == 302
    assert client.get(reverse("summaries:preview")).status_code in (302, 405)


def test_a_draft_posted_after_the_session_expired_survives_sign_in(client, alice):
    paper = PaperFactory()
    response = client.post(
        write_url(paper), {"source": "Words I must not lose", "visibility": "public"}
    )
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    client.post(
        reverse("account_login"),
        {"login": "alice", "password": "correct horse battery staple"},
    )
    page = client.get(write_url(paper)).content.decode()
    assert "Words I must not lose" in page
    assert "We kept the text" in page


def test_the_writer_sees_history_with_a_diff_and_can_restore(client, alice):
    paper = PaperFactory()
    first = SummaryFactory(author=alice, paper=paper, source="line one\nline two")
    SummaryFactory(author=alice, paper=paper, source="line one\nline 2")
    client.force_login(alice)
    page = client.get(reverse("summaries:history", args=[first.pk])).content.decode()
    assert (
        'class="diff-text">line <del><span class="visually-hidden">[removed: </span>two'
        '<span class="visually-hidden">]</span></del><ins><span class="visually-hidden">'
        '[added: </span>2<span class="visually-hidden">]</span></ins></td>'
    ) in page
    client.post(reverse("summaries:restore", args=[first.pk, 1]))
    first.refresh_from_db()
    assert first.source == "line one\nline two"
    assert first.revisions.count() == 3


def test_history_compares_any_two_revisions(client, alice):
    paper = PaperFactory()
    for text in ("alpha", "beta", "gamma"):
        summary = SummaryFactory(author=alice, paper=paper, source=text)
    page = client.get(reverse("summaries:history", args=[summary.pk]) + "?a=1&b=3")
    body = page.content.decode()
    assert "<del>alpha</del>" in body
    assert "<ins>gamma</ins>" in body


def test_strangers_cannot_edit_delete_or_restore(client, alice, carol):
    summary = SummaryFactory(author=alice)
    client.force_login(carol)
    assert client.get(reverse("summaries:edit", args=[summary.pk])).status_code == 404
    assert client.post(reverse("summaries:delete", args=[summary.pk])).status_code == 404
    assert client.post(reverse("summaries:restore", args=[summary.pk, 1])).status_code == 404
    # Carol's write page for the same paper is her own, empty summary.
    page = client.get(write_url(summary.paper)).content.decode()
    assert summary.source not in page


def test_delete_and_undo(client, alice):
    summary = SummaryFactory(author=alice)
    client.force_login(alice)
    client.post(reverse("summaries:delete", args=[summary.pk]))
    assert "Undo delete" in client.get(summary.get_absolute_url()).content.decode()
    assert Client().get(summary.get_absolute_url()).status_code == 404
    client.post(reverse("summaries:undelete", args=[summary.pk]))
    assert Client().get(summary.get_absolute_url()).status_code == 200


def test_voting_by_form_and_by_json(client, alice, carol):
    summary = SummaryFactory(author=alice)
    client.force_login(carol)
    url = reverse("summaries:vote", args=[summary.pk])
    response = client.post(url, {"value": "up", "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    response = client.post(url, {"value": "down"}, headers={"Accept": "application/json"})
    assert response.json() == {"score": -1, "upvotes": 0, "downvotes": 1, "my_vote": -1}
    response = client.post(url, {"value": "clear"}, headers={"Accept": "application/json"})
    assert response.json()["score"] == 0


def test_voting_on_your_own_summary_gets_a_clear_error(client, alice):
    summary = SummaryFactory(author=alice)
    client.force_login(alice)
    response = client.post(
        reverse("summaries:vote", args=[summary.pk]),
        {"value": "up"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot vote on your own summary.", "errors": []}


def test_a_bad_vote_value_is_rejected(client, alice, carol):
    summary = SummaryFactory(author=alice)
    client.force_login(carol)
    response = client.post(
        reverse("summaries:vote", args=[summary.pk]),
        {"value": "sideways"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400


def test_the_next_parameter_cannot_redirect_off_site(client, alice, carol):
    summary = SummaryFactory(author=alice)
    client.force_login(carol)
    response = client.post(
        reverse("summaries:vote", args=[summary.pk]),
        {"value": "up", "next": "https://evil.example/"},
    )
    assert response.url == summary.get_absolute_url()


def test_forms_require_csrf_tokens(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    paper = PaperFactory()
    response = client.post(write_url(paper), {"source": "x", "visibility": "public"})
    assert response.status_code == 403
    page = client.get(write_url(paper))
    token = page.cookies["csrftoken"].value
    response = client.post(
        write_url(paper),
        {"source": "x", "visibility": "public", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
