"""/api/v1/papers/{id}/findings and /api/v1/findings/{id}: reads, writes, errors."""

import pytest
from django.test import Client

from precis.accounts import services as accounts
from precis.accounts.tests.factories import UserFactory
from precis.api.models import ApiToken
from precis.findings import services
from precis.findings.models import Finding
from precis.lib.moderation import ModerationState
from precis.papers.tests.factories import PaperFactory

from .factories import FindingFactory, ReplyFactory, verified_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return PaperFactory(title="Deep residual learning")


@pytest.fixture
def finding(alice, paper):
    return FindingFactory(author=alice, paper=paper, title="Eq. 4 drops a factor")


def token_client(user, scope="write") -> Client:
    _, raw = ApiToken.issue(user=user, name="test", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_it_lists_a_papers_findings_with_the_open_count(alice, finding, paper):
    resolved = FindingFactory(author=alice, paper=paper, title="Fixed typo", kind="citation")
    services.change_status(finding=resolved, by=alice, to="resolved")
    body = Client().get(f"/api/v1/papers/{paper.pk}/findings").json()
    assert body["open_count"] == 1
    assert [f["title"] for f in body["results"]] == ["Fixed typo", "Eq. 4 drops a factor"]
    first = body["results"][1]
    assert first["kind"] == "erratum" and first["status"] == "open"
    assert first["reporter"]["username"] == "alice"
    assert first["url"].endswith(finding.get_absolute_url())
    assert "<math" in first["html"]
    filtered = Client().get(f"/api/v1/papers/{paper.pk}/findings?status=resolved").json()
    assert [f["title"] for f in filtered["results"]] == ["Fixed typo"]


def test_it_pages_with_a_cursor(alice, paper):
    for n in range(5):
        FindingFactory(author=alice, paper=paper, title=f"Finding {n}")
    client = Client()
    seen, url = [], f"/api/v1/papers/{paper.pk}/findings?limit=2"
    while url:
        body = client.get(url).json()
        seen += [f["title"] for f in body["results"]]
        url = body["next"]
    assert sorted(seen) == [f"Finding {n}" for n in range(5)]


def test_one_finding_with_its_replies_and_history(alice, finding, paper):
    ReplyFactory(finding=finding, source="Seen it too.")
    dana = verified_author(paper)
    services.post_reply(author=dana, finding=finding, source="Confirmed.", status="confirmed")
    body = Client().get(f"/api/v1/findings/{finding.pk}").json()
    assert body["status"] == "confirmed"
    assert body["reply_count"] == 2
    assert [r["by_paper_author"] for r in body["replies"]] == [False, True]
    assert body["history"][0]["from_status"] == "open"
    assert body["history"][0]["role"] == "author"
    assert body["history"][0]["by"]["username"] == "dana"


def test_reporting_replying_and_withdrawing_through_the_api(alice, carol, paper):
    client = token_client(alice)
    made = client.post(
        f"/api/v1/papers/{paper.pk}/findings",
        {"kind": "code_data", "title": "Code", "link_url": "https://example.org/code"},
        content_type="application/json",
    )
    assert made.status_code == 200, made.content
    finding_id = made.json()["id"]
    reply = token_client(carol).post(
        f"/api/v1/findings/{finding_id}/replies", {"source": "Thanks!"},
        content_type="application/json",
    )  # fmt: skip
    assert reply.status_code == 200
    assert reply.json()["by_paper_author"] is False
    withdrawn = client.post(
        f"/api/v1/findings/{finding_id}/status", {"status": "withdrawn"},
        content_type="application/json",
    )  # fmt: skip
    assert withdrawn.json()["status"] == "withdrawn"


def test_strangers_cannot_move_a_status(carol, finding):
    response = token_client(carol).post(
        f"/api/v1/findings/{finding.pk}/status", {"status": "resolved"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json()["detail"]
    finding.refresh_from_db()
    assert finding.status == "open"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "code_data", "title": "x", "link_url": "javascript:alert(1)"}, 422),
        ({"kind": "gossip", "title": "x", "source": "y"}, 422),
        ({"kind": "erratum", "title": "x", "source": "y" * 20_001}, 422),
        ({"kind": "erratum", "title": "\u0001\u0002", "source": "y"}, 422),
        ({"kind": "erratum", "title": "x"}, 422),
        ({"kind": "erratum", "title": "x", "source": "\u0000"}, 400),
    ],
)
def test_bad_writes_get_the_one_error_shape(alice, paper, body, status):
    response = token_client(alice).post(
        f"/api/v1/papers/{paper.pk}/findings", body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert not Finding.objects.exists()


def test_reading_needs_no_token_but_writing_does(paper):
    assert Client().get(f"/api/v1/papers/{paper.pk}/findings").status_code == 200
    response = Client().post(
        f"/api/v1/papers/{paper.pk}/findings", {"kind": "erratum", "title": "x", "source": "y"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 401
    read_only = token_client(UserFactory(), scope="read")
    response = read_only.post(
        f"/api/v1/papers/{paper.pk}/findings", {"kind": "erratum", "title": "x", "source": "y"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize("pk", ["0", "9223372036854775808", "99999999999999999999"])
def test_absurd_ids_are_404_in_the_error_shape(pk):
    for url in (f"/api/v1/papers/{pk}/findings", f"/api/v1/findings/{pk}"):
        response = Client().get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"]


def test_a_forged_cursor_is_a_400(paper):
    response = Client().get(f"/api/v1/papers/{paper.pk}/findings?cursor=%FF%FE")
    assert response.status_code == 400


def test_hidden_and_muted_findings_stay_out_of_the_api(alice, bob, carol, paper):
    hidden = FindingFactory(author=alice, paper=paper, title="Hidden words")
    services.set_moderation(thing=hidden, state=ModerationState.HIDDEN, reason="Spam")
    FindingFactory(author=carol, paper=paper, title="Carol's finding")
    visitor = Client().get(f"/api/v1/papers/{paper.pk}/findings").json()
    assert [f["title"] for f in visitor["results"]] == ["Carol's finding"]
    assert Client().get(f"/api/v1/findings/{hidden.pk}").status_code == 404
    accounts.mute(who=alice, whom=carol)
    own = token_client(alice).get(f"/api/v1/papers/{paper.pk}/findings").json()
    assert [f["title"] for f in own["results"]] == ["Hidden words"]  # their own, held or not


def test_the_openapi_document_describes_the_findings_endpoints():
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/papers/{paper_id}/findings" in schema["paths"]
    assert "/api/v1/findings/{finding_id}" in schema["paths"]
