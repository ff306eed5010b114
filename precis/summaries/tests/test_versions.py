"""Summaries written for an earlier version of their paper: the notice and its diff,
the writer confirming or editing, badges, cached pages, and hostile requests."""

from datetime import date

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from precis.importers.base import PaperRecord, VersionRecord
from precis.papers.models import Paper
from precis.papers.services import upsert_paper
from precis.papers.tests import recorded_versions as recorded
from precis.summaries import services
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

NOTICE = "Written for v1; the paper is now at v2"


def arxiv_record(number: int, *, abstract="We show a thing.", comments="") -> PaperRecord:
    return PaperRecord(
        title="A paper that changes", identifiers={"arxiv": "2101.00001"}, source="arxiv",
        abstract=abstract, comments=comments, year=2021,
        versions=[VersionRecord(n, date(2021, 1, n)) for n in range(1, number + 1)],
    )  # fmt: skip


@pytest.fixture
def v1_paper():
    paper, _ = upsert_paper(arxiv_record(1, comments="10 pages"))
    return paper


def import_v2() -> Paper:
    """v2 comes, as an import commits it (its after-commit hooks move cached pages on)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        paper, _ = upsert_paper(
            arxiv_record(2, abstract="We show a thing, and a second thing.", comments="12 pages")
        )
    return paper


def confirm_url(summary) -> str:
    return reverse("summaries:confirm_version", args=[summary.pk])


# -- what is recorded -------------------------------------------------------------------


def test_a_summary_records_the_version_it_was_written_for(v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    assert summary.paper_version.label == "v1"


def test_a_summary_of_a_paper_without_versions_records_none(alice):
    summary = SummaryFactory(author=alice)
    assert summary.paper_version is None


def test_editing_records_the_current_version_and_visibility_alone_does_not(v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper, visibility="private")
    paper = import_v2()
    services.save_summary(
        author=alice, paper=paper, source=summary.source, visibility="public"
    )  # only made public: still written for v1
    assert Summary.objects.get(pk=summary.pk).paper_version.label == "v1"
    services.save_summary(
        author=alice, paper=paper, source="Rewritten for the new version.", visibility="public"
    )
    assert Summary.objects.get(pk=summary.pk).paper_version.label == "v2"


# -- the notice and its diff ------------------------------------------------------------


def test_an_outdated_summary_shows_the_notice_and_what_changed(
    client, network, shared_fixtures, alice
):
    """v1 then v2 through the real harvest: the comments' new note is the diff."""
    recorded.harvest(network, recorded.oai_v1(shared_fixtures))
    paper = Paper.objects.by_identifier("arxiv", recorded.OAI_ID).get()
    summary = SummaryFactory(author=alice, paper=paper)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "version-notice" not in page and "current version" in page

    recorded.harvest(network, recorded.oai_v2(shared_fixtures))
    page = client.get(summary.get_absolute_url()).content.decode()
    assert NOTICE in page
    assert "What changed in the paper's comments" in page
    assert '<ins><span class="visually-hidden">[added: </span>; v2: References added' in page
    assert "It still holds" not in page  # a visitor: no confirm button
    paper_page = client.get(paper.get_absolute_url()).content.decode()
    assert "for v1, an earlier version" in paper_page


