"""A reader starts their feed from someone else's public collection, on a 390 px phone
without JavaScript, and reads their picks with the reasons; the page passes axe."""

import pytest

from e2e.browsing import PHONE, no_sideways_scroll, sign_in
from e2e.test_every_page import AXE_RULES_OFF, AXE_RUN, _axe_source
from precis.accounts.tests.factories import UserFactory
from precis.collections import services as collections
from precis.foryou.models import Pick
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a feed for you passphrase"
TOPICS = {
    "protein": ["folding of amino acid chains", "protein contact maps", "residue embeddings"],
    "robot": ["robot locomotion rewards", "robot grasping policies", "legged robot control"],
}


def test_a_reader_seeds_their_feed_from_a_public_collection(live_server, browser, artifacts):
    writer = UserFactory(username="curator", display_name="Cora Curator", password=PASSWORD)
    UserFactory(username="reader", display_name="Rhea Reader", password=PASSWORD)
    papers = {
        topic: [
            PaperFactory(title=f"{words.capitalize()} study {n}", abstract=f"We study {words}.")
            for n, words in enumerate(phrases * 2)
        ]
        for topic, phrases in TOPICS.items()
    }
    SummaryFactory(author=writer, paper=papers["robot"][4], source="Legged robots, plainly.")
    public = collections.create_collection(
        owner=writer, title="Robots worth reading", visibility="public"
    )
    for paper in papers["robot"][:3]:
        collections.add_item(collection=public, paper=paper)
    base = live_server.url

    context, page = sign_in(browser, base, "reader", PASSWORD, viewport=PHONE, javascript=False)
    page.goto(f"{base}/for-you/")
    assert "nothing to learn from yet" in page.locator("main").inner_text()

    page.goto(f"{base}{public.get_absolute_url()}")
    page.get_by_role("button", name="Use this collection for my feed").click()
    assert "Your feed now learns from" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="In your feed").is_visible()

    page.goto(f"{base}/for-you/")
    main = page.locator("main").inner_text()
    assert "Because you chose the collection “Robots worth reading” for your feed" in main
    first = page.locator(".foryou-pick .card-title").first.inner_text()
    assert "robot" in first.lower()
    assert "Best summary by" in main
    assert Pick.objects.filter(reader__username="reader").count() == 9
    no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "for-you-phone.png"), full_page=True)

    page.get_by_role("button", name="Remove Robots worth reading from your feed").click()
    assert "no longer shapes your feed" in page.locator(".messages").inner_text()
    context.close()

    # axe needs JavaScript: the same page, at phone width, in a browser that runs it.
    axe = _axe_source()
    if axe:
        context, page = sign_in(browser, base, "reader", PASSWORD, viewport=PHONE)
        page.goto(f"{base}/for-you/")
        page.evaluate(axe)
        assert page.evaluate(AXE_RUN, list(AXE_RULES_OFF)) == []
        context.close()
