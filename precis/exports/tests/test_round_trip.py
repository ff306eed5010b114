"""Export a person's writing, delete it, import it back: the second export equals the first."""

import json

import pytest
from django.core.management import CommandError, call_command

from precis.collections import services as collections
from precis.collections.models import Collection
from precis.discussions import services as discussions
from precis.discussions.models import Answer, AnswerVote, Comment, Question
from precis.exports.services import FORMAT, NotAnExport, export_user, import_user
from precis.findings import services as findings
from precis.findings.models import Finding, FindingReply
from precis.findings.tests.factories import verified_author
from precis.lib.moderation import ModerationState
from precis.papers.models import Identifier, Paper
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services as summaries
from precis.summaries.models import Revision, Summary, Vote

# The only field that differs between two exports of the same content.
NOT_PRESERVED = {"exported_at"}


def comparable(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in NOT_PRESERVED}


@pytest.fixture
def content(alice, carol):
    """Alice's writing: every kind of thing an export holds, with some history."""
    p1 = PaperFactory(title="Deep residual learning", arxiv="1512.03385")
    p2 = PaperFactory(title="Attention is all you need")
    Identifier.objects.create(paper=p2, scheme="doi", value="10.5555/3295222.3295349")
    p3 = PaperFactory(title="A paper known only by its title")
    carols_paper = PaperFactory(title="Adam: a method for stochastic optimization")

    s1 = summaries.save_summary(author=alice, paper=p1, source="First draft.", visibility="private")
    s1 = summaries.save_summary(
        author=alice, paper=p1, source="Second draft, $x_1$.", visibility="public", note="v2"
    )
    summaries.save_summary(author=alice, paper=p2, source="Mine only.", visibility="private")
    summaries.save_summary(
        author=alice, paper=p3, source="Who wrote this?", visibility="public", anonymous=True
    )
    carols = summaries.save_summary(
        author=carol, paper=carols_paper, source="Carol's take.", visibility="public"
    )

    top = discussions.post_comment(author=alice, summary=s1, source="A note to self.")
    discussions.edit_comment(comment=top, editor=alice, source="A note to self, edited.")
    discussions.post_comment(author=alice, summary=s1, source="A reply.", parent=top)
    carols_comment = discussions.post_comment(author=carol, summary=carols, source="Mine.")
    discussions.post_comment(
        author=alice, summary=carols, source="Reply to Carol.", parent=carols_comment
    )

    question = discussions.ask_question(author=alice, paper=p1, title="Why residuals?")
    discussions.post_answer(author=alice, question=question, source="Gradients flow.")
    carols_question = discussions.ask_question(author=carol, paper=carols_paper, title="Why β2?")
    carols_answer = discussions.post_answer(author=carol, question=carols_question, source="Ok.")
    discussions.post_answer(author=alice, question=carols_question, source="Bias correction.")

    collection = collections.create_collection(
        owner=alice, title="Reading group", description="Weekly *papers*.", visibility="public"
    )
    section = collections.add_section(collection=collection, title="Week 1")
    collections.add_item(collection=collection, paper=p2, note="Start here.")
    collections.add_item(collection=collection, paper=p1, section=section, summary=s1)
    collections.add_item(collection=collection, paper=carols_paper, section=section)

    summaries.cast_vote(voter=alice, summary=carols, value=1)
    discussions.cast_answer_vote(voter=alice, answer=carols_answer, value=-1)

    erratum = findings.report_finding(
        author=alice,
        paper=p1,
        kind="erratum",
        title="Eq. 4 drops a factor of 2",
        source="$\\sum_i x_i$ should be $2\\sum_i x_i$.",
        paper_version="v2",
    )
    code = findings.report_finding(
        author=alice,
        paper=p2,
        kind="code_data",
        title="The authors' code",
        link_url="https://example.org/code",
    )
    findings.change_status(finding=code, by=alice, to="withdrawn")
    findings.post_reply(author=alice, finding=erratum, source="The appendix agrees.")
    carols_finding = findings.report_finding(
        author=carol,
        paper=carols_paper,
        kind="citation",
        title="Missing citation",
        source="See [1].",
    )
    findings.post_reply(author=alice, finding=carols_finding, source="Which [1]?")
    regret = findings.post_reply(author=alice, finding=carols_finding, source="Never mind.")
    findings.delete_reply(reply=regret, editor=alice)
    return alice


def delete_content_of(user):
    for model, owner in [
        (Vote, "voter"),
        (AnswerVote, "voter"),
        (FindingReply, "author"),
        (Finding, "author"),
        (Comment, "author"),
        (Answer, "author"),
        (Question, "author"),
        (Collection, "owner"),
        (Summary, "author"),
    ]:
        model.objects.filter(**{owner: user}).delete()


