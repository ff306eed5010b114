""" "Did you mean": a vocabulary of indexed words kept in step with the index, and
corrections drawn from it, on whichever database the suite runs on."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.importers.base import AuthorName, PaperRecord
from precis.papers.models import Paper
from precis.papers.services import merge_papers, upsert_papers
from precis.search import services, vocabulary
from precis.search.models import SearchTerm
from precis.summaries import services as summary_services

pytestmark = pytest.mark.django_db

TITLES = [
    ("Deep Residual Learning for Image Recognition", "Residual networks train deep models."),
    ("Identity Mappings in Deep Residual Networks", "Residual units with identity skips."),
    ("Wide Residual Networks", "Wider residual blocks beat deeper thin ones."),
    ("Denoising Diffusion Probabilistic Models", "Diffusion models generate images."),
    ("Score-Based Diffusion through Stochastic Equations", "Diffusion as an equation."),
    ("A Resdiual Typo in an Old Abstract", "Someone once wrote resdiual networks."),
]


@pytest.fixture
def papers(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = upsert_papers(
            [
                PaperRecord(
                    title=title,
                    authors=[AuthorName("Kaiming He")],
                    abstract=abstract,
                    year=2016,
                    venue_key="cvpr",
                    identifiers={"dblp": f"conf/cvpr/P{n}"},
                    source="dblp",
                )
                for n, (title, abstract) in enumerate(TITLES)
            ],
            collect_ids=True,
        )
    return report.paper_ids


def search(text):
    return services.search(text, user=AnonymousUser())


def counts():
    return dict(SearchTerm.objects.values_list("term", "documents"))


def test_a_query_that_finds_nothing_is_answered_for_the_corrected_words(papers):
    results = search("difusion")
    assert results.corrected
    assert results.searched_text == "diffusion"
    assert {r.paper.title for r in results.results} == {
        "Denoising Diffusion Probabilistic Models",
        "Score-Based Diffusion through Stochastic Equations",
    }


def test_a_query_that_finds_very_little_is_offered_the_correction(papers):
    # "resdiual" is in one paper (a typo there too); "residual" in three.
    results = search("Resdiual networks")
    assert not results.corrected
    assert [r.paper.title for r in results.results] == ["A Resdiual Typo in an Old Abstract"]
    assert results.did_you_mean == "residual networks"


def test_a_query_that_does_well_gets_no_correction(papers):
    results = search("residual")
    assert not results.corrected and not results.did_you_mean
    assert len(results.results) == 3


def test_filters_quotes_and_other_words_are_kept(papers):
    assert search("difusion year:2016 venue:cvpr").searched_text == (
        "diffusion year:2016 venue:cvpr"
    )
    # A filter's value is never "corrected".
    results = search("author:difusion difusion")
    assert results.searched_text in ("", "author:difusion difusion")
    assert services.corrected_text("author:difusion difusion", {"difusion": "diffusion"}) == (
        "author:difusion diffusion"
    )
    assert search("difusión").searched_text == "diffusion"  # accents folded


@pytest.mark.parametrize("text", ["xq", "12345", "zzzzzzzzzzzzzzzzzz", "a" * 60, "'%_\\", "—"])
def test_words_that_are_no_typo_of_anything_get_nothing(papers, text):
    results = search(text)
    assert not results.corrected and not results.did_you_mean


def test_the_results_page_says_what_it_searched_instead(client, papers):
    page = client.get(reverse("search:search"), {"q": "difusion"}).content.decode()
    assert "No paper matched “difusion”" in page
    assert 'href="?q=diffusion"' in page
    assert "Denoising Diffusion Probabilistic Models" in page
    page = client.get(reverse("search:search"), {"q": "resdiual networks"}).content.decode()
    assert "Did you mean" in page and 'href="?q=residual%20networks"' in page


def test_the_vocabulary_follows_every_write(papers, alice, django_capture_on_commit_callbacks):
    assert counts()["residual"] == 3
    assert counts()["diffusion"] == 2
    paper = Paper.objects.get(title="Wide Residual Networks")
    with django_capture_on_commit_callbacks(execute=True):
        summary = summary_services.save_summary(
            author=alice, paper=paper, source="Platypus diffusion.", visibility="public"
        )
    assert counts()["platypus"] == 1 and counts()["diffusion"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        summary = summary_services.save_summary(
            author=alice, paper=paper, source="Echidna.", visibility="public"
        )
    assert "platypus" not in counts()  # a word in no document any more is forgotten
    assert counts()["diffusion"] == 2 and counts()["echidna"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.delete_summary(summary=summary, editor=alice)
    assert "echidna" not in counts()
    # Merging drops the merged-away paper's words.
    other = Paper.objects.get(title="Identity Mappings in Deep Residual Networks")
    with django_capture_on_commit_callbacks(execute=True):
        merge_papers(duplicate=other, into=paper)
    assert counts()["residual"] == 2
    assert "identity" not in counts()
    # A full rebuild gives the same counts as every write along the way.
    before = counts()
    services.reindex(restart=True)
    assert counts() == before


def test_correction_work_is_bounded_whatever_the_vocabulary(papers):
    # Many frequent look-alikes of the same shape: only a bounded number are read.
    vocabulary.record_change(
        added=[{f"r{n:06d}l" for n in range(3000)} for _ in range(5)] + [{"residual"}] * 100
    )
    rows = vocabulary._candidates("resdiual")
    assert len(rows) <= 2 * 5 * vocabulary.CANDIDATES_PER_PROBE
    assert vocabulary.closest_frequent_word("resdiual") == "residual"
    with CaptureQueriesContext(connection) as queries:
        vocabulary.corrections(services.parse_query("resdiual difusion netwroks"))
    assert len(queries) == 1  # the words' counts and their candidates, together
