"""Sign-up's defences on the real form, through the test client: honeypot, fill time, throw-away addresses."""

import re
import time

import pytest
from django.urls import reverse

from precis.accounts import forms
from precis.accounts.models import TrustLevel, User
from precis.accounts.tests.factories import signup_data

pytestmark = pytest.mark.django_db

PERSON = {
    "username": "gwen",
    "email": "gwen@example.org",
    "password1": "a long passphrase 42",
    "password2": "a long passphrase 42",
}


def sign_up(client, **fields):
    return client.post(reverse("account_signup"), signup_data(**{**PERSON, **fields}))


def test_a_person_who_took_their_time_signs_up_as_a_new_account(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert User.objects.get(username="gwen").trust_level == TrustLevel.NEW


def test_the_page_has_the_honeypot_out_of_sight_and_the_start_stamp(client):
    body = client.get(reverse("account_signup")).content.decode()
    honeypot = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', body, re.S)
    assert honeypot is not None
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', honeypot.group(1))
    assert 'autocomplete="off"' in honeypot.group(1)
    assert re.search(r'<input type="hidden" name="started" value="[^"]+"', body)
    assert 'href="/conduct/"' in body
    assert "style=" not in body  # the stylesheet hides it: the CSP allows no inline style


def test_it_refuses_a_filled_honeypot_and_keeps_what_was_typed_but_the_honeypot(client):
    response = sign_up(client, website="http://spam.example")
    body = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(username="gwen").exists()
    assert "hidden from people, to catch automated sign-ups" in body
    assert 'value="gwen"' in body and 'value="gwen@example.org"' in body
    assert "http://spam.example" not in body  # empty on the next try


def test_it_refuses_a_form_sent_faster_than_a_person_fills_it(client, monkeypatch):
    shown_at = 1_000_000.0
    monkeypatch.setattr(forms, "clock", lambda: shown_at)
    page = client.get(reverse("account_signup")).content.decode()
    stamp = re.search(r'name="started" value="([^"]+)"', page).group(1)
    monkeypatch.setattr(forms, "clock", lambda: shown_at + 1)
    response = client.post(reverse("account_signup"), {**PERSON, "started": stamp})
    body = response.content.decode()
    assert response.status_code == 200
    assert "quicker than a person usually fills in this form" in body
    assert 'value="gwen@example.org"' in body
    assert stamp in body  # the same stamp again: the next try is later
    assert not User.objects.filter(username="gwen").exists()
    monkeypatch.setattr(forms, "clock", lambda: shown_at + forms.MIN_FILL_SECONDS)
    assert client.post(reverse("account_signup"), {**PERSON, "started": stamp}).status_code == 302


def test_it_refuses_a_missing_forged_or_day_old_stamp(client):
    for stamp in ("", "1700000000.0", forms.started_stamp(time.time() - 2 * 24 * 3600)):
        response = client.post(reverse("account_signup"), {**PERSON, "started": stamp})
        assert "out of date" in response.content.decode()
    assert not User.objects.exists()


def test_a_refused_stamp_comes_back_fresh_so_sending_again_works(client, monkeypatch):
    day_old = forms.started_stamp(time.time() - 2 * 24 * 3600)
    response = client.post(reverse("account_signup"), {**PERSON, "started": day_old})
    stamp = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)
    assert stamp != day_old
    monkeypatch.setattr(forms, "clock", lambda: time.time() + 10)  # the person retypes
    client.post(reverse("account_signup"), {**PERSON, "started": stamp})
    assert User.objects.filter(username=PERSON["username"]).exists()


@pytest.mark.parametrize("address", ["gwen@mailinator.com", "gwen@x.Mailinator.com"])
def test_it_refuses_throw_away_addresses_with_a_clear_message(client, address):
    response = sign_up(client, email=address)
    body = response.content.decode()
    assert response.status_code == 200
    assert "are throw-away addresses" in body
    assert "use one that will still reach you later" in body
    assert 'value="gwen"' in body
    assert not User.objects.filter(username="gwen").exists()