def test_it_exports_everything_the_user_wrote(content):
    data = export_user(content)
    json.dumps(data)  # serialisable as is
    assert data["format"] == FORMAT
    assert [len(data[k]) for k in ("summaries", "comments", "questions", "answers")] == [3, 3, 1, 2]
    first = data["summaries"][0]
    assert first["paper"] == {
        "identifiers": {"arxiv": "1512.03385"},
        "title": "Deep residual learning",
    }
    assert [r["number"] for r in first["revisions"]] == [1, 2]
    assert first["revisions"][1]["note"] == "v2"
    assert {s["visibility"] for s in data["summaries"]} == {"public", "private"}
    assert [s["anonymous"] for s in data["summaries"]] == [False, False, True]
    reply = data["comments"][1]
    assert reply["parent"] == 0
    assert data["comments"][2]["parent"]["author"] == "carol"
    assert len(data["comments"][0]["revisions"]) == 2
    assert data["collections"][0]["sections"] == ["Week 1"]
    assert [i["section"] for i in data["collections"][0]["items"]] == [None, 0, 0]
    assert data["votes"] == [
        {
            "summary": {
                "paper": {"identifiers": {}, "title": "Adam: a method for stochastic optimization"},
                "author": "carol",
            },
            "value": 1,
        }
    ]
    assert data["answer_votes"][0]["value"] == -1
    assert [(f["kind"], f["status"]) for f in data["findings"]] == [
        ("erratum", "open"),
        ("code_data", "withdrawn"),
    ]
    assert data["findings"][0]["paper_version"] == "v2"
    assert data["findings"][1]["link_url"] == "https://example.org/code"
    assert [r["finding"]["author"] for r in data["finding_replies"]] == ["alice", "carol", "carol"]
    assert [r["deleted"] for r in data["finding_replies"]] == [False, False, True]
    assert "pk" not in json.dumps(data) and '"id"' not in json.dumps(data)


def test_it_round_trips_through_the_management_commands(content, tmp_path):
    alice = content
    path = tmp_path / "alice.json"
    call_command("export_user_data", "alice", "-o", str(path))
    before = json.loads(path.read_text())
    revisions_before = Revision.objects.filter(summary__author=alice).count()

    delete_content_of(alice)
    assert not Summary.objects.filter(author=alice).exists()
    call_command("import_user_data", "alice", str(path))

    assert comparable(export_user(alice)) == comparable(before)
    assert Revision.objects.filter(summary__author=alice).count() == revisions_before
    # Carol's summary got Alice's vote back, counted.
    assert Summary.objects.get(author__username="carol").upvotes == 1
    assert Finding.objects.get(author=alice, kind="code_data").status == "withdrawn"
    assert FindingReply.objects.filter(author=alice, finding__author__username="carol").count() == 2


def test_a_status_others_gave_a_finding_and_a_deleted_finding_are_reported_not_restored(alice, bob):
    paper = PaperFactory(title="A paper with a checked erratum")
    confirmed = findings.report_finding(
        author=alice, paper=paper, kind="erratum", title="Off by one", source="Line 3."
    )
    findings.post_reply(
        author=verified_author(paper),
        finding=confirmed,
        source="Yes, fixed in v3.",
        status="confirmed",
    )
    removed = findings.report_finding(
        author=alice, paper=paper, kind="other", title="Spam, really", source="Buy now."
    )
    findings.delete_finding(finding=removed, editor=bob)
    data = export_user(alice)
    Finding.objects.filter(author=alice).delete()

    report = import_user(alice, data)

    restored = Finding.objects.get(author=alice)
    assert (restored.title, restored.status) == ("Off by one", "open")
    assert dict(report.skipped) == {
        "status “confirmed” of finding “Off by one”": (
            "only the paper's authors or a moderator can give it; the finding is open"
        ),
        "finding “Spam, really”": "a moderator deleted it; it is not recreated",
    }


def test_a_reply_to_a_finding_since_hidden_names_neither_its_reporter_nor_its_title(alice, carol):
    finding = findings.report_finding(
        author=carol, paper=PaperFactory(), kind="other", title="Carol's secret", source="Text."
    )
    findings.post_reply(author=alice, finding=finding, source="Interesting.")
    Finding.objects.filter(pk=finding.pk).update(moderation=ModerationState.HIDDEN)

    data = export_user(alice)

    assert data["finding_replies"][0]["finding"]["author"] is None
    assert "carol" not in json.dumps(data).lower()
    FindingReply.objects.filter(author=alice).delete()
    report = import_user(alice, data)
    assert report.skipped == [("reply 1 to a finding", "the finding was not found")]


def test_it_creates_a_minimal_paper_when_the_paper_is_missing(content, carol):
    data = export_user(content)
    delete_content_of(content)
    Paper.objects.filter(title="Deep residual learning").delete()

    report = import_user(carol, {**data, "votes": [], "answer_votes": []})

    paper = Paper.objects.by_identifier("arxiv", "1512.03385").get()
    assert paper.title == "Deep residual learning"
    assert report.papers_created == 1
    assert Summary.objects.get(paper=paper).author == carol
    # References to the export's own writer now mean the importer.
    assert Comment.objects.filter(author=carol, parent__author=carol).exists()


def test_a_damaged_file_is_a_clear_error_and_imports_nothing(content, tmp_path):
    data = export_user(content)
    delete_content_of(content)
    del data["findings"][1]["kind"]  # late in the file: everything before it was written
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="Nothing imported: the file is not shaped as"):
        call_command("import_user_data", "alice", str(path))
    assert not Summary.objects.filter(author=content).exists()
    assert not Finding.objects.filter(author=content).exists()


def test_it_refuses_a_file_that_is_not_an_export(alice):
    with pytest.raises(NotAnExport):
        import_user(alice, {"format": "something-else"})
