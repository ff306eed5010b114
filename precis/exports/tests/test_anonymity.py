"""A reader's own export never names the anonymous writers they voted on, replied to or
collected, and never says more about a summary than the reader may see today."""

import json

import pytest

from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.exports.services import export_user, import_user
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services as summaries
from precis.summaries.models import Summary, Vote
from precis.summaries.presenting import as_seen_by

URLS = ["/settings/export.json", "/settings/export.zip", "/settings/summaries.csv"]


@pytest.fixture
def anonymous_summary(carol):
    """Carol's anonymous public summary, with Carol answering under it as its writer."""
    paper = PaperFactory(title="Batch normalization")
    summary = summaries.save_summary(
        author=carol, paper=paper, source="Normalise the activations.", visibility="public",
        anonymous=True,
    )  # fmt: skip
    discussions.post_comment(author=carol, summary=summary, source="I wrote this; ask away.")
    return summary


@pytest.fixture
def reader(alice, anonymous_summary):
    """Alice touches Carol's anonymous summary in every way an export records."""
    summary = anonymous_summary
    carols_comment = summary.comments.get()
    summaries.cast_vote(voter=alice, summary=summary, value=1)
    discussions.post_comment(author=alice, summary=summary, source="Why normalise per batch?")
    discussions.post_comment(
        author=alice, summary=summary, source="Thanks, that helps.", parent=carols_comment
    )
    collection = collections.create_collection(
        owner=alice, title="Normalisation", visibility="public"
    )
    collections.add_item(collection=collection, paper=summary.paper, summary=summary)
    return alice


def names_of(user) -> list[str]:
    return [user.username, user.display_name, user.email]


def test_it_names_no_anonymous_writer_in_any_export_shape(client, reader, carol):
    client.force_login(reader)
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if url.endswith(".zip"):
            import io
            import zipfile

            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"".join(archive.read(name) for name in archive.namelist())
        for name in names_of(carol):
            assert name.encode() not in body, f"{url} names {name!r}"


def test_it_refers_to_an_anonymous_summary_by_paper_and_permalink(reader, anonymous_summary):
    data = export_user(reader)
    expected = {
        "paper": {"identifiers": {}, "title": "Batch normalization"},
        "author": None,
        "url": anonymous_summary.get_absolute_url(),
    }
    assert data["votes"][0]["summary"] == expected
    assert [c["summary"] for c in data["comments"]] == [expected, expected]
    assert data["comments"][1]["parent"]["author"] is None
    assert data["collections"][0]["items"][0]["summary"] == expected


def test_it_says_nothing_of_a_summary_made_private_since(reader, anonymous_summary, carol):
    summaries.save_summary(
        author=carol, paper=anonymous_summary.paper, source="Normalise the activations.",
        visibility="private", anonymous=False,
    )  # fmt: skip
    data = export_user(reader)
    assert data["votes"][0]["summary"] == {
        "paper": {"identifiers": {}, "title": "Batch normalization"},
        "author": None,
        "url": None,
    }
    assert "carol" not in json.dumps(data)


def test_the_writer_still_sees_their_own_name(carol, anonymous_summary):
    data = export_user(carol)
    assert data["summaries"][0]["anonymous"] is True
    assert as_seen_by(anonymous_summary, carol).author == carol


def test_a_round_trip_reattaches_votes_and_replies_by_permalink(reader, anonymous_summary):
    before = export_user(reader)
    Vote.objects.filter(voter=reader).delete()
    reader.comments.all().delete()
    reader.collections.all().delete()

    report = import_user(reader, before)

    assert not report.skipped
    assert Summary.objects.get(pk=anonymous_summary.pk).upvotes == 1
    after = export_user(reader)
    assert after["votes"] == before["votes"]
    assert after["comments"] == before["comments"]
    assert after["collections"] == before["collections"]


@pytest.mark.parametrize(
    ("visibility", "anonymous", "stranger_sees"),
    [
        ("public", False, (True, True, True)),
        ("public", True, (True, True, False)),
        ("unlisted", False, (True, False, True)),
        ("private", False, (False, False, False)),
    ],
)
def test_as_seen_by_is_the_rule_for_strangers_and_writers(
    alice, carol, visibility, anonymous, stranger_sees
):
    summary = summaries.save_summary(
        author=alice, paper=PaperFactory(), source="Text.", visibility=visibility,
        anonymous=anonymous,
    )  # fmt: skip
    seen = as_seen_by(summary, carol)
    assert (seen.viewable, seen.findable, seen.author is not None) == stranger_sees
    own = as_seen_by(summary, alice)
    assert (own.viewable, own.findable, own.author) == (True, True, alice)
    # The row rules agree with the QuerySet rules the pages use.
    assert seen.viewable == Summary.objects.viewable_by(carol).filter(pk=summary.pk).exists()
    assert seen.findable == Summary.objects.listed_for(carol).filter(pk=summary.pk).exists()
