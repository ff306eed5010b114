"""The account pages (allauth's views, our templates) through the test client: every
reachable address in the site's layout and wording, errors beside their fields, and
joining from the form to the welcome page."""

import re

import pytest
from allauth import urls as allauth_urls
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import URLPattern, URLResolver, reverse

from precis.accounts.models import User
from precis.accounts.tests.factories import PASSWORD, signup_data

pytestmark = pytest.mark.django_db

# allauth's own headings and menu; none may show on our pages.
ALLAUTH_WORDING = [
    "Sign In</h1>",
    "Sign Up</h1>",
    "Menu:",
    "Messages:",
    "Email Addresses</h1>",
    "Password Reset</h1>",
    "Change Password</h1>",
    "Confirm Email Address</h1>",
    "Bad Token",
    "Account Connections",
    "Remember Me",
]


def allauth_pages(patterns=None, prefix="/accounts/"):
    """Every allauth address without parameters, from its URL patterns."""
    for pattern in allauth_urls.urlpatterns if patterns is None else patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from allauth_pages(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
            yield prefix + route


ADDRESSES = sorted(set(allauth_pages()))


def assert_our_page(response, address):
    body = response.content.decode()
    assert 'class="site-header"' in body, f"{address} is not in the site's layout"
    assert 'class="site-footer"' in body, address
    for words in ALLAUTH_WORDING:
        assert words not in body, f"{address} shows allauth's {words!r}"
    assert body.count("<h1") == 1, f"{address} has {body.count('<h1')} h1 headings"


def test_the_walk_covers_allauths_pages():
    assert "/accounts/login/" in ADDRESSES and "/accounts/password/reset/" in ADDRESSES
    assert len(ADDRESSES) >= 15


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_every_allauth_address_renders_in_the_site_layout(client, alice, signed_in):
    if signed_in:
        client.force_login(alice)
    seen = 0
    for address in [
        *ADDRESSES,
        "/accounts/confirm-email/not-a-key/",
        "/accounts/password/reset/key/1-bad/",
    ]:
        response = client.get(address, follow=True)
        assert response.status_code in (200, 401, 404, 405), (address, response.status_code)
        if response.status_code == 405:  # allauth's POST-only endpoints
            continue
        assert_our_page(response, address)
        seen += 1
    assert seen >= 15


def test_a_page_without_a_configured_provider_is_our_404(client):
    response = client.get("/accounts/orcid/login/")
    assert response.status_code == 404
    assert_our_page(response, "/accounts/orcid/login/")


def test_sign_in_links_to_joining_and_resetting_and_labels_every_field(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "<h1>Sign in</h1>" in body
    assert f'href="{reverse("account_signup")}"' in body
    assert f'href="{reverse("account_reset_password")}"' in body
    assert '<label for="id_login">Username or e-mail address</label>' in body
    assert 'autocomplete="username"' in body
    assert "placeholder=" not in body.split("<main", 1)[1].split("</main>")[0].replace(
        'placeholder="A title', ""
    )


def test_orcid_is_offered_on_sign_in_and_joining_only_when_configured(client, settings):
    assert "ORCID" not in client.get(reverse("account_login")).content.decode()
    settings.ORCID_LOGIN_ENABLED = True
    assert "Sign in with ORCID" in client.get(reverse("account_login")).content.decode()
    assert "Join with ORCID" in client.get(reverse("account_signup")).content.decode()


def test_a_wrong_password_says_so_and_keeps_what_was_typed(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice", "password": "nope"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "do not match" in body and 'class="form-errors" role="alert"' in body
    assert 'value="alice"' in body
    assert "reset your password" in body


def test_sign_up_errors_sit_beside_their_fields_and_are_tied_to_them(client, alice):
    data = signup_data(
        username="alice", email="not-an-address", password1="short", password2="other"
    )
    body = client.post(reverse("account_signup"), data).content.decode()
    for name in ("username", "email", "password1"):
        error = re.search(rf'<div class="field-error" id="id_{name}_error">(.*?)</div>', body, re.S)
        assert error, f"no error beside {name}"
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', body).group(0)
        assert f"id_{name}_error" in field and 'aria-invalid="true"' in field
    assert "Someone already has that username" in body


def test_joining_with_a_taken_address_tells_its_owner_by_e_mail_not_the_page(client, alice):
    # allauth keeps addresses private (no "already taken" on the page); the owner hears.
    response = client.post(
        reverse("account_signup"),
        signup_data(
            username="newcomer",
            email="alice@example.org",
            password1="a long passphrase 42",
            password2="a long passphrase 42",
        ),
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[Precis] You already have an account"
    assert "alice@example.org" in message.body and "/accounts/password/reset/" in message.body


def test_the_reset_request_reaches_the_mailbox_and_the_done_page_says_where(
    client, alice, settings
):
    response = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "<h1>Check your e-mail</h1>" in done and "3 days" in done
    (message,) = mail.outbox
    assert message.subject == "[Precis] Choose a new password"
    # On SITE_URL, the public address, whichever host the request came in on.
    found = re.search(
        rf"{re.escape(settings.SITE_URL)}(/accounts/password/reset/key/\S+)", message.body
    )
    link = found.group(1)
    page = client.get(link, follow=True)
    assert "<h1>Choose a new password</h1>" in page.content.decode()
    changed = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
        follow=True,
    )
    assert "Your new password is set" in changed.content.decode()
    assert client.login(username="alice", password="a brand new passphrase")


def test_a_used_or_wrong_reset_link_explains_and_offers_a_new_one(client):
    body = client.get("/accounts/password/reset/key/1-set-password/", follow=True).content
    assert b"This link has expired or was already used" in body
    assert f'href="{reverse("account_reset_password")}"'.encode() in body


def test_the_email_page_lists_addresses_in_our_words(client, alice):
    client.force_login(alice)
    body = client.get(reverse("account_email")).content.decode()
    assert "<h1>Your e-mail addresses</h1>" in body
    assert "alice@example.org" in body and "Confirmed" in body and "Primary" in body
    assert 'aria-current="page"' in body  # the account tabs mark where you are
    response = client.post(reverse("account_email"), {"action_add": "", "email": "not-an-address"})
    assert 'id="id_email_error"' in response.content.decode()


def join(client, **extra):
    return client.post(
        reverse("account_signup"),
        signup_data(
            username="newt",
            email="newt@example.org",
            password1="a long passphrase 42",
            password2="a long passphrase 42",
        ),
        **extra,
    )


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_joining_confirming_and_the_welcome_shown_once(client):
    response = join(client)
    assert response.status_code == 302
    sent = client.get(response["Location"]).content.decode()
    assert "<h1>Check your e-mail</h1>" in sent
    (message,) = mail.outbox
    assert message.subject == "[Precis] Confirm your e-mail address to finish joining"
    assert "to join as newt" in message.body and "3 days" in message.body
    link = confirmation_link(message).removeprefix("http://testserver")

    page = client.get(link).content.decode()
    assert "<h1>Confirm your e-mail address</h1>" in page and "newt@example.org" in page
    confirmed = client.post(link)
    assert confirmed["Location"] == reverse("accounts:welcome")
    welcome = client.get(confirmed["Location"]).content.decode()
    assert "Welcome to Precis" in welcome
    assert "Welcome back" not in welcome  # a first sign-in, not a return
    for step in (
        "Summarise a paper you know",
        "Follow",
        "Add a missing paper",
        "Set up your profile",
    ):
        assert step in welcome
    assert EmailAddress.objects.get(email="newt@example.org").verified

    client.logout()
    again = client.post(
        reverse("account_login"), {"login": "newt", "password": "a long passphrase 42"}
    )
    assert again["Location"] == "/"  # welcomed once, not at every sign-in


def test_confirming_in_another_browser_welcomes_at_the_first_sign_in_there(
    client, django_user_model
):
    from django.test import Client

    join(client)
    link = confirmation_link(mail.outbox[0]).removeprefix("http://testserver")
    other = Client()
    confirmed = other.post(link)
    assert confirmed["Location"] == reverse("account_login")
    signed_in = other.post(
        reverse("account_login"), {"login": "newt", "password": "a long passphrase 42"}
    )
    assert signed_in["Location"] == reverse("accounts:welcome")


def test_the_welcome_keeps_where_the_newcomer_was_going(client, alice):
    client.force_login(alice)
    body = client.get(reverse("accounts:welcome"), {"next": "/venues/"}).content.decode()
    assert 'href="/venues/">Carry on where you were' in body
    hostile = client.get(reverse("accounts:welcome"), {"next": "https://evil.example/"})
    assert "evil.example" not in hostile.content.decode()


def test_the_welcome_is_for_people_signed_in(client):
    response = client.get(reverse("accounts:welcome"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_an_established_member_is_not_welcomed_on_signing_in(client, alice):
    User.objects.filter(pk=alice.pk).update(last_login=None)  # e.g. a demo account
    response = client.post(reverse("account_login"), {"login": "alice", "password": PASSWORD})
    assert response["Location"] == "/"


def test_messages_after_signing_in_and_out_are_in_our_words(client, alice):
    response = client.post(
        reverse("account_login"), {"login": "alice", "password": PASSWORD}, follow=True
    )
    assert "Welcome back, alice." in response.content.decode()
    response = client.post(reverse("account_logout"), follow=True)
    assert "You have signed out." in response.content.decode()
