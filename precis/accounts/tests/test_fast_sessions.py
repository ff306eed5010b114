"""The signed-in person is read with raw statements (accounts/sessions.py, the backends'
get_user): the same answers as Django's ORM paths, for good, expired and hostile input."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from precis.accounts import sessions
from precis.accounts.backends import PasswordBackend
from precis.accounts.models import User
from precis.accounts.sessions import SessionStore
from precis.lib.moderation import MODERATORS_GROUP

pytestmark = pytest.mark.django_db


def test_a_session_reads_back_and_an_expired_one_does_not():
    store = SessionStore()
    store["colour"] = "teal"
    store.save()
    assert SessionStore(store.session_key)["colour"] == "teal"
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert "colour" not in expired
    assert expired.session_key is None


@pytest.mark.parametrize(
    "key", ["", "short", "x" * 5000, "abc\x00defghij", "\ud800" * 10, "' OR 1=1 --abcdef"]
)
def test_hostile_session_keys_read_as_no_session(key):
    assert dict(SessionStore(key).items()) == {}


def test_a_session_written_since_is_read_afresh_and_each_reader_has_its_own_copy():
    store = SessionStore()
    store["colour"] = "teal"
    store.save()
    first = SessionStore(store.session_key)
    assert first["colour"] == "teal"
    first["colour"] = "red"  # changed, not saved: nobody else's business
    assert SessionStore(store.session_key)["colour"] == "teal"
    first.save()
    assert SessionStore(store.session_key)["colour"] == "red"


def test_a_list_in_a_session_is_never_shared_between_requests():
    store = SessionStore()
    store["seen"] = [1]
    store.save()
    SessionStore(store.session_key)["seen"].append(2)
    assert SessionStore(store.session_key)["seen"] == [1]


def test_a_long_session_is_read_but_never_kept_in_memory():
    """A draft kept in a session compresses well; what it decodes to is what a process
    would hold, so neither may pass the bound."""
    draft = "All work and no play makes a long draft. " * 2000
    store = SessionStore()
    store["draft"] = draft
    store.save()
    stored = Session.objects.get(session_key=store.session_key).session_data
    assert len(stored) < sessions.LONGEST_KEPT < len(draft)
    assert SessionStore(store.session_key)["draft"] == draft
    assert stored not in sessions._decoded

    short = SessionStore()
    short["colour"] = "teal"
    short.save()
    assert SessionStore(short.session_key)["colour"] == "teal"
    assert Session.objects.get(session_key=short.session_key).session_data in sessions._decoded


def test_a_session_signed_with_another_key_reads_as_none(settings):
    store = SessionStore()
    store["colour"] = "teal"
    store.save()
    assert SessionStore(store.session_key)["colour"] == "teal"
    settings.SECRET_KEY = "another-" + "k" * 50
    assert dict(SessionStore(store.session_key).items()) == {}


def test_the_signed_in_person_is_loaded_as_the_orm_loads_them(alice):
    # Dates, booleans and numbers, set and unset: what SQLite hands back as text and ints.
    alice.last_login = alice.suspended_until = alice.date_joined
    alice.is_spammer, alice.reputation = True, 7
    alice.save()
    loaded, expected = PasswordBackend().get_user(alice.pk), User.objects.get(pk=alice.pk)
    for field in User._meta.concrete_fields:
        ours, theirs = getattr(loaded, field.attname), getattr(expected, field.attname)
        assert (ours, type(ours)) == (theirs, type(theirs)), field.name
    assert loaded._state.db == expected._state.db and not loaded._state.adding


def test_the_signed_in_person_carries_whether_they_moderate(alice, carol):
    Group.objects.get_or_create(name=MODERATORS_GROUP)[0].user_set.add(alice)
    loaded = PasswordBackend().get_user(alice.pk)
    assert loaded == alice and loaded._is_moderator is True
    assert loaded.display_name == alice.display_name and loaded.date_joined == alice.date_joined
    assert PasswordBackend().get_user(carol.pk)._is_moderator is False
    for absurd in (0, -1, 10**30, "1; DROP TABLE x", None):
        assert PasswordBackend().get_user(absurd) is None


def test_a_deactivated_person_is_signed_out_at_their_next_request(alice):
    client = Client()
    client.force_login(alice)
    assert "Alice Writer" in client.get("/").content.decode()
    alice.is_active = False
    alice.save()
    assert "Alice Writer" not in client.get("/").content.decode()
