"""Names and text that e-mail headers and feeds cannot carry never stop anyone's e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.discussions import services as discussions
from precis.notifications import services
from precis.notifications.emails import header_text
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.parametrize(
    "name", ["Mallory\r\nBcc: everyone@example.org", "Tab\there", "Evil\u202eredoc", "Bell\x07"]
)
def test_a_display_name_with_controls_is_refused_with_a_reason(client, alice, name):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:settings"),
        {"display_name": name, "email_frequency": "immediately"},
    )
    assert "plain text on one line" in response.text
    alice.refresh_from_db()
    assert alice.display_name == "Alice Writer"


def test_a_stored_name_with_a_line_break_still_reaches_the_writer(alice, commit):
    """A name stored before the rule existed: the e-mail goes out with a one-line subject."""
    mallory = UserFactory(username="mallory", display_name="Mallory\r\nBcc: x@example.org")
    summary = SummaryFactory(author=alice, paper=PaperFactory())
    with commit():
        discussions.post_comment(author=mallory, summary=summary, source="Nice.")
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Mallory Bcc: x@example.org commented" in message.subject
    assert message.to == ["alice@example.org"]


def test_one_recipient_that_cannot_be_mailed_does_not_stop_the_others(alice, carol, commit):
    broken = UserFactory(username="broken", email="broken@example.org")
    type(broken).objects.filter(pk=broken.pk).update(email="broken\n@example.org")
    paper = PaperFactory()
    for follower in (broken, carol):
        services.follow(follower=follower, paper=paper)
    with commit():
        SummaryFactory(author=alice, paper=paper)
    assert [message.to for message in mail.outbox] == [["carol@example.org"]]


def test_header_text_is_one_bounded_line():
    assert header_text("a\r\nb\x1b[31m c") == "a b[31m c"
    assert len(header_text("x" * 1000)) == 200


@pytest.mark.parametrize("bad", ["\x1b[31m", "\x00", "\u202e", "\x08"])
def test_controls_are_stripped_from_everything_people_write(alice, carol, bad):
    from precis.collections import services as collections

    paper = PaperFactory()
    summary = SummaryFactory(author=alice, paper=paper, source=f"Text{bad} here.")
    comment = discussions.post_comment(author=carol, summary=summary, source=f"Hi{bad}")
    question = discussions.ask_question(author=carol, paper=paper, title=f"Why{bad}?")
    collection = collections.create_collection(
        owner=alice, title=f"List{bad}", description=f"About{bad}"
    )
    item = collections.add_item(collection=collection, paper=paper, note=f"Note{bad}")
    for text in (summary.source, comment.source, question.title, collection.title,
                 collection.description, item.note):  # fmt: skip
        assert bad not in text
