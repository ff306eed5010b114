import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.notifications import services
from precis.notifications.emails import send_daily_digests
from precis.notifications.models import Follow, Kind, Notification
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services as summary_services
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the after-commit work (e-mail tasks) of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def publish(author, paper, source="A summary.", **kwargs):
    return summary_services.save_summary(
        author=author,
        paper=paper,
        source=source,
        visibility=kwargs.pop("visibility", "public"),
        **kwargs,
    )


def test_following_a_paper_brings_news_of_its_new_summaries(alice, carol, commit):
    paper = PaperFactory(title="Attention Is All You Need")
    services.follow(follower=carol, paper=paper)
    with commit():
        summary = publish(alice, paper)
    note = Notification.objects.get(recipient=carol)
    assert note.kind == Kind.FOLLOWED
    assert note.text == "Alice Writer summarised “Attention Is All You Need”"
    assert note.url == summary.get_absolute_url()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [carol.email]


def test_venue_and_user_follows_and_no_repeat_on_edit(alice, carol, bob, commit):
    paper = PaperFactory()
    services.follow(follower=carol, venue=paper.venue)
    services.follow(follower=bob, user=alice)
    with commit():
        publish(alice, paper)
        publish(alice, paper, source="An edit.")  # edits do not notify again
    assert Notification.objects.filter(recipient=carol).count() == 1
    assert Notification.objects.filter(recipient=bob).count() == 1


def test_private_summaries_notify_no_one_until_published(alice, carol, commit):
    paper = PaperFactory()
    services.follow(follower=carol, paper=paper)
    with commit():
        publish(alice, paper, source="Draft @carol", visibility="private")
    assert not Notification.objects.exists()
    assert mail.outbox == []
    with commit():
        publish(alice, paper, source="Final @carol")
    assert Notification.objects.filter(recipient=carol).count() == 2  # followed + mention


def test_anonymous_summaries_stay_anonymous_and_skip_the_writers_followers(
    alice, carol, bob, commit
):
    paper = PaperFactory()
    services.follow(follower=carol, paper=paper)
    services.follow(follower=bob, user=alice)
    with commit():
        publish(alice, paper, anonymous=True)
    note = Notification.objects.get()
    assert note.recipient == carol
    assert note.actor_name == "Anonymous"
    assert "Alice" not in note.text
    body = mail.outbox[0].body + mail.outbox[0].alternatives[0][0]
    assert "Alice" not in body and "alice" not in body.replace(alice.email, "")


def test_mentions_notify_existing_users_only_and_not_emails(alice, carol, commit):
    with commit():
        publish(alice, PaperFactory(), source="Thanks @carol and @nobody; write to x@carol.org.")
    assert [n.recipient for n in Notification.objects.all()] == [carol]
    assert Notification.objects.get().kind == Kind.MENTION


def test_email_preferences_and_daily_digests(alice, carol, commit):
    carol.email_frequency = "daily"
    carol.save()
    dave = UserFactory(email_frequency="off")
    services.follow(follower=carol, user=alice)
    services.follow(follower=dave, user=alice)
    with commit():
        publish(alice, PaperFactory(title="First paper"))
        publish(alice, PaperFactory(title="Second paper"))
    assert mail.outbox == []  # daily and off: nothing at once
    assert send_daily_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [carol.email]
    assert "First paper" in digest.body and "Second paper" in digest.body
    assert send_daily_digests() == 0  # nothing twice


def test_every_email_has_a_working_unsubscribe_link(alice, carol, commit):
    services.follow(follower=carol, user=alice)
    with commit():
        publish(alice, PaperFactory())
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"https?://\S+/notifications/unsubscribe/\S+", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client = Client()  # no login needed
    assert "Unsubscribe" in client.get(path).content.decode()
    client.post(path)
    carol.refresh_from_db()
    assert carol.email_on_followed is False
    assert client.get(path[:-3] + "xyz").status_code == 404  # forged tokens do nothing


def test_the_bell_counts_unread_and_opening_marks_read(client, alice, carol, commit):
    services.follow(follower=carol, user=alice)
    with commit():
        summary = publish(alice, PaperFactory())
    client.force_login(carol)
    page = client.get("/").content.decode()
    assert 'class="bell-count" aria-hidden="true">1<' in page
    note = Notification.objects.get()
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.url == summary.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert "bell-count" not in client.get("/").content.decode()


def test_others_cannot_open_my_notifications(client, alice, carol, bob, commit):
    services.follow(follower=carol, user=alice)
    with commit():
        publish(alice, PaperFactory())
    client.force_login(bob)
    assert (
        client.post(reverse("notifications:open", args=[Notification.objects.get().pk])).status_code
        == 404
    )


