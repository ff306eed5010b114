import pytest
from django.test import Client

from precis.api.models import ApiToken
from precis.discussions import services as discussions
from precis.lib import ratelimit
from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

from .factories import bearer, token_for
from .test_read import assert_error_shape

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def paper():
    return PaperFactory(title="Attention Is All You Need", arxiv="1706.03762")


def post(client, url, data, **headers):
    return client.post(url, data, content_type=JSON, **headers)


def test_a_write_token_creates_and_updates_a_summary(client, alice, paper):
    auth = bearer(token_for(alice))
    url = f"/api/v1/papers/{paper.pk}/summaries"
    created = post(
        client, url, {"source": "Attention *is* enough.", "visibility": "public"}, **auth
    )
    assert created.status_code == 200, created.content
    body = created.json()
    assert body["author"]["username"] == "alice" and "<em>is</em>" in body["html"]
    again = post(client, url, {"source": "Revised.", "visibility": "unlisted"}, **auth).json()
    assert again["id"] == body["id"] and again["visibility"] == "unlisted"
    assert Summary.objects.get().revisions.count() == 2


def test_it_patches_and_soft_deletes_the_callers_summary(client, alice, carol, paper):
    summary = SummaryFactory(author=alice, paper=paper)
    auth = bearer(token_for(alice))
    patched = client.patch(
        f"/api/v1/summaries/{summary.pk}", {"anonymous": True}, content_type=JSON, **auth
    ).json()
    assert patched["anonymous"] is True and patched["source"] == summary.source
    assert client.delete(f"/api/v1/summaries/{summary.pk}", **auth).status_code == 204
    summary.refresh_from_db()
    assert summary.deleted_at is not None
    assert_error_shape(client.get(f"/api/v1/summaries/{summary.pk}"), 404)


def test_it_answers_404_when_writing_someone_elses_summary(client, alice, carol):
    summary = SummaryFactory(author=alice)
    auth = bearer(token_for(carol))
    assert_error_shape(
        client.patch(f"/api/v1/summaries/{summary.pk}", {"source": "x"}, content_type=JSON, **auth),
        404,
    )
    assert_error_shape(client.delete(f"/api/v1/summaries/{summary.pk}", **auth), 404)


def test_it_rejects_an_empty_summary_with_422(client, alice, paper):
    response = post(
        client, f"/api/v1/papers/{paper.pk}/summaries", {"source": "  "}, **bearer(token_for(alice))
    )
    assert_error_shape(response, 422)


def test_it_rejects_a_malformed_body_with_422(client, alice, paper):
    response = post(
        client,
        f"/api/v1/papers/{paper.pk}/summaries",
        {"visibility": "loud"},
        **bearer(token_for(alice)),
    )
    body = assert_error_shape(response, 422)
    assert {tuple(e["loc"]) for e in body["errors"]} >= {("body", "data", "source")}


def test_it_votes(client, alice, carol):
    summary = SummaryFactory(author=alice)
    auth = bearer(token_for(carol))
    body = post(client, f"/api/v1/summaries/{summary.pk}/vote", {"value": 1}, **auth).json()
    assert body["upvotes"] == 1 and body["my_vote"] == 1
    body = post(client, f"/api/v1/summaries/{summary.pk}/vote", {"value": 0}, **auth).json()
    assert body["upvotes"] == 0 and body["my_vote"] is None
    assert_error_shape(
        post(client, f"/api/v1/summaries/{summary.pk}/vote", {"value": 5}, **auth), 422
    )


def test_it_refuses_a_vote_on_ones_own_summary_with_403(client, alice):
    summary = SummaryFactory(author=alice)
    response = post(
        client, f"/api/v1/summaries/{summary.pk}/vote", {"value": 1}, **bearer(token_for(alice))
    )
    assert_error_shape(response, 403)


def test_it_comments_and_replies(client, alice, carol):
    summary = SummaryFactory(author=alice)
    auth = bearer(token_for(carol))
    first = post(
        client, f"/api/v1/summaries/{summary.pk}/comments", {"source": "Why?"}, **auth
    ).json()
    reply = post(
        client,
        f"/api/v1/summaries/{summary.pk}/comments",
        {"source": "Because.", "parent_id": first["id"]},
        **bearer(token_for(alice)),
    ).json()
    assert reply["parent_id"] == first["id"] and reply["by_summary_writer"] is True
    bad = post(
        client,
        f"/api/v1/summaries/{summary.pk}/comments",
        {"source": "x", "parent_id": 999},
        **auth,
    )
    assert_error_shape(bad, 400)


def test_it_asks_and_answers_questions(client, alice, carol, paper):
    asked = post(
        client,
        f"/api/v1/papers/{paper.pk}/questions",
        {"title": "Why eight heads?"},
        **bearer(token_for(carol)),
    ).json()
    answer = post(
        client,
        f"/api/v1/questions/{asked['id']}/answers",
        {"source": "Tuning."},
        **bearer(token_for(alice)),
    ).json()
    assert answer["author"]["username"] == "alice"
    assert discussions.Question.objects.get().answers.count() == 1


