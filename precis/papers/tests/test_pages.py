import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from precis.accounts.tests.factories import UserFactory
from precis.importers.arxiv.parse import unwrap_capture
from precis.importers.base import PaperRecord
from precis.papers.models import Identifier
from precis.papers.services import upsert_paper
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resnet():
    paper, _ = upsert_paper(
        PaperRecord(
            title="Deep Residual Learning for Image Recognition",
            authors=["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"],
            year=2016,
            categories=["cs.CV"],
            identifiers={
                "arxiv": "1512.03385",
                "bibtex": "journals/corr/HeZRS15",
                "doi": "10.1109/CVPR.2016.90",
                "dblp": "conf/cvpr/HeZRS16",
            },
        )
    )
    return paper


@pytest.mark.parametrize(
    "path",
    [
        "/arxiv/1512.03385",
        "/arxiv/1512.03385v2",
        "/arxiv/arXiv:1512.03385",
        "/arxiv/arXiv:1512.03385v1",
        "/arxiv/https://arxiv.org/abs/1512.03385",
        "/arxiv/https:/arxiv.org/abs/1512.03385v2",
        "/arxiv/http://arxiv.org/pdf/1512.03385v1.pdf",
        "/doi/10.1109/CVPR.2016.90",
        "/doi/10.1109/cvpr.2016.90",
        "/doi/https://doi.org/10.1109/CVPR.2016.90",
        "/dblp/conf/cvpr/HeZRS16",
        "/paper?bibtexKey=journals/corr/HeZRS15",
        "/paper?bibtexKey=journals%2Fcorr%2FHeZRS15",
        "/papers/{pk}/",
        "/papers/{pk}/wrong-slug/",
    ],
)
def test_every_identifier_form_redirects_to_the_canonical_page(client, resnet, path):
    response = client.get(path.format(pk=resnet.pk))
    assert response.status_code in (301, 302)
    assert response.url == resnet.get_absolute_url()
    assert client.get(response.url).status_code == 200


def test_an_id_that_arxiv_does_not_know_gets_a_helpful_404(client, network, shared_fixtures):
    empty = unwrap_capture(
        (shared_fixtures / "arxiv_api/arxivpy_2026_id_0000.0000_empty.json").read_bytes()
    )
    network.route("https://export.arxiv.org/api/query", empty)
    response = client.get("/arxiv/1706.03762")
    body = response.content.decode()
    assert response.status_code == 404
    assert "We could not find this paper" in body
    assert "arXiv has no paper with the id 1706.03762" in body
    assert "https://arxiv.org/abs/1706.03762" in body


def test_an_unreachable_source_gets_a_retry_page(client, network):
    import httpx

    network.fail("https://export.arxiv.org/", httpx.ConnectError("connection refused"))
    response = client.get("/arxiv/1706.03762")
    body = response.content.decode()
    assert response.status_code == 503
    assert "Could not reach export.arxiv.org" in body
    assert "Try again" in body


def test_a_source_that_is_down_holds_a_reader_briefly_then_not_at_all(client, network):
    """A reader's page tries the source twice, within its budget; once the source has
    failed often enough it rests, and the next readers are answered without asking it."""
    import httpx

    from precis.lib import safehttp

    network.fail("https://export.arxiv.org/", httpx.ConnectError("connection refused"))
    started = safehttp.clock()  # the test's clock: waiting moves it on without taking time
    assert client.get("/arxiv/1706.03762").status_code == 503
    assert safehttp.clock() - started < safehttp.WEB_REQUEST_SECONDS
    assert len(network.requests) == safehttp.WEB_REQUEST_RETRIES + 1
    assert client.get("/arxiv/1706.03763").status_code == 503
    asked = len(network.requests)
    assert asked >= safehttp.BREAKER_FAILURES
    response = client.get("/arxiv/1706.03764")
    assert response.status_code == 503
    assert "leaving it alone" in response.content.decode()
    assert len(network.requests) == asked


@pytest.mark.parametrize("path", ["/arxiv/1512.0338", "/doi/11.1/x", "/paper?bibtexKey="])
def test_a_malformed_identifier_gets_a_clear_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "is not a valid" in response.content.decode() or "empty" in response.content.decode()


def test_the_paper_page_shows_the_paper_as_the_original_did(client, resnet):
    resnet.abstract = "A long abstract. " * 40
    resnet.save()
    body = client.get(resnet.get_absolute_url()).content.decode()
    assert "Deep Residual Learning for Image Recognition" in body
    assert "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun" in strip_tags(body)
    assert 'id="abstract-toggle"' in body  # more/less works without JavaScript
    assert "https://arxiv.org/abs/1512.03385" in body
    assert "https://doi.org/10.1109/cvpr.2016.90" in body
    assert "No one has summarised this paper yet" in body


def test_the_paper_page_orders_summaries_best_first_with_math(client, resnet):
    voters = [UserFactory() for _ in range(4)]
    texts = ["Weak: $a$", "Best: $b_1$", "Middle: $$c^2$$"]
    summaries = [SummaryFactory(paper=resnet, source=text) for text in texts]
    for voter in voters:
        services.cast_vote(voter=voter, summary=summaries[1], value=1)
    services.cast_vote(voter=voters[0], summary=summaries[2], value=1)
    services.cast_vote(voter=voters[1], summary=summaries[0], value=-1)
    body = client.get(resnet.get_absolute_url()).content.decode()
    assert body.index("Best:") < body.index("Middle:") < body.index("Weak:")
    assert body.count("<math") >= 3
    assert "3 summaries" in body


