import json
import os
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.accounts.adapters import remember_orcid
from precis.accounts.models import PaperClaim
from precis.accounts.orcid import parse_works
from precis.papers.models import Paper
from precis.testing import manage

ROOT = Path(__file__).resolve().parents[3]
ORCID = "0000-0002-1825-0097"
WORKS_URL = f"https://pub.orcid.org/v3.0/{ORCID}/works"


@pytest.fixture
def full_work(shared_fixtures) -> bytes:
    """ORCID's own v3.0 sample of one full work (see ../shared/fixtures/PROVENANCE.md)."""
    return (shared_fixtures / "other" / "orcid_v3.0_work_full_sample.json").read_bytes()


def summary(title, *, ids=(), year=None, month=None, day=None, journal=None, put_code=1):
    """One work-summary in the v3.0 shape; written by us for these tests, not recorded."""

    def part(value):
        return {"value": value} if value is not None else None

    return {
        "put-code": put_code,
        "path": f"/{ORCID}/work/{put_code}",
        "title": {"title": {"value": title}, "subtitle": None, "translated-title": None},
        "external-ids": {
            "external-id": [
                {
                    "external-id-type": kind,
                    "external-id-value": value,
                    "external-id-normalized": None,
                    "external-id-url": None,
                    "external-id-relationship": relationship,
                }
                for kind, value, relationship in ids
            ]
        },
        "url": None,
        "type": "journal-article",
        "publication-date": {"year": part(year), "month": part(month), "day": part(day)}
        if year
        else None,
        "journal-title": part(journal),
        "visibility": "public",
    }


def works_list(*groups) -> bytes:
    """A /works answer in the v3.0 shape; ours, not recorded (no real one was found)."""
    return json.dumps(
        {
            "last-modified-date": None,
            "group": [{"external-ids": {"external-id": []}, "work-summary": g} for g in groups],
            "path": f"/{ORCID}/works",
        }
    ).encode()


OUR_WORKS = works_list(
    [
        summary(
            "Deep Residual Learning for Image Recognition",
            ids=[("doi", "10.1109/CVPR.2016.90", "self")],
            year="2016",
            month="06",
            journal="CVPR",
        ),
        summary(
            "Deep residual learning for image recognition",
            ids=[("arxiv", "arXiv:1512.03385", "self")],
            put_code=2,
        ),
    ],
    [summary("Attention Is All You Need", ids=[("arxiv", "1706.03762", "self")], put_code=3)],
    [summary("", put_code=4)],  # ORCID keeps works whose title was removed
)


# -- parse_works ---------------------------------------------------------------


def test_it_reads_orcids_full_work_sample(full_work):
    raw = json.loads(full_work)
    [record] = parse_works(full_work)
    assert record.title == raw["title"]["title"]["value"] == "Work Title"
    assert record.year == int(raw["publication-date"]["year"]["value"]) == 2022
    assert record.published_on == date(2022, 5, 24)
    assert record.venue_name == raw["journal-title"]["value"]
    assert record.url == raw["url"]["value"]
    assert record.doc_type == "article"
    assert [(a.name, a.orcid) for a in record.authors] == [
        ("Jordan", "0000-0002-5391-5437"),
        ("Fran", "0000-0002-4325-871X"),
    ]


def test_it_takes_only_the_works_own_valid_ids_from_the_sample(full_work):
    ids = json.loads(full_work)["external-ids"]["external-id"]
    assert {(i["external-id-relationship"], i["external-id-value"]) for i in ids} == {
        ("part-of", "10.1187/20120402"),  # the container's DOI: not this work's
        ("self", "work:doi"),  # free text, not a DOI
    }
    [record] = parse_works(full_work)
    assert record.identifiers == {}


def test_it_reads_a_works_summary_list_merging_each_groups_ids():
    records = parse_works(OUR_WORKS)
    assert [r.title for r in records] == [
        "Deep Residual Learning for Image Recognition",
        "Attention Is All You Need",
    ]
    resnet, attention = records
    assert resnet.identifiers == {"doi": "10.1109/cvpr.2016.90", "arxiv": "1512.03385"}
    assert (resnet.year, resnet.published_on, resnet.venue_name) == (2016, None, "CVPR")
    assert resnet.source == "orcid" and resnet.source_ref == f"/{ORCID}/work/1"
    assert attention.identifiers == {"arxiv": "1706.03762"}
    assert attention.year is None and attention.authors == []


def test_it_ignores_null_date_parts_and_other_relationships():
    [record] = parse_works(
        works_list(
            [
                summary(
                    "A chapter",
                    ids=[("doi", "10.1000/book", "part-of"), ("isbn", "978-3-16", "self")],
                    year="2020",
                    day="31",
                )
            ]
        )
    )
    assert (record.year, record.published_on, record.identifiers) == (2020, None, {})


def test_it_refuses_what_is_not_orcid():
    with pytest.raises(ValueError):
        parse_works(b"<html>")
    with pytest.raises(ValueError):
        parse_works({"message": {}})


# -- importing one's works -----------------------------------------------------


@pytest.fixture
def author(alice):
    alice.orcid = ORCID
    alice.save()
    return alice


