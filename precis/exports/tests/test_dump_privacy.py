"""The public data dump holds what a signed-out visitor may read, and nothing else.

A database full of private, unlisted, deleted, held, hidden, spammers', closed
accounts' and anonymous writing, each text carrying a marker; the dump is read back
file by file, decompressed, and searched for every marker, for the anonymous
writers' usernames, names and ids, and for every e-mail address.
"""

import re

import pytest
from django.utils import timezone

from precis.accounts import services as accounts
from precis.accounts.models import User
from precis.accounts.tests.factories import UserFactory
from precis.discussions import services as discussions
from precis.findings import services as findings
from precis.lib.moderation import ModerationState
from precis.moderation import services as moderation
from precis.moderation.tests.factories import hold
from precis.papers.models import SummaryRequest
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services as summaries
from precis.summaries.tests.factories import SummaryFactory

from . import dumping

pytestmark = pytest.mark.django_db

# Every text that must stay out of the dump carries one of these.
SECRET = "Zqx"
# Texts anyone may read on the site, which must be in it.
OPEN = "Opn"
# The anonymous writers: never named, in any form.
ANONYMOUS_ID = 987_654_321
ANONYMOUS_NAMES = ["veiledwriter", "Veiled Penname", "turnedanon", "Turned Anonymousperson"]
# People the dump has no reason to name: voters, requesters, spammers, closed and
# hidden accounts.
UNNAMED = ["quietvoter", "askingreader", "spamlord", "closedaccount", "hiddenprofile"]


def secret(what: str) -> str:
    return f"{SECRET}-{what}-marker"


def visible(what: str) -> str:
    return f"{OPEN}-{what}-marker"