def test_follow_buttons_post_and_toggle(client, carol):
    paper = PaperFactory()
    client.force_login(carol)
    url = reverse("notifications:follow", args=["paper", paper.pk])
    client.post(url, {"next": paper.get_absolute_url()})
    assert Follow.objects.filter(follower=carol, paper=paper).exists()
    client.post(url, {"action": "follow"})  # twice is once
    assert Follow.objects.filter(follower=carol).count() == 1
    client.post(url, {"action": "unfollow"})
    assert not Follow.objects.exists()
    assert client.post(reverse("notifications:follow", args=["planet", 1])).status_code == 404
    assert client.post(reverse("notifications:follow", args=["user", carol.pk])).status_code == 302
    assert not Follow.objects.exists()  # no following yourself


def test_following_needs_a_signed_in_post(client):
    paper = PaperFactory()
    url = reverse("notifications:follow", args=["paper", paper.pk])
    assert client.get(url).status_code in (302, 405)
    assert client.post(url).status_code == 302
    assert not Follow.objects.exists()


def test_the_notification_list_page(client, alice, carol, commit):
    services.follow(follower=carol, user=alice)
    with commit():
        SummaryFactory(author=alice)
    client.force_login(carol)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "summarised" in body
    client.post(reverse("notifications:read_all"))
    assert services.unread_count(carol) == 0


def test_a_comment_tells_the_writer_and_a_reply_tells_the_commenter(alice, carol, bob, commit):
    from precis.discussions import services as discussions

    summary = SummaryFactory(author=alice)
    with commit():
        comment = discussions.post_comment(author=carol, summary=summary, source="Why ReLU?")
    note = Notification.objects.get(recipient=alice)
    assert note.kind == Kind.COMMENT
    assert note.url == f"{summary.get_absolute_url()}?comment={comment.pk}#comment-{comment.pk}"
    with commit():
        discussions.post_comment(author=bob, summary=summary, source="Because.", parent=comment)
    assert Notification.objects.get(recipient=carol).kind == Kind.REPLY
    assert Notification.objects.filter(recipient=alice).count() == 2
    assert {m.to[0] for m in mail.outbox} == {alice.email, carol.email}


def test_an_anonymous_writer_replying_in_their_thread_stays_anonymous(alice, carol, commit):
    from precis.discussions import services as discussions

    summary = SummaryFactory(author=alice, anonymous=True)
    comment = discussions.post_comment(author=carol, summary=summary, source="Question?")
    with commit():
        discussions.post_comment(author=alice, summary=summary, source="Answer.", parent=comment)
    note = Notification.objects.get(recipient=carol)
    assert note.actor_name == "Anonymous"
    assert "Alice" not in note.text
    email = mail.outbox[-1]
    assert "Alice" not in email.body and "Alice" not in email.alternatives[0][0]


def test_an_answer_tells_the_asker_and_mentions_tell_the_mentioned(alice, carol, bob, commit):
    from precis.discussions import services as discussions

    question = discussions.ask_question(
        author=alice, paper=PaperFactory(), title="What is the loss?"
    )
    with commit():
        discussions.post_answer(author=carol, question=question, source="Cross-entropy; see @bob.")
    kinds = {(n.recipient.username, n.kind) for n in Notification.objects.all()}
    assert kinds == {("alice", Kind.ANSWER), ("bob", Kind.MENTION)}


def test_digests_keep_anonymous_writers_anonymous(alice, carol, commit):
    from precis.discussions import services as discussions

    carol.email_frequency = "daily"
    carol.save()
    summary = SummaryFactory(author=alice, anonymous=True)
    comment = discussions.post_comment(author=carol, summary=summary, source="Hm?")
    with commit():
        discussions.post_comment(author=alice, summary=summary, source="Yes.", parent=comment)
    send_daily_digests()
    digest = mail.outbox[-1]
    assert digest.to == [carol.email]
    for body in (digest.body, digest.alternatives[0][0]):
        assert "Anonymous replied to your comment" in body
        assert "Alice" not in body and "/u/alice/" not in body


def test_a_comment_on_a_private_summary_notifies_no_one(alice, carol, bob, commit):
    from precis.discussions import services as discussions

    summary = publish(alice, PaperFactory(), visibility="private")
    with commit():
        discussions.post_comment(
            author=alice, summary=summary, source="Note to self: ask @carol and @bob."
        )
    assert not Notification.objects.exists()
    assert not mail.outbox
