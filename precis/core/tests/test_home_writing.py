"""The home page asks people to write: a call to action, the site's counts, papers waiting."""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from precis.accounts.tests.factories import UserFactory
from precis.core import services
from precis.papers import demand
from precis.papers.models import Paper
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

JOIN = "Join and write a summary"
WRITE = "Write a summary"


def outline(html):
    """The heading levels inside <main>, in order."""
    main = html[html.index("<main") : html.index("</main>")]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def assert_no_skipped_levels(html):
    levels = outline(html)
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} → h{after} in {levels}"


def wanted(title, *, requests=0, views=0):
    paper = PaperFactory(title=title)
    for _ in range(requests):
        demand.request_summary(requester=UserFactory(), paper=paper)
    if views:
        Paper.objects.filter(pk=paper.pk).update(views=views, demand=views)
    return paper


def test_a_visitor_is_asked_to_join_and_write(client):
    body = client.get("/").content.decode()
    assert JOIN in body and 'href="/accounts/signup/"' in body
    assert_no_skipped_levels(body)


def test_a_signed_in_reader_is_asked_to_write(client):
    client.force_login(UserFactory())
    body = client.get("/").content.decode()
    assert WRITE in body and JOIN not in body
    assert 'href="/papers/add"' in body


def test_the_counts_are_of_papers_listed_summaries_and_their_writers(client, no_page_cache):
    writer = UserFactory()
    SummaryFactory(author=writer)
    SummaryFactory(author=writer)
    SummaryFactory()
    SummaryFactory(visibility="private")  # neither a listed summary nor a writer
    PaperFactory()
    assert services.site_counts() == services.SiteCounts(papers=5, summaries=3, writers=2)
    body = client.get("/").content.decode()
    assert "<strong>5</strong> papers" in body
    assert "<strong>3</strong> summaries" in body
    assert "<strong>2</strong> writers" in body


def test_the_counts_are_kept_until_the_data_changes(client, django_assert_num_queries):
    SummaryFactory()
    assert services.site_counts().summaries == 1
    with django_assert_num_queries(0):
        services.site_counts()
    SummaryFactory()  # a write moves the data generation on
    assert services.site_counts().summaries == 2


def test_papers_waiting_for_a_summary_are_listed_most_wanted_first(client):
    wanted("Only seen", views=30)  # visits alone are no way onto the list (Requests)
    wanted("Asked once, seen a little", requests=1, views=3)
    wanted("Asked for", requests=2)
    explained = wanted("Asked for but explained", requests=5)
    SummaryFactory(paper=explained)
    body = client.get("/").content.decode()
    section = body[body.index('id="waiting-heading"') : body.index('id="stream-heading"')]
    assert section.index("Asked for") < section.index("Asked once, seen a little")
    assert "Asked for but explained" not in section and "Only seen" not in section
    assert "2 asked" in section and "3 visits" in section
    assert f"/papers/{explained.pk}/write" not in section


def test_the_waiting_list_is_only_on_the_first_page(client, settings):
    settings.SUMMARIES_PER_PAGE = 1
    SummaryFactory()
    SummaryFactory()
    wanted("Waiting paper", requests=1)
    assert "Waiting paper" in client.get("/").content.decode()
    assert "Waiting paper" not in client.get("/?page=2").content.decode()


def test_no_waiting_section_when_nothing_waits(client):
    SummaryFactory()
    assert 'id="waiting-heading"' not in client.get("/").content.decode()


def test_the_cached_signed_out_page_never_carries_a_readers_parts(client):
    reader = UserFactory(username="reader_with_a_name")
    wanted("Waiting paper", requests=1)
    signed_in = client.__class__()
    signed_in.force_login(reader)
    assert WRITE in signed_in.get("/").content.decode()
    first = client.get("/").content.decode()  # rendered for visitors, then kept
    again = client.get("/").content.decode()  # served from the page cache
    assert first == again
    for body in (first, again):
        assert JOIN in body and "reader_with_a_name" not in body
    # and a signed-in reader is never given the visitors' copy
    assert JOIN not in signed_in.get("/").content.decode()


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
def test_the_home_page_makes_the_same_number_of_queries_for_few_and_many(
    client, django_assert_max_num_queries, no_page_cache, signed_in
):
    if signed_in:
        client.force_login(UserFactory())

    def add(count):
        for n in range(count):
            SummaryFactory()
            wanted(f"Waiting {count} {n}", requests=1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(12)
    with django_assert_max_num_queries(14):
        many = queries()
    assert many == few


def test_headings_on_a_card_page_keep_the_outline(client):
    SummaryFactory()
    wanted("Waiting paper", requests=1)
    for path in ("/", "/?tab=best"):
        assert_no_skipped_levels(client.get(path).content.decode())


def test_a_new_request_reaches_the_cached_home_page(client):
    wanted("Asked for earlier", requests=1)
    assert "Newly asked for" not in client.get("/").content.decode()
    paper = PaperFactory(title="Newly asked for")
    reader = client.__class__()
    reader.force_login(UserFactory())
    reader.post(f"/papers/{paper.pk}/request", {"action": "request"})
    assert "Newly asked for" in client.get("/").content.decode()
