import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from precis.accounts.models import User, validate_orcid
from precis.accounts.tests.factories import signup_data
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def test_sign_up_confirm_the_email_and_be_signed_in(client):
    response = client.post(
        reverse("account_signup"),
        signup_data(
            username="dora",
            email="dora@example.org",
            password1="a long passphrase 42",
            password2="a long passphrase 42",
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(username="dora")
    assert "_auth_user_id" not in client.session  # not before confirming
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirm_page = client.get(f"/{path}")
    assert confirm_page.status_code == 200
    client.post(f"/{path}")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_signed_up_user_cannot_sign_in_before_confirming(client):
    client.post(
        reverse("account_signup"),
        signup_data(
            username="eve",
            email="eve@example.org",
            password1="a long passphrase 42",
            password2="a long passphrase 42",
        ),
    )
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "eve", "password": "a long passphrase 42"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert "confirm" in response.url


def test_sign_up_errors_keep_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        signup_data(username="frank", email="not-an-email", password1="x", password2="y"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="frank"' in body
    assert "not-an-email" in body


def test_the_profile_shows_public_summaries_and_score(client, alice):
    SummaryFactory(author=alice, source="Public insight")
    body = client.get(reverse("accounts:profile", args=["alice"])).content.decode()
    assert "Alice Writer" in body
    assert "Public insight" in body
    assert client.get("/u/nobody/").status_code == 404


def test_users_page_lists_people_with_published_summaries(client, alice, carol):
    SummaryFactory(author=alice)
    body = client.get(reverse("accounts:users")).content.decode()
    assert "Alice Writer" in body
    assert "Carol Stranger" not in body


def test_settings_update_the_profile(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": "Alice W.",
            "bio": "Reads papers on trains.",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
            "email_frequency": "daily",
            "email_on_comment": "on",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.orcid) == ("Alice W.", "0000-0002-1825-0097")
    assert alice.email_on_comment and not alice.email_on_reply
    assert alice.email_frequency == "daily"


def test_settings_reject_a_bad_orcid_and_keep_the_form(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:settings"), {"display_name": "Kept name", "orcid": "0000-0002-1825-0098"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "checksum" in body
    assert 'value="Kept name"' in body


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_valid_orcids_pass(orcid):
    validate_orcid(orcid)


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "123", "0000-0002-1825-009"])
def test_invalid_orcids_fail(orcid):
    with pytest.raises(ValidationError):
        validate_orcid(orcid)


def test_settings_need_a_signed_in_user(client):
    assert client.get(reverse("accounts:settings")).status_code == 302
