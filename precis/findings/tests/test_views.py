"""The pages: a paper's Findings section and header links, a finding's own page, the
form to report one, the lists; with the rules about who sees and does what."""

import pytest
from django.test import Client
from django.urls import reverse

from precis.accounts import services as accounts
from precis.findings import services
from precis.findings.models import Finding, FindingReply
from precis.lib.moderation import ModerationState
from precis.papers.tests.factories import PaperFactory

from .factories import FindingFactory, ReplyFactory, unverified_claimant, verified_author

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return PaperFactory(title="Deep residual learning")


@pytest.fixture
def finding(alice, paper):
    return FindingFactory(
        author=alice, paper=paper, title="Equation four drops a factor", paper_version="v2"
    )


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# -- the paper page --------------------------------------------------------------------


def test_the_paper_page_lists_findings_open_first_with_badges(alice, bob, paper):
    resolved = FindingFactory(author=alice, paper=paper, title="Old typo, since fixed")
    services.change_status(finding=resolved, by=alice, to="resolved")
    FindingFactory(author=alice, paper=paper, title="Table 2 does not reproduce",
                   kind="failed_reproduction")  # fmt: skip
    body = page(Client(), paper.get_absolute_url())
    assert 'id="findings"' in body
    assert "2 findings" in body
    assert body.index("Table 2 does not reproduce") < body.index("Old typo, since fixed")
    assert "Failed reproduction" in body
    assert "finding-status-resolved" in body
    assert reverse("findings:paper_feed", args=[paper.pk]) in body


def test_a_signed_out_reader_is_asked_to_sign_in_to_report(paper):
    body = page(Client(), paper.get_absolute_url())
    assert "Sign in to report a finding" in body


def test_code_links_appear_in_the_paper_header(alice, paper):
    FindingFactory(
        author=alice, paper=paper, kind="code_data", title="Official code",
        source="", link_url="https://github.com/example/resnet",
    )  # fmt: skip
    disputed = FindingFactory(
        author=alice, paper=paper, kind="code_data", title="Unofficial port",
        source="", link_url="https://example.org/disputed-port",
    )  # fmt: skip
    services.change_status(finding=disputed, by=alice, to="withdrawn")
    body = page(Client(), paper.get_absolute_url())
    start = body.index('class="paper-head"')
    header = body[start : body.index("</header>", start)]
    assert 'href="https://github.com/example/resnet"' in header
    assert 'rel="nofollow ugc noopener"' in header
    assert "disputed-port" not in header


def test_a_new_finding_shows_at_once_on_a_cached_paper_page(alice, paper, settings):
    settings.PAGE_CACHE_SECONDS = 300
    reader = Client()
    first = page(reader, paper.get_absolute_url())
    assert "Brand new erratum" not in first
    assert page(reader, paper.get_absolute_url()) == first  # now from the page cache
    writer = Client()
    writer.force_login(alice)
    response = writer.post(
        reverse("findings:new", args=[paper.pk]),
        {"kind": "code_data", "title": "Brand new erratum", "link_url": "https://example.org/c"},
    )
    assert response.status_code == 302
    body = page(reader, paper.get_absolute_url())
    assert "Brand new erratum" in body
    assert 'href="https://example.org/c"' in body  # the cached header fragment too


# -- a finding's own page --------------------------------------------------------------


def test_the_finding_page_shows_evidence_thread_and_history(alice, bob, carol, finding, paper):
    ReplyFactory(author=carol, finding=finding, source="I see it too, with $x_1$.")
    dana = verified_author(paper)
    services.post_reply(author=dana, finding=finding, source="Confirmed; fixed in v3.",
                        status="confirmed")  # fmt: skip
    body = page(Client(), finding.get_absolute_url())
    assert "Equation four drops a factor" in body
    assert "v2" in body and "<math" in body
    assert "I see it too" in body and "Confirmed; fixed in v3." in body
    assert body.count('class="badge badge-author"') == 1
    assert "open → <strong>confirmed</strong>" in body
    assert "(author of the paper)" in body


