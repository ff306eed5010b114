"""A long paper page stays readable: a jump list of its summaries, long ones collapsed,
related papers beside them, and an outline without skipped heading levels."""

import re

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.core.tests.test_home_writing import assert_no_skipped_levels
from precis.papers.models import RelatedPaper
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

LONG_SOURCE = "\n\n".join(
    f"## Part {n}\n\nParagraph {n} explains the residual idea $F(x) + x$ at length, "
    "with enough words to fill a screen on a phone and then some more words." * 2
    for n in range(12)
)


def body(client, paper):
    return client.get(paper.get_absolute_url()).content.decode()


def test_a_paper_with_several_summaries_opens_with_a_jump_list(client):
    paper = PaperFactory()
    best = SummaryFactory(
        paper=paper,
        author=UserFactory(username="mara_k"),
        source="**Summary.**\n\nResidual blocks learn $F(x) = H(x) - x$ [see](https://x.org).",
    )
    other = SummaryFactory(paper=paper, anonymous=True, source="A shorter take on it.")
    for _ in range(3):
        services.cast_vote(voter=UserFactory(), summary=best, value=1)
    page = body(client, paper)
    jumps = page[
        page.index('class="summary-jumps"') : page.index("</nav>", page.index("summary-jumps"))
    ]
    assert jumps.index(f'href="#summary-{best.pk}"') < jumps.index(f'href="#summary-{other.pk}"')
    assert best.author.public_name in jumps and "Anonymous" in jumps
    assert "▲</span> 3" in jumps
    # the first real paragraph, with its math, but no link inside the jump link
    assert "Residual blocks learn" in jumps and "<math" in jumps
    assert "x.org" not in jumps and "Summary.</strong></span>" not in jumps
    assert f'id="summary-{best.pk}"' in page and f'id="summary-{other.pk}"' in page


def test_one_summary_needs_no_jump_list(client):
    paper = PaperFactory()
    SummaryFactory(paper=paper)
    assert "summary-jumps" not in body(client, paper)


def test_a_long_summary_is_collapsed_with_a_link_to_all_of_it(client):
    paper = PaperFactory()
    long = SummaryFactory(paper=paper, source=LONG_SOURCE)
    short = SummaryFactory(paper=paper, source="Short and sweet.")
    page = body(client, paper)
    assert page.count("data-collapsible") == 1
    assert f'id="summary-text-{long.pk}"' in page
    start = page.index("data-collapsible")
    collapsed = page[start : page.index("</article>", start)]
    assert f'id="summary-{short.pk}"' in page
    # Without JavaScript the link opens the summary's own page, where it is whole.
    assert f'href="{long.get_absolute_url()}" data-expand>Read the whole summary' in collapsed
    assert "Paragraph 11" in collapsed  # all the text is there, only clipped
    whole = client.get(long.get_absolute_url()).content.decode()
    assert "data-collapsible" not in whole and "Paragraph 11" in whole


def test_related_papers_and_collections_sit_in_an_aside(client):
    paper = PaperFactory()
    neighbour = PaperFactory(title="A neighbouring paper")
    RelatedPaper.objects.create(paper=paper, related=neighbour, score=0.9, reason="text")
    page = body(client, paper)
    aside = page[page.index('<aside class="paper-aside"') : page.index("</aside>")]
    assert "Related papers" in aside and "A neighbouring paper" in aside


def test_no_aside_when_there_is_nothing_to_put_in_it(client):
    assert "paper-aside" not in body(client, PaperFactory())


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_paper_page_outline_has_no_skipped_levels(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    paper = PaperFactory()
    neighbour = PaperFactory()
    RelatedPaper.objects.create(paper=paper, related=neighbour, score=0.9, reason="text")
    SummaryFactory(paper=paper, source="# Idea\n\nText.\n\n## Detail\n\nMore text.")
    SummaryFactory(paper=paper, source=LONG_SOURCE)
    page = body(client, paper)
    assert_no_skipped_levels(page)
    assert_no_skipped_levels(body(client, PaperFactory()))  # and with no summary


def test_the_venue_page_has_a_heading_above_its_cards(client):
    paper = PaperFactory()
    SummaryFactory(paper=paper)
    page = client.get(paper.venue.get_absolute_url()).content.decode()
    assert_no_skipped_levels(page)
    assert re.search(r"<h3 class=\"card-title\"", page)


def test_the_summary_page_outline_has_no_skipped_levels(client):
    summary = SummaryFactory(source="# Idea\n\nText.\n\n## Detail\n\nMore text.")
    assert_no_skipped_levels(client.get(summary.get_absolute_url()).content.decode())