def test_venue_pages_list_papers_with_summaries_by_year(client):
    venue = VenueFactory(key="icml", name="International Conference on Machine Learning")
    venue.description_html = "<p>The leading venue.</p>"
    venue.save()
    old = PaperFactory(venue=venue, year=2015, title="Old paper")
    new = PaperFactory(venue=venue, year=2017, title="New paper")
    PaperFactory(venue=venue, year=2017, title="Unexplained paper")
    SummaryFactory(paper=old)
    SummaryFactory(paper=new)
    listing = client.get(reverse("papers:venues")).content.decode()
    assert "International Conference on Machine Learning" in listing
    page = client.get(reverse("papers:venue", args=["icml"])).content.decode()
    assert "Old paper" in page and "New paper" in page
    assert "Unexplained paper" not in page
    assert "The leading venue." in page
    year_page = client.get(reverse("papers:venue_year", args=["icml", 2017])).content.decode()
    assert "New paper" in year_page and "Old paper" not in year_page
    assert 'href="/venues/icml/2015/"' in year_page


def test_a_venues_years_count_papers_with_summaries_others_may_find(client):
    venue = VenueFactory(key="icml")
    for title in ("First", "Second"):
        SummaryFactory(paper=PaperFactory(venue=venue, year=2017, title=title))
    SummaryFactory(paper=PaperFactory(venue=venue, year=2016), visibility="unlisted")
    held = SummaryFactory(paper=PaperFactory(venue=venue, year=2015))
    services.set_moderation(summary=held, state="held", reason="Held for review.")
    SummaryFactory(paper=PaperFactory(venue=VenueFactory(key="nips"), year=2014))
    page = client.get(reverse("papers:venue", args=["icml"])).content.decode()
    assert '2017 <span class="muted">(2)</span>' in page
    for year in (2014, 2015, 2016):
        assert f"/venues/icml/{year}/" not in page


def test_an_unknown_venue_is_a_404(client):
    assert client.get("/venues/nope/").status_code == 404


def test_upsert_merges_records_that_share_an_identifier(resnet):
    paper, created = upsert_paper(
        PaperRecord(title="ResNet", identifiers={"arxiv": "arXiv:1512.03385v3"}, abstract="New.")
    )
    assert (paper.pk, created) == (resnet.pk, False)
    assert paper.abstract == "New."
    assert Identifier.objects.filter(paper=resnet).count() == 4


def test_the_venue_list_shows_explained_venues_a_page_at_a_time(client, alice):
    from precis.papers.views import VENUES_PER_PAGE

    for n in range(VENUES_PER_PAGE + 2):
        venue = VenueFactory(key=f"conf{n:03d}", name=f"Conference {n:03d}")
        SummaryFactory(author=alice, paper=PaperFactory(venue=venue))
    VenueFactory(key="unexplained", name="Only imported papers")
    first = client.get("/venues/").text
    second = client.get("/venues/?page=2").text
    assert first.count('class="muted">conf') == VENUES_PER_PAGE
    assert second.count('class="muted">conf') == 2
    assert "Only imported papers" not in first + second
    assert 'rel="next"' in first


def test_a_paper_page_shows_its_summaries_a_page_at_a_time(client, alice):
    from precis.papers.views import SUMMARIES_ON_PAPER_PAGE

    paper = PaperFactory()
    for n in range(SUMMARIES_ON_PAPER_PAGE + 2):
        SummaryFactory(paper=paper, author=UserFactory(), source=f"Summary number {n}.")
    SummaryFactory(paper=paper, author=alice, visibility="private", source="A private draft.")
    client.force_login(alice)
    first = client.get(paper.get_absolute_url()).text
    second = client.get(paper.get_absolute_url() + "?page=2").text
    assert "13 summaries" in first  # twelve public ones and her own draft
    assert first.count("<p>Summary number") == SUMMARIES_ON_PAPER_PAGE
    assert second.count("<p>Summary number") + second.count("<p>A private draft") == 3
    assert "Edit your summary" in first and "Edit your summary" in second


def test_a_paper_page_shows_its_latest_questions_and_links_to_all(client, alice):
    from precis.discussions import services as discussions
    from precis.papers.views import QUESTIONS_ON_PAPER_PAGE

    paper = PaperFactory()
    for n in range(QUESTIONS_ON_PAPER_PAGE + 3):
        discussions.ask_question(author=alice, paper=paper, title=f"Question number {n:02d}?")
    page = client.get(paper.get_absolute_url()).text
    assert page.count("Question number") == QUESTIONS_ON_PAPER_PAGE
    assert f"?paper={paper.pk}" in page
    first = client.get(f"/questions/?paper={paper.pk}").text
    second = client.get(f"/questions/?paper={paper.pk}&page=2").text
    assert first.count("Question number") + second.count("Question number") == (
        QUESTIONS_ON_PAPER_PAGE + 3
    )
    assert "Questions about this paper" in first


def test_cards_name_the_first_authors_of_a_long_list_and_the_paper_page_names_them_all(client):
    names = [f"Writer Number{n:02}" for n in range(40)]
    paper = PaperFactory(title="A very collaborative paper", authors=names)
    SummaryFactory(paper=paper)

    home = client.get("/?tab=recent").content.decode()
    card_text = " ".join(strip_tags(home).split())
    assert "Writer Number05 and 34 more" in card_text
    assert "Writer Number06" not in home

    venue = client.get(paper.venue.get_absolute_url()).content.decode()
    assert "and 34 more" in " ".join(strip_tags(venue).split())

    page = client.get(paper.get_absolute_url()).content.decode()
    assert all(name in page for name in names)
    assert "34 more" not in page


def test_a_card_with_few_authors_names_them_all_and_no_more():
    paper = PaperFactory(authors=["One Author", "Two Author"])
    assert [a.name for a in paper.card_authors()] == ["One Author", "Two Author"]
    assert paper.authors_not_on_card() == 0
