"""The benchmarks' synthetic corpus still fits the schema: its raw inserts name every
column that has no default, so a new field cannot silently break `make bench`."""

import importlib.util
from pathlib import Path

import pytest

from precis.papers.models import Paper
from precis.summaries.models import Summary

pytestmark = pytest.mark.django_db

SEARCH_BENCH = Path(__file__).resolve().parents[3] / "bench" / "search_bench.py"


def load_search_bench():
    spec = importlib.util.spec_from_file_location("search_bench", SEARCH_BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_search_benchmarks_corpus_builds_and_is_listed():
    load_search_bench().build_corpus(papers=60, summaries=12)
    assert Paper.objects.count() == 60
    assert Summary.objects.listed().count() == 12