class TestTokens:
    def test_a_read_token_cannot_write(self, client, alice, paper):
        response = post(
            client,
            f"/api/v1/papers/{paper.pk}/summaries",
            {"source": "x"},
            **bearer(token_for(alice, scope="read")),
        )
        body = assert_error_shape(response, 403)
        assert "read-only" in body["detail"]

    def test_a_read_token_reads_as_its_owner(self, client, alice):
        private = SummaryFactory(author=alice, visibility="private")
        response = client.get(
            f"/api/v1/summaries/{private.pk}", **bearer(token_for(alice, scope="read"))
        )
        assert response.status_code == 200

    def test_a_revoked_token_is_refused_with_401(self, client, alice):
        raw = token_for(alice, scope="read")
        ApiToken.objects.get().revoke()
        response = client.get("/api/v1/health", **bearer(raw))
        assert_error_shape(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_an_unknown_token_is_refused_with_401(self, client, db):
        assert_error_shape(client.get("/api/v1/health", **bearer("nonsense")), 401)

    def test_writing_needs_some_authentication(self, client, paper):
        assert_error_shape(
            post(client, f"/api/v1/papers/{paper.pk}/summaries", {"source": "x"}), 401
        )

    def test_only_a_hash_is_stored_and_use_is_recorded(self, client, alice):
        raw = token_for(alice)
        token = ApiToken.objects.get()
        assert raw not in (token.token_hash, token.prefix) and raw.startswith(token.prefix)
        client.get("/api/v1/health", **bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at is not None


class TestSessions:
    def test_session_writes_need_the_csrf_token(self, alice, paper):
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        url = f"/api/v1/papers/{paper.pk}/summaries"
        assert_error_shape(post(client, url, {"source": "Hello."}), 403)
        client.get("/settings/")  # sets the CSRF cookie
        csrf = client.cookies["csrftoken"].value
        assert post(client, url, {"source": "Hello."}, HTTP_X_CSRFTOKEN=csrf).status_code == 200

    def test_token_writes_need_no_csrf_token(self, alice, paper):
        client = Client(enforce_csrf_checks=True)
        response = post(
            client,
            f"/api/v1/papers/{paper.pk}/summaries",
            {"source": "Hi."},
            **bearer(token_for(alice)),
        )
        assert response.status_code == 200


class TestRateLimits:
    def test_reads_are_limited_with_retry_after(self, client, db, settings, monkeypatch):
        settings.API_READS_PER_MINUTE = 3
        monkeypatch.setattr(ratelimit, "clock", lambda: 60 * 20_000 + 20.0)  # 20 s into a window
        statuses = [client.get("/api/v1/health").status_code for _ in range(4)]
        response = client.get("/api/v1/health")
        assert statuses == [200, 200, 200, 429]
        assert_error_shape(response, 429)
        assert response["Retry-After"] == "40"

    def test_writes_are_limited_per_person_not_per_token(self, client, alice, carol, settings):
        settings.API_WRITES_PER_MINUTE = 1
        summary = SummaryFactory(author=alice)
        url = f"/api/v1/summaries/{summary.pk}/vote"
        assert post(client, url, {"value": 1}, **bearer(token_for(carol))).status_code == 200
        # A second token of the same person shares the first one's budget...
        second = bearer(token_for(carol, name="another script"))
        assert_error_shape(post(client, url, {"value": -1}, **second), 429)
        # ...while another person has their own.
        assert post(client, url, {"value": -1}, **bearer(token_for(alice))).status_code != 429

    def test_the_site_and_the_api_share_one_comment_budget(self, client, alice, carol, monkeypatch):
        monkeypatch.setattr(ratelimit, "clock", lambda: 60 * 20_000 + 1.0)  # one window
        summary = SummaryFactory(author=alice)
        client.force_login(carol)
        limit = ratelimit.COMMENT.count
        for n in range(limit):
            client.post(f"/summaries/{summary.pk}/comments", {"source": f"Form comment {n}"})
        client.logout()
        response = post(
            client,
            f"/api/v1/summaries/{summary.pk}/comments",
            {"source": "One more, through the API."},
            **bearer(token_for(carol)),
        )
        assert_error_shape(response, 429)
        assert "on the site and the API together" in response.json()["detail"]


class TestTokenPages:
    def test_it_creates_a_token_and_shows_it_once(self, client, alice):
        client.force_login(alice)
        response = client.post("/settings/api-tokens/", {"name": "laptop", "scope": "write"})
        assert response.status_code == 200
        token = ApiToken.objects.get()
        html = response.content.decode()
        assert token.name == "laptop" and token.scope == "write"
        raw = html.split('<code class="api-token">')[1].split("</code>")[0]
        assert ApiToken.objects.authenticate(raw) == token
        assert raw not in client.get("/settings/").content.decode()
        assert token.prefix in client.get("/settings/").content.decode()

    def test_it_revokes_only_ones_own_token(self, client, alice, carol):
        token_for(alice)
        token = ApiToken.objects.get()
        client.force_login(carol)
        assert client.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
        client.force_login(alice)
        assert client.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_it_rejects_a_nameless_token(self, client, alice):
        client.force_login(alice)
        assert (
            client.post("/settings/api-tokens/", {"name": "", "scope": "read"}).status_code == 400
        )
        assert not ApiToken.objects.exists()