def test_an_unverified_claimants_reply_is_not_marked_author(finding, paper):
    erin = unverified_claimant(paper)
    ReplyFactory(author=erin, finding=finding, source="I am an author, trust me.")
    body = page(Client(), finding.get_absolute_url())
    assert "trust me" in body
    assert "badge-author" not in body


def test_a_verified_author_sees_the_status_choices_in_the_reply_form(finding, paper):
    dana = verified_author(paper)
    client = Client()
    client.force_login(dana)
    body = page(client, finding.get_absolute_url())
    assert 'name="status" id="reply-status"' in body
    assert 'value="confirmed"' in body and 'value="disputed"' in body
    assert "finding-status-direct" not in body  # an author's change comes with a reply


def test_a_stranger_sees_no_status_controls(carol, finding):
    client = Client()
    client.force_login(carol)
    body = page(client, finding.get_absolute_url())
    assert "reply-status" not in body and "finding-status-direct" not in body
    response = client.post(reverse("findings:status", args=[finding.pk]), {"status": "resolved"})
    assert response.status_code == 404
    finding.refresh_from_db()
    assert finding.status == "open"


def test_the_reporter_withdraws_through_the_page(alice, finding):
    client = Client()
    client.force_login(alice)
    response = client.post(reverse("findings:status", args=[finding.pk]), {"status": "withdrawn"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "withdrawn"


def test_an_author_replies_and_confirms_through_the_page(finding, paper):
    dana = verified_author(paper)
    client = Client()
    client.force_login(dana)
    response = client.post(
        reverse("findings:reply", args=[finding.pk]),
        {"source": "We confirm it.", "status": "confirmed"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "confirmed"
    assert FindingReply.objects.get().by_paper_author


def test_hidden_and_deleted_findings_are_404_to_others(alice, bob, carol, paper):
    hidden = FindingFactory(author=alice, paper=paper, title="Hidden one")
    services.set_moderation(thing=hidden, state=ModerationState.HIDDEN, reason="Spam")
    deleted = FindingFactory(author=alice, paper=paper, title="Deleted one")
    services.delete_finding(finding=deleted, editor=bob)
    visitor, stranger = Client(), Client()
    stranger.force_login(carol)
    for client in (visitor, stranger):
        assert client.get(hidden.get_absolute_url()).status_code == 404
        assert client.get(deleted.get_absolute_url()).status_code == 404
        body = page(client, paper.get_absolute_url())
        assert "Hidden one" not in body and "Deleted one" not in body
    owner = Client()
    owner.force_login(alice)
    body = page(owner, hidden.get_absolute_url())
    assert "Hidden by a moderator" in body
    assert owner.get(deleted.get_absolute_url()).status_code == 404


def test_muted_peoples_findings_and_replies_are_left_out_for_the_muter(
    alice, carol, finding, paper
):
    ReplyFactory(author=carol, finding=finding, source="Carol's reply words")
    FindingFactory(author=carol, paper=paper, title="Carol's own finding")
    accounts.mute(who=alice, whom=carol)
    client = Client()
    client.force_login(alice)
    assert "Carol's own finding" not in page(client, paper.get_absolute_url())
    assert "Carol&#x27;s reply words" not in page(client, finding.get_absolute_url())
    assert "Carol" not in page(client, reverse("findings:list"))


# -- the form --------------------------------------------------------------------------


def test_the_form_needs_an_account(paper):
    response = Client().get(reverse("findings:new", args=[paper.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_bad_submission_keeps_what_was_typed(alice, paper):
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse("findings:new", args=[paper.pk]),
        {"kind": "code_data", "title": "My code", "link_url": "javascript:alert(1)",
         "source": "Words I typed carefully"},
    )  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "https://" in body and "Words I typed carefully" in body
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "erratum", "title": "Huge", "source": "x" * 200_000},
        {"kind": "erratum", "title": "Nul\x00", "source": "\x00\x00"},
        {"kind": "nonsense", "title": "Kind", "source": "x"},
        {"kind": "erratum", "title": "t" * 5000, "source": "y"},
        {"kind": "erratum", "title": "Version", "source": "y", "paper_version": "\x1bv" * 50},
        {"kind": "erratum", "title": "\x01\x02\x1b", "source": "y"},
    ],
)
def test_hostile_submissions_get_a_clear_error_not_a_500(alice, paper, fields):
    client = Client()
    client.force_login(alice)
    response = client.post(reverse("findings:new", args=[paper.pk]), fields)
    # The site turns away a NUL anywhere in a request (400); the form explains the rest.
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert 'role="alert"' in response.content.decode()
    assert not Finding.objects.exists()


def test_a_lone_surrogate_is_stored_as_valid_text(alice, paper):
    client = Client()
    client.force_login(alice)
    lone = "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")
    response = client.post(
        reverse("findings:new", args=[paper.pk]),
        {"kind": "erratum", "title": f"Odd {lone} title", "source": f"Text {lone}."},
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    finding.title.encode("utf-8")  # no surrogate left to fail here
    finding.source.encode("utf-8")


def test_a_double_submitted_form_makes_one_finding(alice, paper):
    client = Client()
    client.force_login(alice)
    data = {"kind": "erratum", "title": "Twice", "source": "Clicked twice."}
    first = client.post(reverse("findings:new", args=[paper.pk]), data)
    second = client.post(reverse("findings:new", args=[paper.pk]), data)
    assert first.url == second.url
    assert Finding.objects.count() == 1


def test_the_forms_need_a_csrf_token(alice, finding, paper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = reverse("findings:new", args=[paper.pk])
    assert client.post(url, {"kind": "erratum", "title": "x", "source": "y"}).status_code == 403
    assert (
        client.post(reverse("findings:reply", args=[finding.pk]), {"source": "hi"}).status_code
        == 403
    )


def test_reporting_is_rate_limited(alice, paper):
    client = Client()
    client.force_login(alice)
    url = reverse("findings:new", args=[paper.pk])
    codes = [
        client.post(url, {"kind": "erratum", "title": f"Typo {n}", "source": "y"}).status_code
        for n in range(services.FINDING.count + 1)
    ]
    assert codes[-1] == 429
    assert Finding.objects.count() == services.FINDING.count


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "9223372036854775808", "2147483648"])
def test_absurd_ids_are_404(alice, pk):
    client = Client()
    client.force_login(alice)
    for url in (f"/findings/{pk}/", f"/findings/papers/{pk}/", f"/findings/papers/{pk}/new",
                f"/feeds/papers/{pk}/findings.atom"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(f"/findings/{pk}/replies", {"source": "x"}).status_code == 404
    assert client.post(f"/findings/{pk}/status", {"status": "open"}).status_code == 404


# -- lists ------------------------------------------------------------------------------


def test_the_site_list_filters_by_kind_and_status(alice, paper):
    FindingFactory(author=alice, paper=paper, title="An erratum here")
    FindingFactory(author=alice, paper=paper, title="A citation there", kind="citation")
    client = Client()
    assert "A citation there" in page(client, "/findings/?kind=citation")
    assert "An erratum here" not in page(client, "/findings/?kind=citation")
    assert "An erratum here" not in page(client, "/findings/?status=resolved")
    body = page(client, "/findings/?kind=bogus&status=" + "x" * 300 + "&page=99999999999")
    assert "An erratum here" in body


def test_the_paper_list_pages_and_follows_merges(alice, paper):
    from precis.papers.services import merge_papers

    duplicate = PaperFactory()
    duplicate_id = duplicate.pk
    FindingFactory(author=alice, paper=duplicate, title="Moved with the merge")
    merge_papers(duplicate=duplicate, into=paper)
    client = Client()
    response = client.get(f"/findings/papers/{duplicate_id}/")
    assert response.status_code == 301
    assert "Moved with the merge" in page(client, response.url)


def test_list_pages_cost_a_fixed_number_of_queries(
    alice, paper, django_assert_max_num_queries, no_page_cache
):
    for n in range(12):
        FindingFactory(author=alice, paper=paper, title=f"Finding number {n}")
    client = Client()
    with django_assert_max_num_queries(12):
        page(client, reverse("findings:paper", args=[paper.pk]))
    with django_assert_max_num_queries(12):
        page(client, reverse("findings:list"))
