"""CSRF tokens' random strings (lib/randomstrings.py): Django's alphabet and lengths, every
character as likely as any other, and Django's CSRF module drawing them."""

from collections import Counter

import pytest
from django.middleware import csrf
from django.test import Client, RequestFactory

from precis.lib.randomstrings import random_string


@pytest.mark.parametrize("length", [0, 1, 32, 64, 300])
def test_it_draws_the_length_asked_for_from_the_alphabet(length):
    drawn = random_string(length, csrf.CSRF_ALLOWED_CHARS)
    assert len(drawn) == length
    assert set(drawn) <= set(csrf.CSRF_ALLOWED_CHARS)


def test_every_character_is_about_as_likely_as_any_other():
    alphabet = csrf.CSRF_ALLOWED_CHARS
    counts = Counter("".join(random_string(64, alphabet) for _ in range(4000)))
    expected = 4000 * 64 / len(alphabet)  # about 4129 each; a standard deviation of 64
    assert set(counts) == set(alphabet)
    assert all(abs(count - expected) < 0.15 * expected for count in counts.values()), counts


def test_two_draws_differ():
    assert random_string(32, csrf.CSRF_ALLOWED_CHARS) != random_string(32, csrf.CSRF_ALLOWED_CHARS)


def test_an_alphabet_it_cannot_translate_goes_to_django():
    drawn = random_string(20, "äöü")
    assert len(drawn) == 20 and set(drawn) <= set("äöü")


def test_djangos_csrf_tokens_are_drawn_with_it_and_still_check_out(db):
    assert csrf.get_random_string is random_string
    request = RequestFactory().get("/")
    token = csrf.get_token(request)
    assert len(token) == csrf.CSRF_TOKEN_LENGTH
    assert set(token) <= set(csrf.CSRF_ALLOWED_CHARS)
    assert csrf._unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/").content.decode()
    form_token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    refused = client.post("/accounts/login/", {"login": "x", "password": "y"})
    assert refused.status_code == 403
    answered = client.post(
        "/accounts/login/", {"login": "x", "password": "y", "csrfmiddlewaretoken": form_token}
    )
    assert answered.status_code == 200  # the form again, with its error; not refused
