"""With Redis, each process answers cached pages from its memory between rechecks
(generations.NearCopies): no round trip per hit, a write through another process seen
within SHARED_CACHE_RECHECK_SECONDS, one through this process at once, and never a copy
older than Redis would still serve."""

from collections import Counter

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from precis.core import generations
from precis.papers.models import Paper
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not django_settings.REDIS_URL, reason="copies near a shared cache need REDIS_URL"
    ),
]


@pytest.fixture
def redis_commands(monkeypatch):
    """Every command this process sends to Redis, by name."""
    sent = Counter()
    send = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent[args[0]] += 1
        return send(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


@pytest.fixture
def clocks(monkeypatch):
    """The near copies' two clocks, moved by hand: {"monotonic": s, "wall": s}."""
    now = {"monotonic": 1000.0, "wall": 1_800_000_000.0}
    monkeypatch.setattr(generations, "monotonic", lambda: now["monotonic"])
    monkeypatch.setattr(generations, "wall_clock", lambda: now["wall"])
    return now


def visitor():
    return Client(REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="reader")


def written_elsewhere(paper, title):
    """What another app process's write looks like from here: the rows and the shared
    generation change, and this process's advance() never runs."""
    Paper.objects.filter(pk=paper.pk).update(title=title)
    caches[generations.PAGES_CACHE].incr(generations.REDIS_KEY)


def test_a_held_page_is_served_without_asking_redis(redis_commands, clocks):
    url = PaperFactory(title="Held in memory").get_absolute_url()
    first = visitor().get(url)  # rendered and kept
    assert visitor().get(url).content == first.content  # read from Redis, held
    redis_commands.clear()
    again = visitor().get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert redis_commands["MGET"] == 0


def test_a_write_elsewhere_shows_after_the_recheck_and_not_before(clocks, settings):
    settings.SHARED_CACHE_RECHECK_SECONDS = 2
    paper = PaperFactory(title="The first title")
    url = paper.get_absolute_url()
    visitor().get(url)
    visitor().get(url)
    written_elsewhere(paper, "The second title")
    clocks["monotonic"] += 1.9
    assert "The first title" in visitor().get(url).content.decode()
    clocks["monotonic"] += 0.1
    assert "The second title" in visitor().get(url).content.decode()


def test_a_write_here_shows_at_once(clocks):
    paper = PaperFactory(title="The first title")
    url = paper.get_absolute_url()
    visitor().get(url)
    visitor().get(url)
    Paper.objects.filter(pk=paper.pk).update(title="The second title")
    generations.advance()
    assert "The second title" in visitor().get(url).content.decode()


def test_with_no_recheck_time_every_hit_asks_redis(redis_commands, settings):
    settings.SHARED_CACHE_RECHECK_SECONDS = 0
    url = PaperFactory().get_absolute_url()
    visitor().get(url)
    redis_commands.clear()
    visitor().get(url)
    visitor().get(url)
    assert redis_commands["MGET"] == 2


def test_a_held_copy_never_outlives_its_copy_in_redis(clocks, settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.SHARED_CACHE_RECHECK_SECONDS = 3600  # only the expiry can end it here
    paper = PaperFactory(title="The first title")
    url = paper.get_absolute_url()
    visitor().get(url)
    visitor().get(url)
    Paper.objects.filter(pk=paper.pk).update(title="The second title")
    clocks["wall"] += 59
    assert "The first title" in visitor().get(url).content.decode()
    clocks["wall"] += 1
    caches[generations.PAGES_CACHE].clear()  # what Redis does once the copy's 60 s are up
    assert "The second title" in visitor().get(url).content.decode()


def test_a_signed_in_readers_shared_copy_is_held_too(client, alice, carol, redis_commands, clocks):
    summary = SummaryFactory(author=alice, source="Words worth sharing.")
    url = summary.paper.get_absolute_url()
    client.force_login(carol)
    client.get(url)  # the shared copy is made
    client.get(url)  # read from Redis, held
    redis_commands.clear()
    response = client.get(url)
    assert response.status_code == 200
    assert "Words worth sharing." in response.content.decode()
    assert redis_commands["MGET"] == 0


def test_numbers_counted_after_redis_is_emptied_never_meet_remembered_ones():
    before = generations.current()
    for _ in range(3):
        generations.advance()
    caches[generations.PAGES_CACHE].clear()
    assert generations.current() > before + 3


def test_the_memory_is_bounded(clocks):
    near = generations.NearCopies(most_bytes=250)
    for number in range(3):
        page = {"generation": 7, "content": b"x" * 100, "expires_at": clocks["wall"] + 60}
        near.remember(near.epoch, 7, 1, f"page:{number}", page)
    assert near.lookup("page:0") is None
    assert near.lookup("page:1") is not None
    assert near.lookup("page:2") is not None


def test_by_default_the_memory_is_bounded_by_page_cache_mib(settings, clocks):
    settings.PAGE_CACHE_MIB = 1
    near = generations.NearCopies()
    for number in range(3):
        page = {"generation": 7, "content": b"x" * 400_000, "expires_at": clocks["wall"] + 60}
        near.remember(near.epoch, 7, 1, f"page:{number}", page)
    assert near.lookup("page:0") is None  # three would pass 1 MiB
    assert near.lookup("page:1") is not None
    assert near.lookup("page:2") is not None


def test_what_was_read_before_a_write_here_is_not_remembered(clocks):
    near = generations.NearCopies()
    epoch = near.epoch
    near.forget_generations()  # another thread of this process wrote meanwhile
    near.remember(epoch, 7, 1, "page:0", {"generation": 7, "expires_at": clocks["wall"] + 60})
    assert near.lookup("page:0") is None
