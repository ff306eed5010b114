"""Signing in with ORCID, end to end through allauth's real views.

Only ORCID's two endpoints are faked (the code-for-token exchange and the public
record), at the transport of the ``requests`` session allauth uses; everything
else (the state check, the account, our hooks, trust and author verification)
runs as in production.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from precis.accounts.models import PaperClaim, TrustLevel, User
from precis.accounts.tests.factories import UserFactory
from precis.findings import services as findings
from precis.findings.tests.factories import FindingFactory
from precis.papers.tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"
TOKEN_URL = "https://pub.orcid.org/oauth/token"
RECORD_URL = f"https://pub.orcid.org/v3.0/{ORCID}/record"


class FakeOrcid(requests.adapters.BaseAdapter):
    """ORCID's token and record endpoints, as a transport; any other address fails."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str]] = []
        self.down: set[str] = set()  # addresses that cannot be reached now

    def send(self, request, **kwargs):
        self.calls.append((request.method, request.url.split("?")[0]))
        if request.url.split("?")[0] in self.down:
            raise requests.ConnectionError(f"{request.url} is unreachable")
        if request.method == "POST" and request.url == TOKEN_URL:
            form = parse_qs(request.body)
            if form.get("code") != ["the-code"] or form.get("client_id") != ["APP-TEST"]:
                return self._answer(request, 400, {"error": "invalid_grant"})
            body = {"access_token": "t", "token_type": "bearer", "scope": "/authenticate"}
            return self._answer(request, 200, {**body, "orcid": ORCID})
        if request.method == "GET" and request.url.startswith(RECORD_URL):
            return self._answer(request, 200, record(ORCID))
        raise requests.ConnectionError(f"no network in tests: {request.url}")

    @staticmethod
    def _answer(request, status: int, body: dict) -> requests.Response:
        response = requests.Response()
        response.status_code, response.request, response.url = status, request, request.url
        response.headers["content-type"] = "application/json"
        response._content = json.dumps(body).encode()
        return response

    def close(self):
        pass


def record(orcid: str) -> dict:
    """The parts of a public ORCID record allauth reads (no public e-mail, as is usual)."""
    return {
        "orcid-identifier": {"path": orcid, "uri": f"https://orcid.org/{orcid}"},
        "person": {
            "name": {"given-names": {"value": "Dana"}, "family-name": {"value": "Scully"}},
            "emails": {"email": []},
        },
    }


@pytest.fixture
def orcid(settings, monkeypatch):
    settings.ORCID_LOGIN_ENABLED = True
    settings.SOCIALACCOUNT_PROVIDERS = {
        "orcid": {
            "BASE_DOMAIN": "orcid.org",
            "MEMBER_API": False,
            "APP": {"client_id": "APP-TEST", "secret": "s3cret"},
        }
    }
    fake = FakeOrcid()

    def session(adapter):
        made = requests.Session()
        made.mount("https://", fake)
        made.mount("http://", fake)
        return made

    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", session)
    return fake


def go_to_orcid(client, **form) -> str:
    """Press "Sign in with ORCID": the state ORCID is asked to send back."""
    response = client.post(reverse("orcid_login"), form)
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        "https://orcid.org/oauth/authorize"
    )
    query = parse_qs(authorize.query)
    assert query["client_id"] == ["APP-TEST"] and query["scope"] == ["/authenticate"]
    return query["state"][0]


def come_back(client, state: str, code: str = "the-code"):
    return client.get(reverse("orcid_callback"), {"code": code, "state": state}, follow=True)


def test_a_newcomer_signs_in_with_orcid_confirms_an_address_and_is_a_verified_author(client, orcid):
    paper = PaperFactory(title="A paper Dana wrote")
    finding = FindingFactory(paper=paper, title="Table 2 does not add up")
    page = come_back(client, go_to_orcid(client))
    # ORCID records rarely show an address: the newcomer gives one and a username
    assert "3rdparty/signup" in page.redirect_chain[-1][0]
    page = client.post(
        page.redirect_chain[-1][0], {"email": "dana@example.org", "username": "dana"}, follow=True
    )
    assert page.status_code == 200
    dana = User.objects.get(username="dana")
    assert dana.orcid == ORCID  # proven by ORCID, not typed
    assert SocialAccount.objects.filter(user=dana, provider="orcid", uid=ORCID).exists()
    assert dana.trust_level == TrustLevel.BASIC  # a proven iD earns Basic at once
    assert orcid.calls == [("POST", TOKEN_URL), ("GET", RECORD_URL)]

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)[0]
    client.post(urlsplit(link).path, follow=True)
    assert client.session["_auth_user_id"] == str(dana.pk)  # signed in once confirmed
    PaperClaim.objects.create(user=dana, paper=paper)
    page = client.get(finding.get_absolute_url())
    assert '<option value="confirmed">' in page.content.decode()  # offered to an author only
    client.post(
        reverse("findings:reply", args=[finding.pk]),
        {"source": "A typo; corrected in v2.", "status": "confirmed"},
    )
    finding.refresh_from_db()
    assert finding.status == "confirmed"
    assert finding.replies.get().by_paper_author


def test_an_existing_account_connects_orcid_and_the_proven_id_replaces_a_typed_one(client, orcid):
    person = UserFactory(username="eve", orcid="0000-0001-5109-3700", trust_level=TrustLevel.NEW)
    client.force_login(person)
    come_back(client, go_to_orcid(client, process="connect"))
    person.refresh_from_db()
    assert person.orcid == ORCID
    assert SocialAccount.objects.filter(user=person, provider="orcid", uid=ORCID).exists()
    assert person.trust_level == TrustLevel.BASIC


def test_a_claim_without_the_proof_is_not_an_author(client, orcid):
    typist = UserFactory(username="mallory", orcid=ORCID)  # typed someone else's iD
    paper = PaperFactory()
    PaperClaim.objects.create(user=typist, paper=paper)
    assert not findings.is_paper_author(typist, paper.pk)
    client.force_login(typist)
    finding = FindingFactory(paper=paper)
    assert (
        '<option value="confirmed">' not in client.get(finding.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"state": "forged"}, id="a forged state"),
        pytest.param({"code": "a-stolen-code"}, id="a code ORCID refuses"),
        pytest.param({"down": TOKEN_URL}, id="the token exchange unreachable"),
        pytest.param({"down": RECORD_URL}, id="the record unreachable"),
    ],
)
def test_a_forged_refused_or_failed_return_is_a_clear_page_and_makes_no_account(
    client, orcid, tamper
):
    state = go_to_orcid(client)
    orcid.down.add(tamper.get("down", ""))
    page = come_back(client, tamper.get("state", state), tamper.get("code", "the-code"))
    assert page.status_code == 401
    assert "Signing in with ORCID did not work" in page.content.decode()
    assert not SocialAccount.objects.exists()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