@pytest.fixture
def site(alice, bob):
    """Everything a site holds, public and not; ``bob`` moderates."""
    paper = PaperFactory(arxiv="1706.03762")
    other = PaperFactory()

    # Public writing by a named writer: in the dump, with her name.
    public = SummaryFactory(author=alice, paper=paper, source=secret("first-private-draft"),
                            visibility="private")  # fmt: skip
    public = summaries.save_summary(
        author=alice, paper=paper, source=visible("public-summary"), visibility="public"
    )
    comment = discussions.post_comment(author=alice, summary=public, source=visible("comment"))
    question = discussions.ask_question(
        author=alice, paper=paper, title=visible("question"), source="Why?"
    )
    answer = discussions.post_answer(
        author=UserFactory(username="answerer"), question=question, source=visible("answer")
    )
    finding = findings.report_finding(
        author=alice, paper=paper, kind="erratum", title=visible("finding"), source="Eq. 3."
    )
    findings.post_reply(author=UserFactory(), finding=finding, source=visible("finding-reply"))

    # Anonymous: the text is public, the writer is not.
    veiled = UserFactory(id=ANONYMOUS_ID, username="veiledwriter", display_name="Veiled Penname",
                         email="veiled.person@example.net")  # fmt: skip
    anonymous = SummaryFactory(author=veiled, paper=other, source=visible("anonymous-summary"),
                               anonymous=True)  # fmt: skip
    summaries.save_summary(author=veiled, paper=other, source=visible("anonymous-summary-2"),
                           visibility="public", anonymous=True)  # fmt: skip
    discussions.post_comment(author=veiled, summary=anonymous, source=visible("anonymous-own-comment"))  # fmt: skip
    turned = UserFactory(username="turnedanon", display_name="Turned Anonymousperson")
    SummaryFactory(author=turned, paper=paper, source=visible("named-then-anonymous"))
    summaries.save_summary(author=turned, paper=paper, source=visible("named-then-anonymous"),
                           visibility="public", anonymous=True)  # fmt: skip
    voter = UserFactory(username="quietvoter")
    summaries.cast_vote(voter=voter, summary=anonymous, value=1)
    summaries.cast_vote(voter=voter, summary=public, value=1)
    SummaryRequest.objects.create(paper=other, requester=UserFactory(username="askingreader"))

    # Not public, each in its own way.
    # Each by a writer of their own: hidden writing lowers its writer's trust, and
    # new accounts' limits would refuse the rest.
    SummaryFactory(author=UserFactory(), source=secret("private-summary"), visibility="private")
    unlisted = SummaryFactory(author=UserFactory(), source=secret("unlisted-summary"), visibility="unlisted")  # fmt: skip
    discussions.post_comment(author=alice, summary=unlisted, source=secret("comment-on-unlisted"))
    turned_private = SummaryFactory(author=UserFactory(), source=secret("made-private-later"))
    discussions.post_comment(author=alice, summary=turned_private, source=secret("comment-under-made-private"))  # fmt: skip
    summaries.save_summary(author=turned_private.author, paper=turned_private.paper,
                           source=secret("made-private-later"), visibility="private")  # fmt: skip
    deleted = SummaryFactory(author=UserFactory(), source=secret("deleted-summary"))
    summaries.delete_summary(summary=deleted, editor=deleted.author)
    held = SummaryFactory(author=UserFactory(), source=secret("held-summary"))
    hold(held)
    hidden = SummaryFactory(author=UserFactory(), source=secret("hidden-summary"))
    discussions.post_comment(author=alice, summary=hidden, source=secret("comment-under-hidden"))
    moderation.hide(moderator=bob, row=hidden, reason="Plagiarism.")
    gone = discussions.post_comment(
        author=UserFactory(), summary=public, source=secret("deleted-comment")
    )
    discussions.delete_comment(comment=gone, editor=gone.author)
    rude = discussions.post_comment(
        author=UserFactory(), summary=public, source=secret("hidden-comment")
    )
    moderation.hide(moderator=bob, row=rude, reason="Abuse.")
    reply_to_rude = discussions.post_comment(
        author=alice, summary=public, source=visible("reply-to-hidden"), parent=rude
    )
    hidden_question = discussions.ask_question(author=UserFactory(), paper=paper, title=secret("hidden-question"))  # fmt: skip
    discussions.post_answer(author=alice, question=hidden_question, source=secret("answer-under-hidden-question"))  # fmt: skip
    moderation.hide(moderator=bob, row=hidden_question, reason="Spam.")
    bad_answer = discussions.post_answer(author=UserFactory(), question=question, source=secret("hidden-answer"))  # fmt: skip
    discussions.accept_answer(question=question, answer=bad_answer, by=alice)
    moderation.hide(moderator=bob, row=bad_answer, reason="Spam.")
    dropped = discussions.post_answer(author=UserFactory(), question=question, source=secret("deleted-answer"))  # fmt: skip
    discussions.delete_answer(answer=dropped, editor=dropped.author)
    bad_finding = findings.report_finding(author=UserFactory(), paper=paper, kind="other",
                                          title=secret("hidden-finding"), source="x")  # fmt: skip
    findings.post_reply(author=alice, finding=bad_finding, source=secret("reply-under-hidden-finding"))  # fmt: skip
    moderation.hide(moderator=bob, row=bad_finding, reason="Spam.")
    bad_reply = findings.post_reply(author=UserFactory(), finding=finding, source=secret("hidden-finding-reply"))  # fmt: skip
    moderation.hide(moderator=bob, row=bad_reply, reason="Abuse.")
    withdrawn = findings.report_finding(author=UserFactory(), paper=paper, kind="other",
                                        title=secret("deleted-finding"), source="x")  # fmt: skip
    findings.delete_finding(finding=withdrawn, editor=bob)
    summaries.save_draft(writer=alice, paper=other, source=secret("editor-draft"), visibility="public")  # fmt: skip

    # People: a spammer (everything hidden), a closed account, a hidden profile, blocks.
    spammer = UserFactory(username="spamlord", display_name="Spam Lord")
    SummaryFactory(author=spammer, source=secret("spammer-summary"))
    discussions.post_comment(author=spammer, summary=public, source=secret("spammer-comment"))
    moderation.mark_spammer(moderator=bob, person=spammer)
    closed = UserFactory(username="closedaccount", display_name="Closed Account")
    discussions.post_comment(author=closed, summary=public, source=visible("closed-account-comment"))  # fmt: skip
    User.objects.filter(pk=closed.pk).update(is_active=False)
    masked = UserFactory(username="hiddenprofile", display_name="Hidden Profileperson")
    discussions.ask_question(author=masked, paper=other, title=visible("hidden-profile-question"))
    accounts.set_profile_moderation(user=masked, state=ModerationState.HIDDEN, reason="Abuse.")
    stranger = UserFactory()
    accounts.block(who=alice, whom=stranger)
    accounts.mute(who=stranger, whom=alice)
    return {
        "public": public,
        "comment": comment,
        "reply_to_rude": reply_to_rude,
        "question": question,
        "answer": answer,
        "anonymous": anonymous,
        "veiled": veiled,
    }


