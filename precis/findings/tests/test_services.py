"""The write paths: reporting, replying and moving a status, and who may do which."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from precis.accounts import services as accounts
from precis.accounts.models import TrustLevel
from precis.accounts.tests.factories import UserFactory
from precis.findings import services
from precis.findings.models import Finding, FindingReply, StatusChange
from precis.lib.moderation import ModerationState
from precis.notifications import services as notifications
from precis.notifications.models import Notification
from precis.papers.models import PaperRedirect
from precis.papers.services import merge_papers
from precis.papers.tests.factories import PaperFactory

from .factories import FindingFactory, ReplyFactory, unverified_claimant, verified_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return PaperFactory(title="Residual learning")


@pytest.fixture
def finding(alice, paper):
    return FindingFactory(author=alice, paper=paper, title="Eq. 4 drops a factor of 2")


# -- reporting -------------------------------------------------------------------------


def test_it_reports_a_finding_with_rendered_evidence(alice, paper):
    finding = services.report_finding(
        author=alice,
        paper=paper,
        kind="failed_reproduction",
        title="  Table 2   does not   reproduce ",
        source="We got $x_1 = 3$, not 4. <script>alert(1)</script>",
        paper_version="2",
    )
    finding.refresh_from_db()
    assert finding.title == "Table 2 does not reproduce"
    assert finding.status == "open"
    assert finding.paper_version == "v2"
    assert "<math" in finding.html
    assert "<script" not in finding.html
    assert finding.renderer_version > 0
    assert finding.is_shown


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "rumour"}, "A finding is one of"),
        ({"title": "   "}, "needs a title"),
        ({"title": "x" * 201}, "at most 200"),
        ({"source": ""}, "evidence cannot be empty"),
        ({"source": "\x00\x01\x1b"}, "evidence cannot be empty"),
        ({"source": "a" * 200_000}, "at most 20,000"),
        ({"paper_version": "v" * 41}, "at most 40"),
        ({"kind": "code_data", "source": "", "link_url": ""}, "needs its address"),
        ({"kind": "code_data", "link_url": "javascript:alert(1)"}, "https://"),
        ({"kind": "code_data", "link_url": "data:text/html,<b>x</b>"}, "https://"),
        ({"kind": "code_data", "link_url": "ftp://example.org/code"}, "https://"),
        ({"kind": "code_data", "link_url": "https://"}, "https://"),
        ({"kind": "code_data", "link_url": "https://exa mple.org/"}, "https://"),
        ({"kind": "code_data", "link_url": "https://example.org/" + "a" * 600}, "at most 500"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(alice, paper, fields, message):
    base = {"kind": "erratum", "title": "A title", "source": "Evidence."}
    with pytest.raises(ValidationError) as caught:
        services.report_finding(author=alice, paper=paper, **{**base, **fields})
    assert message in " ".join(caught.value.messages)
    assert not Finding.objects.exists()


def test_control_characters_and_lone_surrogates_are_dropped(alice, paper):
    finding = services.report_finding(
        author=alice,
        paper=paper,
        kind="other",
        title="Bad\x00 title\u202e\ud800",
        source="Evidence\x00 with \x07 bells \ud83d.",
    )
    assert finding.title == "Bad title"
    assert finding.source == "Evidence with  bells ."


def test_a_code_link_needs_no_evidence_but_keeps_its_address(alice, paper):
    finding = services.report_finding(
        author=alice,
        paper=paper,
        kind="code_data",
        title="Official code",
        link_url="https://github.com/example/resnet",
    )
    assert finding.link_url == "https://github.com/example/resnet"
    assert finding.html == ""


def test_a_double_submit_makes_one_finding(alice, paper):
    fields = {"kind": "erratum", "title": "Typo in Eq. 3", "source": "It says $x$; it means $y$."}
    first = services.report_finding(author=alice, paper=paper, **fields)
    second = services.report_finding(author=alice, paper=paper, **fields)
    assert first.pk == second.pk
    assert Finding.objects.count() == 1


def test_a_suspended_account_cannot_report(alice, paper):
    from datetime import timedelta

    from django.utils import timezone

    accounts.suspend(user=alice, until=timezone.now() + timedelta(days=1), reason="Cooling off")
    with pytest.raises(ValidationError, match="suspended"):
        FindingFactory(author=alice, paper=paper)


def test_a_new_accounts_finding_with_links_waits_for_a_moderator(paper):
    newcomer = UserFactory(trust_level=TrustLevel.NEW)
    finding = services.report_finding(
        author=newcomer,
        paper=paper,
        kind="other",
        title="See my site",
        source="Details at https://spam.example/a and https://spam.example/b",
    )
    assert finding.moderation == ModerationState.HELD
    assert not Finding.objects.visible().exists()


# -- who may change the status ---------------------------------------------------------


def test_the_reporter_may_withdraw_resolve_and_reopen_their_own(alice, finding):
    assert services.status_choices_for(finding, alice) == ["resolved", "withdrawn"]
    services.change_status(finding=finding, by=alice, to="withdrawn")
    assert services.status_choices_for(finding, alice) == ["open", "resolved"]
    services.change_status(finding=finding, by=alice, to="open")
    finding.refresh_from_db()
    assert finding.status == "open"
    assert [(c.from_status, c.to_status, c.role) for c in finding.status_changes.all()] == [
        ("open", "withdrawn", "reporter"),
        ("withdrawn", "open", "reporter"),
    ]


def test_the_reporter_cannot_confirm_their_own_finding(alice, finding):
    with pytest.raises(PermissionDenied):
        services.change_status(finding=finding, by=alice, to="confirmed")


def test_a_stranger_may_not_change_the_status(carol, finding):
    assert services.status_choices_for(finding, carol) == []
    for status in ("confirmed", "resolved", "withdrawn", "disputed"):
        with pytest.raises(PermissionDenied):
            services.change_status(finding=finding, by=carol, to=status)
    with pytest.raises(PermissionDenied):
        services.post_reply(author=carol, finding=finding, source="Fixed!", status="resolved")
    finding.refresh_from_db()
    assert finding.status == "open"
    assert not FindingReply.objects.exists()  # nothing half-done


def test_a_moderator_may_set_any_status(bob, finding):
    services.change_status(finding=finding, by=bob, to="disputed")
    change = StatusChange.objects.get()
    assert (change.changed_by, change.role, change.to_status) == (bob, "moderator", "disputed")


def test_a_verified_author_confirms_with_a_reply_marked_author(alice, finding, paper):
    dana = verified_author(paper)
    assert services.status_choices_for(finding, dana) == ["confirmed", "disputed", "resolved"]
    with pytest.raises(ValidationError, match="reply"):
        services.change_status(finding=finding, by=dana, to="confirmed")
    reply = services.post_reply(
        author=dana, finding=finding, source="Yes; fixed in v3.", status="confirmed"
    )
    finding.refresh_from_db()
    assert finding.status == "confirmed"
    assert reply.by_paper_author
    change = StatusChange.objects.get()
    assert (change.role, change.reply, change.changed_by) == ("author", reply, dana)


def test_a_claim_without_a_proven_orcid_is_not_an_author(finding, paper):
    erin = unverified_claimant(paper)
    reply = services.post_reply(author=erin, finding=finding, source="I wrote this paper!")
    assert not reply.by_paper_author
    with pytest.raises(PermissionDenied):
        services.post_reply(author=erin, finding=finding, source="Fixed.", status="resolved")


def test_a_proven_orcid_that_is_not_the_profiles_iD_is_not_an_author(finding, paper):
    impostor = unverified_claimant(paper, username="ivan", orcid="0000-0002-1825-0097")
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(user=impostor, provider="orcid", uid="0000-0001-5109-3700")
    assert not services.is_paper_author(impostor, paper.pk)


def test_an_author_of_another_paper_is_not_an_author_here(finding):
    other = verified_author(PaperFactory())
    assert services.status_choices_for(finding, other) == []


def test_asking_for_the_current_status_again_changes_nothing(bob, finding):
    services.change_status(finding=finding, by=bob, to="confirmed")
    services.change_status(finding=finding, by=bob, to="confirmed")
    assert StatusChange.objects.count() == 1


def test_an_unknown_status_is_refused(bob, finding):
    with pytest.raises(ValidationError):
        services.change_status(finding=finding, by=bob, to="sort-of")


# -- replies, blocks -------------------------------------------------------------------


def test_someone_the_reporter_blocked_cannot_reply(alice, carol, finding):
    accounts.block(who=alice, whom=carol)
    with pytest.raises(ValidationError, match="blocked"):
        services.post_reply(author=carol, finding=finding, source="Let me in.")


def test_a_double_submitted_reply_is_one_reply(carol, finding):
    first = services.post_reply(author=carol, finding=finding, source="Same words.")
    second = services.post_reply(author=carol, finding=finding, source="Same words.")
    assert first.pk == second.pk


def test_a_reply_to_a_hidden_finding_is_refused_to_others(bob, carol, finding):
    services.set_moderation(thing=finding, state=ModerationState.HIDDEN, reason="Spam")
    with pytest.raises(PermissionDenied):
        services.post_reply(author=carol, finding=finding, source="Hello?")


# -- notifications ---------------------------------------------------------------------


def test_followers_and_verified_authors_hear_of_a_new_finding(
    alice, carol, paper, django_capture_on_commit_callbacks
):
    notifications.follow(follower=carol, paper=paper)
    dana = verified_author(paper)
    erin = unverified_claimant(paper)
    FindingFactory(author=alice, paper=paper, title="Eq. 4 is off")
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {carol.username, dana.username}
    assert erin.username not in told
    text = Notification.objects.first().text
    assert "erratum" in text and "Eq. 4 is off" in text


def test_a_held_finding_tells_no_one_until_a_moderator_lets_it_through(carol, paper):
    notifications.follow(follower=carol, paper=paper)
    newcomer = UserFactory(trust_level=TrustLevel.NEW)
    finding = services.report_finding(
        author=newcomer,
        paper=paper,
        kind="other",
        title="Held",
        source="Links https://x.example/a https://x.example/b",
    )
    assert not Notification.objects.exists()
    services.set_moderation(thing=finding, state=ModerationState.OK)
    assert Notification.objects.filter(recipient=carol).count() == 1


def test_the_reporter_hears_of_replies_and_status_changes(alice, bob, carol, finding, paper):
    ReplyFactory(author=carol, finding=finding)
    services.change_status(finding=finding, by=bob, to="disputed")
    dana = verified_author(paper)
    services.post_reply(author=dana, finding=finding, source="Fixed in v3.", status="resolved")
    texts = list(
        Notification.objects.filter(recipient=alice).order_by("pk").values_list("text", flat=True)
    )
    assert len(texts) == 3
    assert "replied to your finding" in texts[0]
    assert "marked your finding" in texts[1] and "disputed" in texts[1]
    assert "replied and marked your finding as resolved" in texts[2]


def test_the_reporter_hears_nothing_of_their_own_moves_or_of_people_they_muted(
    alice, carol, finding
):
    services.change_status(finding=finding, by=alice, to="withdrawn")
    accounts.mute(who=alice, whom=carol)
    ReplyFactory(author=carol, finding=finding)
    assert not Notification.objects.filter(recipient=alice).exists()


# -- counts, merges --------------------------------------------------------------------


def test_open_count_counts_only_visible_open_findings(alice, bob, paper):
    FindingFactory(author=alice, paper=paper)
    resolved = FindingFactory(author=alice, paper=paper)
    services.change_status(finding=resolved, by=alice, to="resolved")
    hidden = FindingFactory(author=alice, paper=paper)
    services.set_moderation(thing=hidden, state=ModerationState.HIDDEN, reason="Spam")
    deleted = FindingFactory(author=alice, paper=paper)
    services.delete_finding(finding=deleted, editor=bob)
    FindingFactory(author=alice)  # another paper
    assert services.open_count(paper.pk) == 1
    assert services.open_count(str(paper.pk)) == 1


@pytest.mark.parametrize("value", [None, "", "abc", -1, 0, 2**64, "9" * 30, "\x00"])
def test_open_count_of_nonsense_is_zero(value):
    assert services.open_count(value) == 0


def test_findings_move_with_a_merged_paper(alice, paper):
    duplicate = PaperFactory(title="Residual learning (preprint)")
    duplicate_id = duplicate.pk
    finding = FindingFactory(author=alice, paper=duplicate)
    merge_papers(duplicate=duplicate, into=paper)
    finding.refresh_from_db()
    assert finding.paper == paper
    assert PaperRedirect.objects.filter(old_id=duplicate_id, paper=paper).exists()


def test_deleting_a_paper_outright_deletes_its_findings(alice, paper):
    FindingFactory(author=alice, paper=paper)
    paper.delete()
    assert not Finding.objects.exists()
