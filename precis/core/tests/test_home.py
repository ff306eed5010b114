import pytest
from django.urls import reverse

from precis.accounts.tests.factories import UserFactory
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def titles_in_order(body, titles):
    return sorted(titles, key=body.index)


def test_the_tabs_order_summaries_differently(client):
    old = SummaryFactory(paper=PaperFactory(title="Old loved"), source="old")
    new = SummaryFactory(paper=PaperFactory(title="New modest"), source="new")
    Summary.objects.filter(pk=old.pk).update(published_at=new.published_at.replace(year=2020))
    old.refresh_from_db()
    for _ in range(5):
        services.cast_vote(voter=UserFactory(), summary=old, value=1)
    titles = ["Old loved", "New modest"]
    best = client.get("/?tab=best").content.decode()
    recent = client.get("/?tab=recent").content.decode()
    popular = client.get("/").content.decode()
    assert titles_in_order(best, titles) == ["Old loved", "New modest"]
    assert titles_in_order(recent, titles) == ["New modest", "Old loved"]
    assert titles_in_order(popular, titles) == ["New modest", "Old loved"]


def test_the_field_filter_uses_arxiv_categories(client):
    SummaryFactory(paper=PaperFactory(title="A vision paper", categories=["cs.CV"]))
    SummaryFactory(paper=PaperFactory(title="A physics paper", categories=["hep-th"]))
    SummaryFactory(paper=PaperFactory(title="A biology paper", categories=["q-bio.NC"]))
    physics = client.get("/?field=physics").content.decode()
    assert "A physics paper" in physics and "A vision paper" not in physics
    biology = client.get("/?field=bio").content.decode()
    assert "A biology paper" in biology and "A physics paper" not in biology
    everything = client.get("/?field=nonsense").content.decode()
    assert all(t in everything for t in ["A vision paper", "A physics paper", "A biology paper"])


def test_the_home_page_paginates(client, settings):
    settings.SUMMARIES_PER_PAGE = 2
    for n in range(5):
        SummaryFactory(paper=PaperFactory(title=f"Paper number {n}"))
    first = client.get("/?tab=recent").content.decode()
    third = client.get("/?tab=recent&page=3").content.decode()
    assert "Page 1 of 3" in first
    assert "Paper number 0" in third
    assert client.get("/?page=banana").status_code == 200


def test_cards_show_excerpts_with_math_and_a_permalink(client):
    summary = SummaryFactory(source="We minimise $\\|Wx - b\\|^2$ over $W$.\n\nMore text.")
    body = client.get("/").content.decode()
    assert "<math" in body
    assert summary.get_absolute_url() in body


def test_random_redirects_to_a_public_summary_or_home(client):
    assert client.get("/random").url == reverse("core:home")
    summary = SummaryFactory()
    assert client.get("/random").url == summary.get_absolute_url()


def test_the_about_page_explains_how_to_write(client):
    body = client.get("/about/").content.decode()
    assert "How to write a good summary" in body
