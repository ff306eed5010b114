"""Drafts: a signed-out visitor's posted text is kept for sign-in, within bounds; a
writer's editor text is autosaved on the server, restored, and seen by no one else."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from precis.core import generations
from precis.lib import ratelimit
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.models import Draft, Summary
from precis.summaries.services import MAX_SOURCE_CHARS
from precis.summaries.tests.factories import SummaryFactory


def write_url(paper):
    return reverse("summaries:write", args=[paper.pk])


def session_bytes(client) -> int:
    return len(Session.objects.get(session_key=client.session.session_key).session_data)


def test_it_keeps_only_the_latest_draft_however_many_papers_are_posted_to(client, db):
    papers = [PaperFactory() for _ in range(5)]
    for paper in papers:
        client.post(write_url(paper), {"source": "x" * 20_000, "visibility": "public"})
    one_draft = session_bytes(client)
    assert one_draft < 30_000  # one draft, not five
    assert client.session["precis:draft"]["paper"] == papers[-1].pk


def test_it_refuses_to_keep_text_over_the_summary_limit_and_says_so(client, db):
    paper = PaperFactory()
    response = client.post(write_url(paper), {"source": "x" * (MAX_SOURCE_CHARS + 1)}, follow=True)
    assert "could not be kept" in response.text
    assert "precis:draft" not in client.session


def test_a_draft_is_offered_only_on_its_own_papers_page(client, alice):
    kept, other = PaperFactory(), PaperFactory()
    client.post(write_url(kept), {"source": "Words I must not lose", "visibility": "public"})
    client.force_login(alice)
    assert "Words I must not lose" not in client.get(write_url(other)).text
    assert "Words I must not lose" in client.get(write_url(kept)).text
    assert "Words I must not lose" not in client.get(write_url(kept)).text  # taken once


# -- drafts kept on the server (the editor's autosave) ---------------------------------

JSON = {"Accept": "application/json"}


def draft_url(paper):
    return reverse("summaries:save_draft", args=[paper.pk])


def autosave(client, paper, source, **fields):
    data = {"source": source, "visibility": "public", "tab": "tab-a", "version": 0, "base": 0}
    data.update(fields)
    return client.post(draft_url(paper), data, headers=JSON)


def test_an_autosaved_draft_is_restored_with_a_notice_and_a_way_to_discard_it(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    response = autosave(client, paper, "Half a thought about $x_1$", visibility="unlisted")
    assert response.status_code == 200
    assert response.json()["kept"] is True
    assert response.json()["version"] == 1

    page = client.get(write_url(paper)).text
    assert "Half a thought about $x_1$</textarea>" in page
    assert "Draft restored from" in page
    assert reverse("summaries:discard_draft", args=[paper.pk]) in page
    assert re.search(r'value="unlisted"[^>]*checked', page)
    assert 'data-draft-version="1"' in page


def test_a_draft_of_a_published_summary_wins_over_the_saved_text_until_discarded(client, alice):
    summary = SummaryFactory(author=alice, source="The saved words.")
    client.force_login(alice)
    autosave(client, summary.paper, "The saved words, and better ones.", base=1)
    page = client.get(write_url(summary.paper)).text
    assert "The saved words, and better ones.</textarea>" in page
    assert "Your saved summary is unchanged until you save." in page

    response = client.post(reverse("summaries:discard_draft", args=[summary.paper.pk]), follow=True)
    assert "Draft discarded. This is your saved summary." in response.text
    assert "The saved words.</textarea>" in response.text
    assert not Draft.objects.exists()


def test_it_keeps_one_draft_per_writer_and_paper_however_often_it_saves(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    for version, text in enumerate(["One", "One two", "One two three"]):
        response = autosave(client, paper, text, version=version)
        assert response.json()["version"] == version + 1
        assert response.json()["replaced_other_tab"] is False
    draft = Draft.objects.get()
    assert (draft.source, draft.version, draft.writer, draft.paper) == (
        "One two three",
        3,
        alice,
        paper,
    )


def test_saving_the_summary_from_the_editor_removes_the_draft(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    autosave(client, paper, "Nearly ready")
    client.post(write_url(paper), {"source": "Ready now.", "visibility": "public", "save": ""})
    assert Summary.objects.get(author=alice).source == "Ready now."
    assert not Draft.objects.exists()
    assert "Draft restored" not in client.get(write_url(paper)).text


def test_a_text_equal_to_the_saved_summary_or_empty_needs_no_draft(client, alice):
    summary = SummaryFactory(author=alice, source="Exactly this.")
    client.force_login(alice)
    autosave(client, summary.paper, "Exactly this, almost.")
    # A beacon sent as the Save button's page unloads carries the text just saved.
    response = autosave(client, summary.paper, "Exactly this.\n")
    assert response.json()["kept"] is False
    assert not Draft.objects.exists()
    autosave(client, PaperFactory(), "   \n ")
    assert not Draft.objects.exists()


def test_a_draft_over_the_summary_limit_is_refused_and_the_kept_one_stays(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    autosave(client, paper, "Safe so far")
    response = autosave(client, paper, "x" * (MAX_SOURCE_CHARS + 1), version=1)
    assert response.status_code == 400
    assert "more than the 60,000 a summary may have" in response.json()["detail"]
    assert Draft.objects.get().source == "Safe so far"


def test_a_writer_keeps_a_bounded_number_of_drafts(client, alice, monkeypatch):
    monkeypatch.setattr(services, "MAX_DRAFTS_PER_WRITER", 2)
    client.force_login(alice)
    first, second, third = PaperFactory(), PaperFactory(), PaperFactory()
    assert autosave(client, first, "one").status_code == 200
    assert autosave(client, second, "two").status_code == 200
    response = autosave(client, third, "three")
    assert response.status_code == 400
    assert "Save or discard one of them" in response.json()["detail"]
    assert autosave(client, first, "one, edited", version=1).status_code == 200  # not a new one


def test_autosaves_are_rate_limited(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    statuses = [
        autosave(client, paper, f"text {n}", version=n).status_code
        for n in range(ratelimit.DRAFT_SAVE.count + 1)
    ]
    assert statuses[:-1] == [200] * ratelimit.DRAFT_SAVE.count
    assert statuses[-1] == 429
    assert "Too many draft save requests" in autosave(client, paper, "more").json()["detail"]


def test_autosaves_need_the_csrf_token_which_a_beacon_sends_in_the_body(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    paper = PaperFactory()
    assert autosave(client, paper, "no token").status_code == 403
    token = client.get(write_url(paper)).cookies["csrftoken"].value
    response = client.post(
        draft_url(paper),
        {"source": "as a beacon sends it", "visibility": "public", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert Draft.objects.get().source == "as a beacon sends it"


def test_a_signed_out_autosave_is_told_so_in_json(client, db):
    response = autosave(client, PaperFactory(), "words")
    assert response.status_code == 401
    assert "You are signed out" in response.json()["detail"]
    assert not Draft.objects.exists()


def test_only_the_writer_ever_sees_or_discards_their_draft(client, alice, carol):
    summary = SummaryFactory(author=alice, source="Public words.")
    paper = summary.paper
    client.force_login(alice)
    autosave(client, paper, "Alice's secret second thoughts", base=1)

    stranger = Client()
    stranger.force_login(carol)
    for url in (write_url(paper), paper.get_absolute_url(), summary.get_absolute_url(), "/"):
        assert "secret second thoughts" not in stranger.get(url).text
    assert "secret second thoughts" not in Client().get(paper.get_absolute_url()).text
    stranger.post(reverse("summaries:discard_draft", args=[paper.pk]))
    autosave(stranger, paper, "Carol's own text")
    assert Draft.objects.get(writer=alice).source == "Alice's secret second thoughts"
    assert Draft.objects.get(writer=carol).source == "Carol's own text"
    # Alice's own pages show the summary, never the draft, except in her editor.
    assert "secret second thoughts" not in client.get(summary.get_absolute_url()).text
    assert "secret second thoughts" in client.get(write_url(paper)).text


def test_a_tab_saving_over_another_tabs_newer_draft_is_told_so(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    assert autosave(client, paper, "from tab A", tab="a").json()["replaced_other_tab"] is False
    told = autosave(client, paper, "from tab B", tab="b", version=0).json()
    assert told["replaced_other_tab"] is True
    assert told["replaced_at"]
    assert Draft.objects.get().source == "from tab B"  # the last save wins
    # Tab B saving again over its own text is not a conflict; tab A coming back is.
    assert (
        autosave(client, paper, "B again", tab="b", version=2).json()["replaced_other_tab"] is False
    )
    assert (
        autosave(client, paper, "A again", tab="a", version=1).json()["replaced_other_tab"] is True
    )


def test_a_draft_tells_when_the_summary_was_saved_after_it_began(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    autosave(client, paper, "Begun before the first save", base=0)
    SummaryFactory(author=alice, paper=paper, source="Saved from another tab.")
    assert autosave(client, paper, "Still typing here", base=0).json()["latest_revision"] == 1
    page = client.get(write_url(paper)).text
    assert "Still typing here</textarea>" in page
    assert "Your summary was saved again after this draft began" in page


def test_the_preview_button_without_javascript_keeps_a_draft(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    client.post(
        write_url(paper), {"source": "Previewed words", "visibility": "private", "preview": "1"}
    )
    draft = Draft.objects.get()
    assert (draft.source, draft.visibility) == ("Previewed words", "private")


def test_autosaving_leaves_the_signed_out_page_cache_alone(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    before = generations.current()
    autosave(client, paper, "typing, typing")
    autosave(client, paper, "typing, typing, typing", version=1)
    client.post(reverse("summaries:discard_draft", args=[paper.pk]))
    assert generations.current() == before
    client.post(write_url(paper), {"source": "Published.", "visibility": "public", "save": ""})
    assert generations.current() != before


def test_merging_duplicate_papers_keeps_the_drafts(alice, carol):
    from precis.papers.services import merge_papers

    duplicate, kept = PaperFactory(), PaperFactory()
    services.save_draft(
        writer=alice, paper=duplicate, source="on the duplicate", visibility="public"
    )
    services.save_draft(
        writer=carol, paper=duplicate, source="carol's, duplicate", visibility="public"
    )
    services.save_draft(writer=carol, paper=kept, source="carol's, kept", visibility="public")
    merge_papers(duplicate=duplicate, into=kept)
    assert Draft.objects.get(writer=alice).paper == kept
    assert Draft.objects.get(writer=carol).source == "carol's, kept"


@pytest.mark.parametrize("visibility", ["", "everyone", "public\x01"])
def test_a_hostile_visibility_keeps_the_draft_as_private(client, alice, visibility):
    client.force_login(alice)
    response = autosave(client, PaperFactory(), "words", visibility=visibility, tab="<script>")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        draft = Draft.objects.get()
        assert (draft.visibility, draft.tab) == ("private", "")


def test_a_page_shown_again_after_a_failed_save_goes_on_from_the_kept_draft(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    page = client.post(write_url(paper), {"source": "Kept words", "visibility": "nonsense"}).text
    assert 'data-draft-version="1"' in page
    told = autosave(client, paper, "Kept words, and more", tab="fresh", version=1).json()
    assert told["replaced_other_tab"] is False


DRAFTS = reverse("summaries:drafts")


def test_the_drafts_page_lists_only_the_writers_own_drafts_latest_first(client, alice, carol):
    older, newer = PaperFactory(title="Older paper"), PaperFactory(title="Newer paper")
    client.force_login(alice)
    autosave(client, older, "First thoughts on the older one")
    autosave(client, newer, "Words by Alice on the newer one")
    carols = Client()
    carols.force_login(carol)
    autosave(carols, older, "Private words by Carol")

    body = client.get(DRAFTS).text
    assert body.index("Newer paper") < body.index("Older paper")
    assert "Words by Alice on the newer one" in body
    assert reverse("summaries:write", args=[newer.pk]) in body
    assert "Private words by Carol" not in body
    assert "Private words by Carol" in carols.get(DRAFTS).text
    assert "Words by Alice" not in carols.get(DRAFTS).text
    # Every page of the site links to it from the account menu.
    assert f'href="{DRAFTS}"' in client.get("/").text


def test_a_draft_discarded_from_the_list_goes_back_to_the_list(client, alice):
    paper = PaperFactory(title="A paper to drop")
    client.force_login(alice)
    autosave(client, paper, "Not worth keeping")
    response = client.post(
        reverse("summaries:discard_draft", args=[paper.pk]), {"from": "drafts"}, follow=True
    )
    assert response.redirect_chain[-1][0] == DRAFTS
    assert "Draft of “A paper to drop” discarded." in response.text
    assert not Draft.objects.exists()
    assert "No drafts." in response.text


def test_the_drafts_page_needs_a_signed_in_writer_and_survives_hostile_pages(client, alice):
    assert client.get(DRAFTS).status_code == 302
    client.force_login(alice)
    for page in ("0", "-1", "99999999999999999999", "1e9", "abc"):
        assert client.get(DRAFTS, {"page": page}).status_code == 200
    # A control character in the query string is refused before any view.
    assert client.get(DRAFTS, {"page": "\x00"}).status_code == 400
