"""View counts count readers, not User-Agents: by account, else by address (IPv6 by /64),
with a daily cap per reader; through the real paper and summary pages."""

import pytest
from django.db import connection, transaction
from django.test import Client

from precis.accounts.tests.factories import UserFactory
from precis.lib import visitors
from precis.papers.models import Paper
from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def reader(address: str, agent: str = "Firefox", **headers) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers)


def paper_views(paper) -> int:
    return Paper.objects.get(pk=paper.pk).views


def summary_views(summary) -> int:
    return Summary.objects.get(pk=summary.pk).views


def test_rotating_the_user_agent_from_one_address_counts_once(alice):
    paper, summary = PaperFactory(), SummaryFactory(author=alice)
    for n in range(5):
        client = reader("203.0.113.7", agent=f"bot {n}")
        assert client.get(paper.get_absolute_url()).status_code == 200
        assert client.get(summary.get_absolute_url()).status_code == 200
    assert paper_views(paper) == 1
    assert summary_views(summary) == 1


def test_two_addresses_count_twice(alice):
    paper, summary = PaperFactory(), SummaryFactory(author=alice)
    for address in ("203.0.113.7", "198.51.100.8", "203.0.113.7"):
        reader(address).get(paper.get_absolute_url())
        reader(address).get(summary.get_absolute_url())
    assert paper_views(paper) == 2
    assert summary_views(summary) == 2


def test_an_ipv6_network_counts_as_one_reader_and_another_network_as_another(alice):
    summary = SummaryFactory(author=alice)
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"):
        reader(address).get(summary.get_absolute_url())
    assert summary_views(summary) == 2


def test_signed_in_readers_count_by_account_whatever_their_address(alice):
    paper, summary = PaperFactory(), SummaryFactory(author=alice)
    one, two = UserFactory(), UserFactory()
    for user, address in ((one, "203.0.113.7"), (one, "198.51.100.8"), (two, "203.0.113.7")):
        client = reader(address, agent=f"agent of {address}")
        client.force_login(user)
        client.get(paper.get_absolute_url())
        client.get(summary.get_absolute_url())
    assert paper_views(paper) == 2
    assert summary_views(summary) == 2


def test_behind_a_trusted_proxy_it_counts_the_forwarded_client_and_no_forged_one(settings, alice):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    summary = SummaryFactory(author=alice)
    for client_address in ("203.0.113.7", "198.51.100.8", "203.0.113.7"):
        # a client's own X-Forwarded-For entry (left of what nginx appended) is not believed
        forwarded = f"192.0.2.{len(client_address)}, {client_address}"
        reader("10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).get(summary.get_absolute_url())
    assert summary_views(summary) == 2
    # straight from the internet, a forged header changes nothing
    for n in range(3):
        reader("192.0.2.50", HTTP_X_FORWARDED_FOR=f"198.18.0.{n}").get(summary.get_absolute_url())
    assert summary_views(summary) == 3


def test_one_address_counts_at_most_the_daily_cap_of_papers(monkeypatch):
    monkeypatch.setattr(visitors, "DAILY_COUNTED_VISITS", 3)
    papers = PaperFactory.create_batch(5)
    for paper in papers:
        reader("203.0.113.7").get(paper.get_absolute_url())
    assert sum(paper_views(paper) for paper in papers) == 3
    # another reader is not held back by that one's cap, nor are summaries
    reader("198.51.100.8").get(papers[-1].get_absolute_url())
    assert paper_views(papers[-1]) == 1


def test_the_cap_is_per_kind_of_object(monkeypatch, alice):
    monkeypatch.setattr(visitors, "DAILY_COUNTED_VISITS", 1)
    papers = PaperFactory.create_batch(2)
    summary = SummaryFactory(author=alice)
    for paper in papers:
        reader("203.0.113.7").get(paper.get_absolute_url())
    reader("203.0.113.7").get(summary.get_absolute_url())
    assert sum(paper_views(paper) for paper in papers) == 1
    assert summary_views(summary) == 1


@pytest.mark.parametrize(
    "address",
    ["", "not an address", "\x00", "::ffff:203.0.113.7", "x" * 200_000, "fe80::1%eth0", "🙂"],
)
def test_odd_addresses_still_get_the_page_and_count_once(address, alice):
    summary = SummaryFactory(author=alice)
    for agent in ("a", "b"):
        assert reader(address, agent=agent).get(summary.get_absolute_url()).status_code == 200
    assert summary_views(summary) == 1


def test_readers_are_named_by_account_address_or_ipv6_network():
    assert visitors.network_of("203.0.113.7") == "203.0.113.7"
    assert visitors.network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert visitors.network_of("::ffff:203.0.113.7") == "203.0.113.7"
    assert len(visitors.network_of("x" * 10_000)) == visitors.MAX_ADDRESS_CHARS


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_count_alone_does_not_wait_for_the_disk_and_nothing_else_is_touched():
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's; SQLite has no such setting")
    with visitors.counting_transaction():
        assert synchronous_commit() == "off"
    assert synchronous_commit() == "on"
    # Within a request's transaction that writes more than a count:
    with transaction.atomic(), visitors.counting_transaction():
        assert synchronous_commit() == "on"


def test_a_returning_reader_is_turned_away_without_asking_the_cache(alice, monkeypatch):
    summary = SummaryFactory(author=alice)
    reader("203.0.113.7").get(summary.get_absolute_url())
    asked = []
    monkeypatch.setattr(visitors.cache, "add", lambda *args, **kwargs: asked.append(args))
    for _ in range(3):
        reader("203.0.113.7").get(summary.get_absolute_url())
    assert asked == []
    assert summary_views(summary) == 1


def test_a_process_that_has_not_seen_the_visit_still_counts_it_once(alice):
    """As another app process sharing the cache would: the cache's mark decides."""
    summary = SummaryFactory(author=alice)
    reader("203.0.113.7").get(summary.get_absolute_url())
    visitors.forget_marks()
    reader("203.0.113.7").get(summary.get_absolute_url())
    assert summary_views(summary) == 1
    reader("198.51.100.8").get(summary.get_absolute_url())
    assert summary_views(summary) == 2