def test_import_creates_papers_and_claims_them(client, author, network):
    network.route("https://pub.orcid.org/", OUR_WORKS)
    client.force_login(author)
    response = client.post(reverse("accounts:orcid_import"))
    assert response.status_code == 302
    assert str(network.requests[0].url) == WORKS_URL
    assert network.requests[0].headers["accept"] == "application/json"
    titles = set(Paper.objects.values_list("title", flat=True))
    assert titles == {"Deep Residual Learning for Image Recognition", "Attention Is All You Need"}
    assert PaperClaim.objects.filter(user=author).count() == 2
    body = client.get(response.url, follow=True).content.decode()
    assert "Author of" in body
    assert "Attention Is All You Need" in body
    assert "2 newly on your profile" in body


def test_importing_twice_changes_nothing(client, author, network):
    network.route("https://pub.orcid.org/", OUR_WORKS)
    client.force_login(author)
    client.post(reverse("accounts:orcid_import"))
    state = (
        sorted(Paper.objects.values_list("pk", "title")),
        sorted(PaperClaim.objects.values_list("user_id", "paper_id")),
    )
    response = client.post(reverse("accounts:orcid_import"), follow=True)
    assert "0 new to Precis, 0 newly on your profile" in response.content.decode()
    assert state == (
        sorted(Paper.objects.values_list("pk", "title")),
        sorted(PaperClaim.objects.values_list("user_id", "paper_id")),
    )


def test_an_unreachable_orcid_is_a_message_and_changes_nothing(client, author, network):
    network.fail("https://pub.orcid.org/", httpx.ConnectError("connection refused"))
    client.force_login(author)
    response = client.post(reverse("accounts:orcid_import"), follow=True)
    assert response.status_code == 200
    assert "Could not read your works from ORCID, so nothing changed" in response.content.decode()
    assert not Paper.objects.exists() and not PaperClaim.objects.exists()


def test_import_needs_an_orcid_and_a_post(client, alice, network):
    client.force_login(alice)
    assert client.get(reverse("accounts:orcid_import")).status_code == 405
    response = client.post(reverse("accounts:orcid_import"), follow=True)
    assert "Add your ORCID iD" in response.content.decode()
    assert network.requests == []


def test_the_profile_lists_claimed_papers_in_constant_queries(
    client, author, carol, network, no_page_cache
):
    network.route("https://pub.orcid.org/", OUR_WORKS)
    client.force_login(author)
    client.post(reverse("accounts:orcid_import"))
    client.force_login(carol)
    url = reverse("accounts:profile", args=[author.username])
    client.get(url)  # warm per-process caches (site, content types)
    with CaptureQueriesContext(connection) as two_papers:
        client.get(url)
    for n in range(3):
        paper = Paper.objects.create(title=f"Another paper {n}", year=2020)
        PaperClaim.objects.create(user=author, paper=paper)
    with CaptureQueriesContext(connection) as five_papers:
        body = client.get(url).content.decode()
    assert "Another paper 2" in body
    assert len(five_papers) == len(two_papers)


# -- signing in with ORCID -----------------------------------------------------


@pytest.mark.django_db
def test_the_orcid_button_is_hidden_when_not_configured(client, settings):
    settings.ORCID_LOGIN_ENABLED = False
    body = client.get(reverse("account_login")).content.decode()
    assert "Sign in with ORCID" not in body


@pytest.mark.django_db
def test_the_orcid_button_shows_when_configured(client, settings):
    settings.ORCID_LOGIN_ENABLED = True
    body = client.get(reverse("account_login")).content.decode()
    assert "Sign in with ORCID" in body
    assert f'action="{reverse("orcid_login")}"' in body


def test_a_client_id_in_the_environment_configures_orcid(tmp_path):
    secret = tmp_path / "orcid-secret"
    secret.write_text("s3cret\n")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ORCID_")}
    environment.update(
        DEBUG="true",
        ORCID_CLIENT_ID="APP-TEST",
        ORCID_CLIENT_SECRET_FILE=str(secret),
        ORCID_SANDBOX="true",
    )
    code = (
        "from django.conf import settings as s; p = s.SOCIALACCOUNT_PROVIDERS['orcid'];"
        "print(s.ORCID_LOGIN_ENABLED, p['APP']['client_id'], p['APP']['secret'], p['BASE_DOMAIN'])"
    )
    result = manage("shell", "--no-imports", "-c", code, env=environment, check=False)
    assert result.stdout.split() == ["True", "APP-TEST", "s3cret", "sandbox.orcid.org"], (
        result.stderr
    )


def test_an_orcid_sign_in_puts_the_id_on_the_profile(alice):
    login = SimpleNamespace(account=SimpleNamespace(provider="orcid", uid=ORCID.lower()))
    remember_orcid(alice, login)
    alice.refresh_from_db()
    assert alice.orcid == ORCID
    other = SimpleNamespace(account=SimpleNamespace(provider="github", uid="12"))
    remember_orcid(alice, other)
    alice.refresh_from_db()
    assert alice.orcid == ORCID


@pytest.mark.django_db
def test_a_new_account_from_orcid_starts_with_the_id(rf):
    from allauth.socialaccount.models import SocialAccount, SocialLogin

    from precis.accounts.adapters import SocialAccountAdapter
    from precis.accounts.models import User

    account = SocialAccount(provider="orcid", uid=ORCID)
    login = SocialLogin(user=User(), account=account)
    user = SocialAccountAdapter().populate_user(rf.get("/"), login, {"email": "d@example.org"})
    assert user.orcid == ORCID
