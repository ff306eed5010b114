"""A new worker renders one page of each kind before it serves, and writes nothing doing so."""

import pytest
from django.test import Client

from precis import gunicorn_conf, warmup
from precis.core import generations
from precis.papers.models import Paper
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def test_it_renders_every_kind_of_signed_out_page_and_counts_no_view(alice):
    summary = SummaryFactory(author=alice)
    generation = generations.current()
    paths = warmup.paths_to_warm()
    assert summary.get_absolute_url() in paths
    assert summary.paper.get_absolute_url() in paths
    assert warmup.warm_up(seconds=30) == len(paths)
    assert Summary.objects.get(pk=summary.pk).views == 0
    assert Paper.objects.get(pk=summary.paper_id).views == 0
    assert generations.current() == generation  # cached pages survive a worker's start


def test_it_warms_an_empty_site_too(db):
    assert warmup.warm_up(seconds=30) == len(warmup.paths_to_warm())


def test_it_is_off_at_zero_seconds(settings, alice):
    settings.WARM_UP_SECONDS = 0
    SummaryFactory(author=alice)
    assert warmup.warm_up() == 0


def test_the_gunicorn_hook_warms_the_worker(monkeypatch, alice):
    seen = []
    monkeypatch.setattr(warmup, "paths_to_warm", lambda: seen.append(1) or ["/"])
    gunicorn_conf.post_worker_init(worker=None)
    assert seen == [1]


def test_no_client_can_pass_for_a_warm_up_request(alice):
    summary = SummaryFactory(author=alice)
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.get(summary.get_absolute_url(), headers={"precis.uncounted": "1"})
    assert Summary.objects.get(pk=summary.pk).views == 1