def test_the_notice_diffs_abstract_and_title_word_by_word(client, v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    import_v2()
    page = client.get(summary.get_absolute_url()).content.decode()
    assert NOTICE in page
    assert "What changed in the paper's abstract and comments" in page
    assert "and a second thing" in page
    assert '<del><span class="visually-hidden">[removed: </span>10' in page


def test_without_v1_text_the_notice_links_to_arxiv(client, alice):
    paper, _ = upsert_paper(arxiv_record(2))  # v1 known only by its date
    summary = SummaryFactory(author=alice, paper=paper)
    assert summary.paper_version.label == "v2"
    # As if written before v2 came: v1, whose text was never imported.
    Summary.objects.filter(pk=summary.pk).update(paper_version=paper.versions.get(number=1))
    page = client.get(summary.get_absolute_url()).content.decode()
    assert NOTICE in page
    assert "The text of v1 was not recorded here" in page
    assert "https://arxiv.org/abs/2101.00001v1" in page


def test_a_summary_of_unknown_version_shows_nothing(client, alice, v1_paper):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    Summary.objects.filter(pk=summary.pk).update(paper_version=None)
    import_v2()
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "version-notice" not in page and "version-badge" not in page


def test_home_cards_mark_outdated_summaries(client, v1_paper, alice):
    SummaryFactory(author=alice, paper=v1_paper)
    assert "current version" in client.get("/?tab=recent").content.decode()
    import_v2()
    assert "for v1, an earlier version" in client.get("/?tab=recent").content.decode()


# -- confirming and editing -------------------------------------------------------------


def test_the_writer_confirms_it_still_holds_and_the_notice_goes(client, v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    import_v2()
    client.force_login(alice)
    page = client.get(summary.get_absolute_url()).content.decode()
    assert "It still holds for v2" in page and confirm_url(summary) in page
    revisions = summary.revisions.count()
    for _ in range(2):  # a double submit is the same as one
        response = client.post(confirm_url(summary))
        assert response.status_code == 302 and response.url == summary.get_absolute_url()
    summary.refresh_from_db()
    assert summary.paper_version.label == "v2"
    assert summary.revisions.count() == revisions  # the text did not change
    page = client.get(summary.get_absolute_url()).content.decode()
    assert NOTICE not in page and "current version" in page


def test_editing_clears_the_notice(client, v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    import_v2()
    client.force_login(alice)
    response = client.post(
        reverse("summaries:write", args=[v1_paper.pk]),
        {"source": "Now covers the second thing too.", "visibility": "public"},
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.paper_version.label == "v2"
    assert NOTICE not in client.get(summary.get_absolute_url()).content.decode()


def test_confirming_is_a_csrf_protected_post(v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    import_v2()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(confirm_url(summary)).status_code == 403
    assert client.get(confirm_url(summary)).status_code == 405
    assert Summary.objects.get(pk=summary.pk).paper_version.label == "v1"


@pytest.mark.parametrize(
    "path",
    [
        "/summaries/999999/confirm-version",
        f"/summaries/{10**30}/confirm-version",
        f"/summaries/{2**63}/confirm-version",
        "/summaries/0/confirm-version",
    ],
)
def test_absurd_ids_are_not_found(client, alice, path):
    client.force_login(alice)
    assert client.post(path).status_code == 404


def test_hostile_paths_and_bodies_never_fail(client, v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    client.force_login(alice)
    for path in ("/summaries/-1/confirm-version", "/summaries/1%00/confirm-version",
                 "/summaries/abc/confirm-version"):  # fmt: skip
        assert client.post(path).status_code in (400, 404)
    body = "x=" + "%00" * 200_000 + "&y=%ED%A0%80"  # NULs, a lone surrogate's bytes
    response = client.post(
        confirm_url(summary), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (302, 400)  # a clear refusal at worst, never a 500


def test_no_one_else_may_confirm(client, v1_paper, alice, bob, carol):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    import_v2()
    assert client.post(confirm_url(summary)).status_code == 302  # to sign in
    for other in (carol, bob):  # a stranger, a moderator
        client.force_login(other)
        assert "It still holds" not in client.get(summary.get_absolute_url()).content.decode()
        assert client.post(confirm_url(summary)).status_code == 404
    assert Summary.objects.get(pk=summary.pk).paper_version.label == "v1"


def test_a_deleted_summary_cannot_be_confirmed(client, v1_paper, alice):
    summary = SummaryFactory(author=alice, paper=v1_paper)
    services.delete_summary(summary=summary, editor=alice)
    client.force_login(alice)
    assert client.post(confirm_url(summary)).status_code == 404


# -- cached pages -----------------------------------------------------------------------


def test_cached_pages_show_the_notice_once_a_new_version_is_harvested(
    client, network, shared_fixtures, alice, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    recorded.harvest(network, recorded.oai_v1(shared_fixtures))
    paper = Paper.objects.by_identifier("arxiv", recorded.OAI_ID).get()
    summary = SummaryFactory(author=alice, paper=paper)
    for url in (summary.get_absolute_url(), paper.get_absolute_url(), "/?tab=recent"):
        assert NOTICE not in client.get(url).content.decode()
        client.get(url)  # now served from the cache
    recorded.harvest(network, recorded.oai_v2(shared_fixtures))
    assert NOTICE in client.get(summary.get_absolute_url()).content.decode()
    paper_page = client.get(paper.get_absolute_url()).content.decode()
    assert "for v1, an earlier version" in paper_page and "1302.2146v2" in paper_page
    assert "for v1, an earlier version" in client.get("/?tab=recent").content.decode()
    # and the writer's confirmation reaches the cached pages too
    client.force_login(alice)
    client.post(confirm_url(summary))
    client.logout()
    assert NOTICE not in client.get(summary.get_absolute_url()).content.decode()
    assert "for v1, an earlier version" not in client.get("/?tab=recent").content.decode()


def test_the_paper_page_reads_versions_in_a_constant_number_of_queries(
    client, v1_paper, django_assert_max_num_queries, no_page_cache
):
    from precis.accounts.tests.factories import UserFactory

    for _ in range(3):
        SummaryFactory(author=UserFactory(), paper=v1_paper)
    import_v2()
    client.get(v1_paper.get_absolute_url())
    with django_assert_max_num_queries(60) as few:
        client.get(v1_paper.get_absolute_url())
    for _ in range(5):
        SummaryFactory(author=UserFactory(), paper=v1_paper)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(v1_paper.get_absolute_url())
