import re

import pytest
from django.test import Client
from django.urls import reverse

from precis.discussions import services
from precis.discussions.models import Comment
from precis.discussions.threads import MAX_DEPTH
from precis.summaries.tests.factories import SummaryFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def comments_url(summary):
    return reverse("discussions:comment_create", args=[summary.pk])


def page(client, summary, **params):
    response = client.get(summary.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def summary(alice):
    return SummaryFactory(author=alice, source="Alice explains the paper.")


def test_it_posts_a_comment_and_shows_it_at_its_anchor(client, summary, carol):
    client.force_login(carol)
    response = client.post(comments_url(summary), {"source": "What about $x_1$?"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{summary.get_absolute_url()}#comment-{comment.pk}"
    body = page(client, summary)
    assert f'id="comment-{comment.pk}"' in body
    assert "<math" in body
    assert "1 comment<" in body


def test_it_posts_a_reply_to_a_reply(client, summary, carol):
    first = CommentFactory(summary=summary)
    reply = CommentFactory(summary=summary, parent=first)
    client.force_login(carol)
    client.post(comments_url(summary), {"source": "Agreed.", "parent": reply.pk})
    assert Comment.objects.get(source="Agreed.").parent == reply


def test_a_reply_to_a_comment_on_another_summary_is_refused(client, summary, carol):
    elsewhere = CommentFactory()
    client.force_login(carol)
    response = client.post(comments_url(summary), {"source": "Hi", "parent": elsewhere.pk})
    assert response.status_code == 404
    assert not Comment.objects.filter(source="Hi").exists()


def test_a_failed_comment_is_shown_again_with_its_text(client, summary, carol):
    client.force_login(carol)
    words = "My careful words " * 600  # over 10,000 characters
    response = client.post(comments_url(summary), {"source": words})
    body = response.content.decode()
    assert response.status_code == 200
    assert "My careful words" in body
    assert "at most 10000 characters" in body or "10,000" in body
    assert 'id="comment-form"' in body
    assert not Comment.objects.exists()


def test_a_failed_reply_is_shown_again_under_its_comment(client, summary, carol):
    parent = CommentFactory(summary=summary)
    client.force_login(carol)
    response = client.post(comments_url(summary), {"source": "  ", "parent": parent.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="reply-{parent.pk}"' in body
    assert "cannot be empty" in body
    assert Comment.objects.count() == 1


def test_a_double_submit_creates_one_comment(client, summary, carol):
    client.force_login(carol)
    first = client.post(comments_url(summary), {"source": "Posted twice by a double click"})
    second = client.post(comments_url(summary), {"source": "Posted twice by a double click"})
    assert first.url == second.url
    assert Comment.objects.count() == 1


def test_the_comment_form_needs_a_csrf_token(summary, carol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    refused = client.post(comments_url(summary), {"source": "No token"})
    assert refused.status_code == 403
    body = page(client, summary)
    form = body[body.index('id="comment-form"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    accepted = client.post(
        comments_url(summary), {"source": "With token", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert list(Comment.objects.values_list("source", flat=True)) == ["With token"]


def test_visitors_are_asked_to_sign_in(client, summary):
    response = client.post(comments_url(summary), {"source": "Drive-by"})
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    assert not Comment.objects.exists()
    body = page(client, summary)
    assert "Sign in to comment" in body
    assert 'id="comment-form"' not in body


def test_the_comment_endpoint_only_takes_posts(client, summary, carol):
    client.force_login(carol)
    assert client.get(comments_url(summary)).status_code == 405


def test_comments_are_rate_limited(client, summary, carol):
    client.force_login(carol)
    statuses = [
        client.post(comments_url(summary), {"source": f"Comment number {n}"}).status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    assert Comment.objects.count() == 10


def test_a_private_summary_takes_comments_from_its_writer_only(client, alice, bob, carol):
    private = SummaryFactory(author=alice, visibility="private", source="Secret draft.")
    for person in (carol, bob):
        client.force_login(person)
        assert client.get(private.get_absolute_url()).status_code == 404
        assert client.post(comments_url(private), {"source": "Let me in"}).status_code == 404
    assert not Comment.objects.exists()
    client.force_login(alice)
    assert 'id="comment-form"' in page(client, private)
    assert client.post(comments_url(private), {"source": "Note to self"}).status_code == 302


def test_an_unlisted_summary_takes_comments(client, alice, carol):
    unlisted = SummaryFactory(author=alice, visibility="unlisted")
    client.force_login(carol)
    assert client.post(comments_url(unlisted), {"source": "Found the link"}).status_code == 302


def test_a_deleted_summary_shows_its_writer_no_comment_form(client, alice, summary):
    from precis.summaries.services import delete_summary

    delete_summary(summary=summary, editor=alice)
    client.force_login(alice)
    assert 'id="comment-form"' not in page(client, summary)
    assert client.post(comments_url(summary), {"source": "Hello?"}).status_code == 404


def test_the_reply_link_works_without_javascript(client, summary, carol):
    parent = CommentFactory(summary=summary)
    client.force_login(carol)
    body = page(client, summary)
    link = f'href="{summary.get_absolute_url()}?reply_to={parent.pk}#reply-{parent.pk}"'
    assert link in body
    body = page(client, summary, reply_to=parent.pk)
    form = body[body.index(f'id="reply-{parent.pk}"') :]
    assert f'name="parent" value="{parent.pk}"' in form[: form.index("</form>")]


def test_visitors_get_no_reply_edit_or_delete_controls(client, summary):
    comment = CommentFactory(summary=summary)
    body = page(client, summary)
    assert "reply_to=" not in body
    assert reverse("discussions:comment_edit", args=[comment.pk]) not in body
    assert reverse("discussions:comment_delete", args=[comment.pk]) not in body


def test_deep_replies_are_shown_flat_with_whom_they_reply_to(client, summary):
    parent = None
    for _ in range(MAX_DEPTH + 2):
        parent = CommentFactory(summary=summary, parent=parent)
    body = page(client, summary)
    assert body.count('class="comment-list comment-replies"') == MAX_DEPTH - 1
    assert body.count("replying to <a") == 2


def test_the_comment_count_link_says_how_many(client, alice, carol):
    summary = SummaryFactory(author=alice)
    assert "no comments yet" in page(client, summary)
    assert "no comments yet" in client.get(summary.paper.get_absolute_url()).content.decode()
    CommentFactory(summary=summary)
    assert "1 comment</a>" in page(client, summary)
    deleted = CommentFactory(summary=summary, author=carol)
    CommentFactory(summary=summary)
    services.delete_comment(comment=deleted, editor=carol)
    paper_page = client.get(summary.paper.get_absolute_url()).content.decode()
    assert f'href="{summary.get_absolute_url()}#comments">2 comments</a>' in paper_page


def test_the_summary_page_with_comments_has_no_inline_script_or_style(client, summary, carol):
    CommentFactory(summary=summary, source="<style>a{}</style><b onclick=x>hi</b>")
    client.force_login(carol)
    body = page(client, summary)
    assert "<script>" not in body
    assert "<style" not in body
    assert " style=" not in body
    assert "<b onclick" not in body  # user HTML is escaped or cleaned, never live


# --------------------------------------------------------------------------
# Editing, deleting, history
# --------------------------------------------------------------------------


def test_the_author_edits_a_comment_and_it_shows_edited(client, summary, carol):
    comment = CommentFactory(summary=summary, author=carol, source="First thoughts")
    url = reverse("discussions:comment_edit", args=[comment.pk])
    client.force_login(carol)
    assert "First thoughts" in client.get(url).content.decode()
    response = client.post(url, {"source": "Second thoughts"})
    assert response.status_code == 302
    assert response.url == f"{summary.get_absolute_url()}#comment-{comment.pk}"
    body = page(client, summary)
    assert "Second thoughts" in body and "First thoughts" not in body
    assert reverse("discussions:comment_history", args=[comment.pk]) in body
    assert ">edited</a>" in body


def test_a_failed_edit_keeps_the_text(client, summary, carol):
    comment = CommentFactory(summary=summary, author=carol)
    client.force_login(carol)
    url = reverse("discussions:comment_edit", args=[comment.pk])
    response = client.post(url, {"source": "Kept words " * 1000})
    assert response.status_code == 200
    assert "Kept words" in response.content.decode()
    comment.refresh_from_db()
    assert comment.edited_at is None


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_nobody_else_may_edit_a_comment(client, summary, carol, request, who):
    comment = CommentFactory(summary=summary, author=carol, source="Carol's words")
    client.force_login(request.getfixturevalue(who))
    url = reverse("discussions:comment_edit", args=[comment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"source": "Not yours"}).status_code == 404
    comment.refresh_from_db()
    assert comment.source == "Carol's words"


def test_visitors_cannot_edit(client, summary):
    comment = CommentFactory(summary=summary)
    response = client.get(reverse("discussions:comment_edit", args=[comment.pk]))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize(("who", "status"), [("carol", 302), ("bob", 302), ("alice", 404)])
def test_the_author_or_staff_delete_a_comment(client, summary, carol, request, who, status):
    comment = CommentFactory(summary=summary, author=carol, source="Soon gone")
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("discussions:comment_delete", args=[comment.pk]))
    assert response.status_code == status
    comment.refresh_from_db()
    assert (comment.deleted_at is not None) == (status == 302)


def test_deleting_needs_a_post(client, summary, carol):
    comment = CommentFactory(summary=summary, author=carol)
    client.force_login(carol)
    assert client.get(reverse("discussions:comment_delete", args=[comment.pk])).status_code == 405


def test_a_deleted_comment_never_shows_its_text(client, summary, carol):
    with_reply = CommentFactory(summary=summary, author=carol, source="Regrettable remark one")
    CommentFactory(summary=summary, parent=with_reply, source="A reply that stays")
    alone = CommentFactory(summary=summary, author=carol, source="Regrettable remark two")
    for comment in (with_reply, alone):
        services.delete_comment(comment=comment, editor=carol)
    for viewer in (None, carol):
        if viewer:
            client.force_login(viewer)
        body = page(client, summary)
        assert "Regrettable remark" not in body
        assert "[deleted]" in body and "A reply that stays" in body
        assert f'id="comment-{with_reply.pk}"' in body
        assert f'id="comment-{alone.pk}"' not in body


def test_history_lists_every_revision(client, summary, carol):
    comment = CommentFactory(summary=summary, author=carol, source="Version one")
    services.edit_comment(comment=comment, editor=carol, source="Version two")
    body = client.get(reverse("discussions:comment_history", args=[comment.pk])).content.decode()
    assert "Version one" in body and "Version two" in body
    assert body.index("Version two") < body.index("Version one")


@pytest.mark.parametrize(("who", "status"), [(None, 404), ("alice", 404), ("carol", 200)])
def test_a_deleted_comments_history_is_for_its_author_and_staff(
    client, summary, carol, request, who, status
):
    comment = CommentFactory(summary=summary, author=carol, source="Withdrawn words")
    services.delete_comment(comment=comment, editor=carol)
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("discussions:comment_history", args=[comment.pk]))
    assert response.status_code == status
    assert ("Withdrawn words" in response.content.decode()) == (status == 200)


def test_staff_see_a_deleted_comments_history(client, summary, bob, carol):
    comment = CommentFactory(summary=summary, author=carol, source="Withdrawn words")
    services.delete_comment(comment=comment, editor=carol)
    client.force_login(bob)
    response = client.get(reverse("discussions:comment_history", args=[comment.pk]))
    assert response.status_code == 200


def test_history_of_a_comment_on_a_private_summary_is_hidden(client, alice, carol):
    private = SummaryFactory(author=alice, visibility="private")
    comment = CommentFactory(summary=private, author=alice, source="Private note")
    client.force_login(carol)
    assert client.get(reverse("discussions:comment_history", args=[comment.pk])).status_code == 404


# --------------------------------------------------------------------------
# Anonymous writers
# --------------------------------------------------------------------------


def test_an_anonymous_writer_stays_anonymous_in_the_thread(client, carol):
    from precis.accounts.tests.factories import UserFactory

    writer = UserFactory(username="quintessa", display_name="Quintessa Hiddenname")
    summary = SummaryFactory(author=writer, anonymous=True)
    mine = CommentFactory(summary=summary, author=writer, source="Thanks for reading")
    reply = CommentFactory(summary=summary, author=carol, parent=mine)
    parent = reply
    for _ in range(MAX_DEPTH):  # deep enough that someone is "replying to" the writer
        parent = CommentFactory(summary=summary, author=writer, parent=parent)
        parent = CommentFactory(summary=summary, author=carol, parent=parent)
    services.edit_comment(comment=mine, editor=writer, source="Thanks for reading!")
    urls = [
        summary.get_absolute_url(),
        summary.paper.get_absolute_url(),
        reverse("discussions:comment_history", args=[mine.pk]),
    ]
    for viewer in (None, carol):
        if viewer:
            client.force_login(viewer)
        for url in urls:
            body = client.get(url).content.decode()
            assert "Quintessa" not in body and "quintessa" not in body, url
            assert "Hiddenname" not in body, url
            assert writer.get_absolute_url() not in body, url
    body = page(client, summary)
    assert "Anonymous (author)" in body
    assert "replying to <a" in body and carol.public_name in body
