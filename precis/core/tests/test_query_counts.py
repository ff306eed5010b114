"""Every page issues a constant number of SQL queries, whatever the number of items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from precis.accounts.tests.factories import UserFactory
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services
from precis.summaries.tests.factories import SummaryFactory
from precis.testing import PAPER_PAGE_QUERY_BUDGET, QUERY_BUDGET

pytestmark = pytest.mark.django_db


def add_items(count, *, writer, paper, venue):
    """``count`` more summaries: on one paper, by one writer, across papers of one venue."""
    for _ in range(count):
        voter = UserFactory()
        on_paper = SummaryFactory(paper=paper, author=UserFactory())
        by_writer = SummaryFactory(author=writer, paper=PaperFactory(venue=venue, year=2017))
        services.cast_vote(voter=voter, summary=on_paper, value=1)
        services.cast_vote(voter=voter, summary=by_writer, value=1)
    return on_paper


def query_count(client, path, visitor):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, REMOTE_ADDR=visitor)  # a new visitor: views get counted
    assert response.status_code in (200, 302), path
    return len(queries)


PAGES = [
    "/",
    "/?tab=recent",
    "/?tab=best&field=cs",
    "{paper}",
    "/venues/",
    "/venues/icml/",
    "/venues/icml/2017/",
    "/u/writer/",
    "/users/",
    "{summary}",
    "{summary}history",
    "/about/",
]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
@pytest.mark.parametrize("page", PAGES)
def test_it_makes_the_same_number_of_queries_for_few_and_many_items(
    client, django_assert_max_num_queries, page, signed_in, no_page_cache
):
    venue = VenueFactory(key="icml")
    writer = UserFactory(username="writer")
    paper = PaperFactory(venue=venue, year=2017)
    if signed_in:
        client.force_login(UserFactory())
    summary = add_items(2, writer=writer, paper=paper, venue=venue)
    path = page.format(paper=paper.get_absolute_url(), summary=summary.get_absolute_url())
    query_count(client, path, visitor="192.0.2.0")  # creates today's view counter row
    few = query_count(client, path, visitor="192.0.2.1")
    add_items(8, writer=writer, paper=paper, venue=venue)
    budget = PAPER_PAGE_QUERY_BUDGET if page in ("{paper}", "{summary}") else QUERY_BUDGET
    with django_assert_max_num_queries(budget):
        many = query_count(client, path, visitor="192.0.2.2")
    assert many == few, f"{path}: {few} queries with 2 items, {many} with 10"


@pytest.mark.parametrize("page", ["{write}", "/settings/", "/random"])
def test_writer_pages_make_a_constant_number_of_queries(
    client, django_assert_max_num_queries, page
):
    venue = VenueFactory(key="icml")
    writer = UserFactory(username="writer")
    paper = PaperFactory(venue=venue, year=2017)
    client.force_login(writer)
    path = page.format(write=f"/papers/{paper.pk}/write")
    add_items(2, writer=writer, paper=paper, venue=venue)
    few = query_count(client, path, visitor="192.0.2.1")
    add_items(8, writer=writer, paper=paper, venue=venue)
    with django_assert_max_num_queries(QUERY_BUDGET):
        many = query_count(client, path, visitor="192.0.2.2")
    assert many == few, f"{path}: {few} queries with 2 items, {many} with 10"
