"""Members' own tools: mute (stop seeing and hearing someone) and block (and keep them off)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from precis.accounts import services
from precis.accounts.models import Block
from precis.accounts.tests.factories import UserFactory
from precis.discussions import services as discussions
from precis.discussions.tests.factories import AnswerFactory, CommentFactory, QuestionFactory
from precis.notifications import services as notifications
from precis.notifications.models import Follow, Notification
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.search import services as search
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dave(db):
    """Someone others mute or block."""
    return UserFactory(username="dave", display_name="Dave Noisy")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


# -- the services ----------------------------------------------------------------------


def test_it_refuses_muting_or_blocking_oneself(carol):
    with pytest.raises(ValidationError, match="yourself"):
        services.mute(who=carol, whom=carol)
    with pytest.raises(ValidationError, match="yourself"):
        services.block(who=carol, whom=carol)
    assert not Block.objects.exists()


def test_muting_twice_is_once_and_unmute_undoes_it(carol, dave):
    services.mute(who=carol, whom=dave)
    services.mute(who=carol, whom=dave)
    assert list(Block.objects.values_list("kind", flat=True)) == ["mute"]
    services.unmute(who=carol, whom=dave)
    services.unmute(who=carol, whom=dave)
    assert not Block.objects.exists()


def test_blocking_upgrades_a_mute_and_only_unblock_lifts_it(carol, dave):
    services.mute(who=carol, whom=dave)
    services.block(who=carol, whom=dave)
    services.mute(who=carol, whom=dave)  # a block already mutes: it stays a block
    services.unmute(who=carol, whom=dave)
    assert list(Block.objects.values_list("kind", flat=True)) == ["block"]
    services.unblock(who=carol, whom=dave)
    assert not Block.objects.exists()


def test_it_allows_muting_a_moderator_whose_writing_is_then_hidden(client, carol, bob):
    SummaryFactory(author=bob, source="A moderator's own summary")
    services.mute(who=carol, whom=bob)
    client.force_login(carol)
    assert "own summary" not in page(client, "/")


# -- mute: their content --------------------------------------------------------------


def test_mute_hides_their_summaries_on_home_paper_venue_and_search_pages(
    client, alice, carol, django_capture_on_commit_callbacks
):
    venue = VenueFactory(key="icml")
    paper = PaperFactory(title="Residual learning", venue=venue, year=2017)
    with django_capture_on_commit_callbacks(execute=True):  # indexes the paper for search
        SummaryFactory(author=alice, paper=paper, source="Alice explains the shortcut")
    search.index_papers([paper.pk])
    paths = [
        "/",
        paper.get_absolute_url(),
        "/venues/icml/",
        "/venues/icml/2017/",
        "/search?q=residual",
    ]
    client.force_login(carol)
    for path in paths:
        assert "Alice explains the shortcut" in page(client, path), path
    services.mute(who=carol, whom=alice)
    for path in paths:
        assert "Alice explains the shortcut" not in page(client, path), path
    assert "Alice explains the shortcut" in page(Client(), "/")  # others still see it
    services.unmute(who=carol, whom=alice)
    assert "Alice explains the shortcut" in page(client, "/")


def test_it_keeps_showing_anonymous_summaries_of_muted_people(client, alice, carol):
    """Hiding them would tell the muter who wrote them."""
    SummaryFactory(author=alice, anonymous=True, source="An anonymous take")
    services.block(who=carol, whom=alice)
    client.force_login(carol)
    assert "An anonymous take" in page(client, "/")


def test_mute_folds_their_comments_in_threads_and_a_click_shows_them(client, alice, carol, dave):
    summary = SummaryFactory(author=alice)
    noisy = CommentFactory(summary=summary, author=dave, source="Dave's loud remark")
    CommentFactory(summary=summary, author=alice, parent=noisy, source="Alice replies calmly")
    services.mute(who=carol, whom=dave)
    client.force_login(carol)
    body = page(client, summary.get_absolute_url())
    assert "Comment by someone you muted — show" in body
    assert '<details class="comment-muted">' in body  # opens without JavaScript
    assert "Alice replies calmly" in body  # replies by others stay in the thread
    thread = page(client, reverse("discussions:comment", args=[noisy.pk]))
    assert "Comment by someone you muted" in thread
    assert "Comment by someone you muted" not in page(Client(), summary.get_absolute_url())


def test_it_never_folds_an_anonymous_writers_comments_under_their_summary(client, alice, carol):
    summary = SummaryFactory(author=alice, anonymous=True)
    CommentFactory(summary=summary, author=alice, source="The anonymous writer answers")
    services.mute(who=carol, whom=alice)
    client.force_login(carol)
    body = page(client, summary.get_absolute_url())
    assert "The anonymous writer answers" in body
    assert "someone you muted" not in body
    assert f'action="{reverse("accounts:relation", args=["alice"])}"' not in body


def test_mute_hides_their_questions_and_answers(client, alice, carol, dave):
    paper = PaperFactory()
    QuestionFactory(paper=paper, author=dave, title="Dave asks about the prior")
    question = QuestionFactory(paper=paper, author=alice, title="Alice asks about the loss")
    AnswerFactory(question=question, author=dave, source="Dave's answer about the loss")
    services.mute(who=carol, whom=dave)
    client.force_login(carol)
    assert "Dave asks about the prior" not in page(client, paper.get_absolute_url())
    assert "Alice asks about the loss" in page(client, paper.get_absolute_url())
    assert "Dave asks" not in page(client, reverse("discussions:open_questions"))
    assert "Dave's answer" not in page(client, question.get_absolute_url())
    assert "Dave's answer" in page(Client(), question.get_absolute_url())


# -- mute: their notifications ----------------------------------------------------------


def test_mute_silences_what_they_do_until_unmuted(alice, carol, dave, commit):
    summary = SummaryFactory(author=carol)
    question = QuestionFactory(author=carol)
    services.mute(who=carol, whom=dave)
    with commit():
        CommentFactory(summary=summary, author=dave, source="Hello @carol")
        AnswerFactory(question=question, author=dave)
        CommentFactory(summary=SummaryFactory(author=alice), author=dave, source="cc @carol")
    assert not Notification.objects.filter(recipient=carol).exists()
    services.unmute(who=carol, whom=dave)
    with commit():
        CommentFactory(summary=summary, author=dave, source="Hello again")
    assert Notification.objects.filter(recipient=carol).count() == 1


def test_it_still_tells_a_muter_about_anonymous_writing_of_the_muted(alice, carol, commit):
    """Leaving them out would tell them who the anonymous writer is."""
    paper = PaperFactory()
    notifications.follow(follower=carol, paper=paper)
    services.mute(who=carol, whom=alice)
    with commit():
        SummaryFactory(author=alice, paper=paper, anonymous=True)
    assert Notification.objects.get(recipient=carol).actor_name == "Anonymous"


def test_calling_oneself_anonymous_does_not_get_past_a_mute(carol, dave, commit):
    dave.display_name = "Anonymous"
    dave.save(update_fields=["display_name"])
    services.mute(who=carol, whom=dave)
    with commit():
        CommentFactory(summary=SummaryFactory(author=carol), author=dave, source="Hi @carol")
    assert not Notification.objects.filter(recipient=carol).exists()


# -- block -------------------------------------------------------------------------------


def test_block_refuses_their_comments_replies_and_answers_with_the_reason(carol, dave, alice):
    summary = SummaryFactory(author=carol)
    elsewhere = SummaryFactory(author=alice)
    carols_comment = CommentFactory(summary=elsewhere, author=carol)
    question = QuestionFactory(author=carol)
    services.block(who=carol, whom=dave)
    with pytest.raises(ValidationError, match="writer of this summary has blocked you"):
        discussions.post_comment(author=dave, summary=summary, source="Let me in")
    with pytest.raises(ValidationError, match="that comment has blocked you"):
        discussions.post_comment(
            author=dave, summary=elsewhere, source="A reply", parent=carols_comment
        )
    with pytest.raises(ValidationError, match="asker has blocked you"):
        discussions.post_answer(author=dave, question=question, source="An answer")
    # Elsewhere they write as before.
    assert discussions.post_comment(author=dave, summary=elsewhere, source="A comment of mine")
    services.unblock(who=carol, whom=dave)
    assert discussions.post_comment(author=dave, summary=summary, source="Let me in")


def test_the_comment_form_shows_the_block_and_keeps_the_text(client, carol, dave):
    summary = SummaryFactory(author=carol)
    services.block(who=carol, whom=dave)
    client.force_login(dave)
    body = page(client, summary.get_absolute_url())
    assert "has blocked you, so you cannot comment on it" in body
    assert 'id="comment-form"' not in body
    response = client.post(
        reverse("discussions:comment_create", args=[summary.pk]), {"source": "Typed with care"}
    )
    body = response.content.decode()
    assert "has blocked you" in body
    assert "Typed with care" in body


def test_it_hides_the_reply_link_under_a_blockers_comments(client, alice, carol, dave):
    summary = SummaryFactory(author=alice)
    comment = CommentFactory(summary=summary, author=carol)
    services.block(who=carol, whom=dave)
    client.force_login(dave)
    body = page(client, summary.get_absolute_url())
    assert f"reply_to={comment.pk}" not in body
    assert (
        page(client, f"{summary.get_absolute_url()}?reply_to={comment.pk}").count('name="parent"')
        == 1
    )  # the main form's, no reply form under carol's comment


def test_a_refused_reply_comes_back_with_the_reason_and_the_text(client, alice, carol, dave):
    summary = SummaryFactory(author=alice)
    comment = CommentFactory(summary=summary, author=carol)
    services.block(who=carol, whom=dave)
    client.force_login(dave)
    response = client.post(
        reverse("discussions:comment_create", args=[summary.pk]),
        {"source": "A reply typed with care", "parent": comment.pk},
    )
    body = response.content.decode()
    assert "The author of that comment has blocked you" in body
    assert "A reply typed with care" in body


def test_a_refused_answer_comes_back_with_the_reason_and_the_text(client, carol, dave):
    question = QuestionFactory(author=carol)
    services.block(who=carol, whom=dave)
    client.force_login(dave)
    response = client.post(
        reverse("discussions:answer_create", args=[question.pk]),
        {"source": "An answer typed with care"},
    )
    body = response.content.decode()
    assert "The asker has blocked you" in body
    assert "An answer typed with care" in body


def test_it_does_not_apply_an_anonymous_writers_block_on_their_summary(carol, dave):
    """Refusing would tell the blocked person who wrote it."""
    summary = SummaryFactory(author=carol, anonymous=True)
    own_comment = CommentFactory(summary=summary, author=carol)
    services.block(who=carol, whom=dave)
    assert discussions.post_comment(author=dave, summary=summary, source="On an anonymous one")
    assert discussions.post_comment(
        author=dave, summary=summary, source="A reply", parent=own_comment
    )


def test_block_silences_their_mentions_and_ends_their_follow(client, alice, carol, dave, commit):
    notifications.follow(follower=dave, user=carol)
    services.block(who=carol, whom=dave)
    assert not Follow.objects.filter(follower=dave, user=carol).exists()
    with pytest.raises(ValueError, match="blocked you"):
        notifications.follow(follower=dave, user=carol)
    with commit():
        CommentFactory(summary=SummaryFactory(author=alice), author=dave, source="Hey @carol")
        SummaryFactory(author=carol)  # no news of carol's writing reaches dave either
    assert not Notification.objects.filter(recipient=carol).exists()
    assert not Notification.objects.filter(recipient=dave).exists()
    client.force_login(dave)
    profile = page(client, reverse("accounts:profile", args=["carol"]))
    assert reverse("notifications:follow", args=["user", carol.pk]) not in profile


# -- pages ----------------------------------------------------------------------------------


def test_the_profile_has_mute_and_block_buttons_that_post_with_csrf(carol, dave):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    url = reverse("accounts:relation", args=["dave"])
    profile = page(client, reverse("accounts:profile", args=["dave"]))
    assert f'action="{url}"' in profile
    assert 'value="mute"' in profile and 'value="block"' in profile
    assert client.post(url, {"action": "mute"}).status_code == 403  # no token
    assert client.get(url).status_code == 405
    assert not Block.objects.exists()
    token = client.cookies["csrftoken"].value
    client.post(url, {"action": "mute", "csrfmiddlewaretoken": token})
    assert Block.objects.get().kind == "mute"
    profile = page(client, reverse("accounts:profile", args=["dave"]))
    assert "You muted Dave Noisy." in profile
    assert 'value="unmute"' in profile


def test_no_one_sees_mute_buttons_on_their_own_page_or_signed_out(client, carol):
    assert "accounts/mute" not in page(client, reverse("accounts:profile", args=["carol"]))
    client.force_login(carol)
    body = page(client, reverse("accounts:profile", args=["carol"]))
    assert reverse("accounts:relation", args=["carol"]) not in body


def test_a_relation_post_answers_clearly_for_oneself_and_for_nonsense(client, carol):
    client.force_login(carol)
    url = reverse("accounts:relation", args=["carol"])
    response = client.post(url, {"action": "mute"}, follow=True)
    assert "You cannot mute or block yourself." in response.content.decode()
    response = client.post(url, {"action": "explode"}, follow=True)
    assert "Choose mute, unmute, block or unblock." in response.content.decode()
    assert client.post(reverse("accounts:relation", args=["nobody"])).status_code == 404
    assert not Block.objects.exists()


def test_the_mute_link_beside_a_comment_and_a_summary_mutes_the_writer(client, alice, carol):
    summary = SummaryFactory(author=alice)
    comment = CommentFactory(summary=summary, author=alice, source="Alice's own note")
    client.force_login(carol)
    body = page(client, summary.get_absolute_url())
    assert body.count(f'action="{reverse("accounts:relation", args=["alice"])}"') == 2
    client.post(
        reverse("accounts:relation", args=["alice"]),
        {"action": "mute", "next": f"{summary.get_absolute_url()}#comments"},
    )
    assert Block.objects.filter(who=carol, whom=alice, kind="mute").exists()
    assert f'id="comment-{comment.pk}"' in page(client, summary.get_absolute_url())


def test_settings_list_whom_i_muted_and_blocked_with_undo_buttons(client, alice, carol, dave):
    services.mute(who=carol, whom=alice)
    services.block(who=carol, whom=dave)
    client.force_login(carol)
    body = page(client, reverse("accounts:settings"))
    assert "Alice Writer" in body and "Dave Noisy" in body
    assert 'value="unmute"' in body and 'value="unblock"' in body
    client.post(reverse("accounts:relation", args=["dave"]), {"action": "unblock"})
    client.post(reverse("accounts:relation", args=["alice"]), {"action": "unmute"})
    assert not Block.objects.exists()
    assert "You have not muted or blocked anyone." in page(client, reverse("accounts:settings"))


def test_the_listing_rule_is_one_subquery(carol, dave, django_assert_num_queries):
    from precis.summaries.models import Summary

    SummaryFactory(author=dave)
    SummaryFactory(author=carol)
    services.mute(who=carol, whom=dave)
    with django_assert_num_queries(1):
        authors = [s.author_id for s in Summary.objects.listed_for(carol)]
    assert authors == [carol.pk]
    assert Summary.objects.excluding_muted_by(AnonymousUser()).count() == 2


def test_it_hides_unshown_profiles_but_lets_a_mute_of_one_be_undone(client, carol):
    spammer = UserFactory(username="spammer", is_spammer=True)
    client.force_login(carol)
    url = reverse("accounts:relation", args=["spammer"])
    assert client.post(url, {"action": "mute"}).status_code == 404
    services.mute(who=carol, whom=spammer)  # muted before they were marked
    assert client.post(url, {"action": "unmute"}).status_code == 302
    assert not Block.objects.exists()
