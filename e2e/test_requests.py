"""/requests/ in a real browser on a phone, without JavaScript: filter, claim a paper,
see the claim on the paper page, release it, ask for a summary from the list."""

import pytest

from e2e.browsing import PHONE, no_sideways_scroll, sign_in
from precis.accounts.tests.factories import UserFactory
from precis.papers import demand
from precis.papers.tests.factories import PaperFactory, VenueFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough test password"


def test_a_writer_claims_and_releases_a_requested_paper_on_a_phone_without_js(live_server, browser):
    icml = VenueFactory(key="icml", name="International Conference on Machine Learning")
    wanted = PaperFactory(title="Semi-supervised classification with graph networks", venue=icml)
    other = PaperFactory(title="A probability paper nobody explained", categories=["math.PR"])
    for paper in (wanted, other):
        demand.request_summary(requester=UserFactory(), paper=paper)
    UserFactory(username="writer", display_name="Ana Writer", password=PASSWORD)
    context, page = sign_in(
        browser, live_server.url, "writer", PASSWORD, viewport=PHONE, javascript=False
    )
    page.goto(f"{live_server.url}/requests/")
    no_sideways_scroll(page)
    page.get_by_label("Venue").select_option("icml")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "venue=icml" in page.url
    assert page.get_by_role("link", name=wanted.title, exact=True).is_visible()
    assert page.get_by_role("link", name=other.title, exact=True).count() == 0
    page.locator(f"#paper-{wanted.pk}").get_by_role("button", name="I’ll write it").click()
    page.wait_for_load_state()
    assert "venue=icml" in page.url  # back where the writer was
    assert page.get_by_text("You are writing a summary of this paper").is_visible()
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}{wanted.get_absolute_url()}")
    assert page.get_by_text("You are writing a summary of this paper").is_visible()
    page.get_by_role("button", name="Release my claim").click()
    page.wait_for_load_state()
    assert page.get_by_text("Released.").is_visible()
    page.goto(f"{live_server.url}/requests/")
    page.locator(f"#paper-{other.pk}").get_by_role("button", name="I want one too").click()
    page.wait_for_load_state()
    mine = page.locator(f"#paper-{other.pk}")
    assert mine.get_by_role("button", name="Withdraw my request").is_visible()
    context.close()