@pytest.fixture
def dumped(site, tmp_path):
    path = dumping.write(tmp_path)
    return {"texts": dumping.texts(path), "records": dumping.records(path)}


def test_nothing_but_public_writing_is_in_any_file(dumped):
    for name, text in dumped["texts"].items():
        assert SECRET not in text, (name, re.findall(rf"{SECRET}-[\w-]+", text))


def test_public_writing_is_all_there(dumped):
    everything = "".join(dumped["texts"].values())
    expected = [
        "public-summary", "comment", "question", "answer", "finding", "finding-reply",
        "anonymous-summary-2", "anonymous-own-comment", "named-then-anonymous",
        "reply-to-hidden", "closed-account-comment", "hidden-profile-question",
    ]  # fmt: skip
    for what in expected:
        assert visible(what) in everything, what


def test_no_anonymous_writer_or_uninvolved_person_is_named(dumped):
    everything = "".join(dumped["texts"].values())
    for name in [*ANONYMOUS_NAMES, *UNNAMED]:
        assert name not in everything, name
    assert str(ANONYMOUS_ID) not in everything


def test_no_email_address_is_in_the_dump(dumped):
    everything = "".join(dumped["texts"].values())
    for email in User.objects.values_list("email", flat=True):
        assert email not in everything
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", everything)


def test_anonymous_summaries_keep_their_text_and_lose_their_writer(dumped, site):
    summaries_ = {row["id"]: row for row in dumped["records"]["summaries"]}
    row = summaries_[site["anonymous"].pk]
    assert row["source"] == visible("anonymous-summary-2")
    assert row["author"] is None and row["anonymous"] is True
    # Times to the day, revisions counted but not dated: nothing to join with the
    # writer's named activity.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["published_at"])
    assert row["revisions"] is None and row["revision_count"] == 2
    assert (row["upvotes"], row["downvotes"], row["score"]) == (1, 0, 1)
    own = next(
        c for c in dumped["records"]["comments"] if c["source"] == visible("anonymous-own-comment")
    )
    assert own["author"] is None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", own["created_at"])


def test_named_writing_names_its_writer_and_dates_its_revisions(dumped, site):
    row = next(r for r in dumped["records"]["summaries"] if r["id"] == site["public"].pk)
    assert row["author"]["username"] == "alice"
    assert row["author"]["url"].endswith("/u/alice/")
    assert set(row["author"]) == {"username", "name", "url"}  # no e-mail, no id
    assert [r["number"] for r in row["revisions"]] == [1, 2]
    assert row["revisions"][0]["created_at"].startswith(str(timezone.now().year))
    assert row["url"].endswith(f"/summaries/{site['public'].pk}/")
    assert (row["upvotes"], row["score"]) == (1, 1)


def test_votes_appear_only_as_totals(dumped):
    for kind, rows in dumped["records"].items():
        for row in rows:
            assert not {"voter", "voters", "votes", "my_vote"} & set(row), kind


def test_accounts_without_a_public_profile_are_not_named(dumped):
    closed = next(
        c for c in dumped["records"]["comments"] if c["source"] == visible("closed-account-comment")
    )
    assert closed["author"] is None
    masked = next(
        q
        for q in dumped["records"]["questions"]
        if q["title"] == visible("hidden-profile-question")
    )
    assert masked["author"] is None


def test_an_accepted_answer_that_was_hidden_is_not_pointed_to(dumped, site):
    question = next(q for q in dumped["records"]["questions"] if q["id"] == site["question"].pk)
    assert question["accepted_answer_id"] is None
    assert {a["id"] for a in dumped["records"]["answers"]} == {site["answer"].pk}
