"""Search through the real backend of whichever database the suite runs on (SQLite or PostgreSQL)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.importers.base import AuthorName, PaperRecord
from precis.papers.services import merge_papers, upsert_papers
from precis.search import services, vocabulary
from precis.search.models import ReindexState, SearchDocument
from precis.summaries import services as summary_services

pytestmark = pytest.mark.django_db

CORPUS = [
    ("Deep Residual Learning for Image Recognition", ["Kaiming He", "Jian Sun"], 2016, "cvpr",
     "Very deep networks train well when layers learn residual functions.", "1512.03385"),
    ("Attention Is All You Need", ["Ashish Vaswani", "Noam Shazeer"], 2017, "nips",
     "A sequence transduction model built on attention alone, without recurrence.", "1706.03762"),
    ("Adam: A Method for Stochastic Optimization", ["Diederik P. Kingma", "Jimmy Ba"], 2015, "iclr",
     "An optimizer using adaptive estimates of lower-order moments.", "1412.6980"),
    ("Batch Normalization: Accelerating Deep Network Training", ["Sergey Ioffe", "Christian Szegedy"], 2015, "icml",
     "Normalizing layer inputs reduces internal covariate shift in deep networks.", "1502.03167"),
    ("Generative Adversarial Nets", ["Ian Goodfellow", "Yoshua Bengio"], 2014, "nips",
     "A generator and a discriminator trained against each other.", "1406.2661"),
]  # fmt: skip


@pytest.fixture
def corpus(django_capture_on_commit_callbacks):
    records = [
        PaperRecord(
            title=title,
            authors=[AuthorName(n) for n in authors],
            year=year,
            venue_key=venue,
            abstract=abstract,
            identifiers={"arxiv": arxiv},
            source="dblp",
        )
        for title, authors, year, venue, abstract, arxiv in CORPUS
    ]
    with django_capture_on_commit_callbacks(execute=True):
        report = upsert_papers(records, collect_ids=True)
    return dict(zip([row[5] for row in CORPUS], report.paper_ids, strict=True))


def titles(text, user=None):
    from django.contrib.auth.models import AnonymousUser

    results = services.search(text, user=user or AnonymousUser())
    return [result.paper.title for result in results.results]


def test_it_finds_papers_by_title_words_best_first(corpus):
    found = titles("deep networks")
    assert set(found) == {
        "Deep Residual Learning for Image Recognition",
        "Batch Normalization: Accelerating Deep Network Training",
    }


def test_words_are_stemmed_and_accents_folded(corpus):
    assert "Adam: A Method for Stochastic Optimization" in titles("optimizers")


def test_author_filter(corpus):
    assert titles("author:vaswani") == ["Attention Is All You Need"]
    assert titles('author:"ian goodfellow" adversarial') == ["Generative Adversarial Nets"]
    assert titles("author:nobody") == []


def test_venue_and_year_filters(corpus):
    assert set(titles("venue:nips")) == {"Attention Is All You Need", "Generative Adversarial Nets"}
    assert titles("venue:neurips attention") == ["Attention Is All You Need"]
    assert set(titles("year:2015")) == {
        "Adam: A Method for Stochastic Optimization",
        "Batch Normalization: Accelerating Deep Network Training",
    }
    assert set(titles("deep year:2016..2017")) == {"Deep Residual Learning for Image Recognition"}
    assert titles("year:..2014") == ["Generative Adversarial Nets"]
    if connection.vendor == "sqlite":  # PostgreSQL ignores a word excluded from no words
        assert titles("venue:nips -generator") == ["Attention Is All You Need"]


def test_quoted_phrases_must_match_in_order(corpus):
    assert titles('"residual learning for image"') == [
        "Deep Residual Learning for Image Recognition"
    ]
    assert titles('"image learning"') == []


def test_excluded_words(corpus):
    assert titles("deep -residual") == ["Batch Normalization: Accelerating Deep Network Training"]


def test_a_typo_in_a_title_word_still_finds_the_paper(corpus):
    from django.contrib.auth.models import AnonymousUser

    results = services.search("resdual learning", user=AnonymousUser())
    assert [r.paper.title for r in results.results][:1] == [
        "Deep Residual Learning for Image Recognition"
    ]
    assert results.corrected


def test_has_summary_filter_and_summary_words(corpus, alice, django_capture_on_commit_callbacks):
    from precis.papers.models import Paper

    paper = Paper.objects.get(pk=corpus["1412.6980"])
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.save_summary(
            author=alice,
            paper=paper,
            source="Momentum meets RMSProp: a zebracorn of optimizers.",
            visibility="public",
        )
    assert titles("has:summary") == ["Adam: A Method for Stochastic Optimization"]
    assert titles("zebracorn") == ["Adam: A Method for Stochastic Optimization"]


def test_private_summaries_find_nothing_and_edits_and_deletes_update_the_index(
    corpus, alice, django_capture_on_commit_callbacks
):
    from precis.papers.models import Paper

    paper = Paper.objects.get(pk=corpus["1406.2661"])
    with django_capture_on_commit_callbacks(execute=True):
        summary = summary_services.save_summary(
            author=alice, paper=paper, source="The quokkaflux trick.", visibility="private"
        )
    assert titles("quokkaflux") == []
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.save_summary(
            author=alice, paper=paper, source="The quokkaflux trick.", visibility="public"
        )
    assert titles("quokkaflux") == ["Generative Adversarial Nets"]
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.save_summary(
            author=alice, paper=paper, source="Now about platypodes.", visibility="public"
        )
    assert titles("quokkaflux") == []
    assert titles("platypodes") == ["Generative Adversarial Nets"]
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.delete_summary(summary=summary, editor=alice)
    assert titles("platypodes") == []
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.undelete_summary(summary=summary, editor=alice)
    assert titles("platypodes") == ["Generative Adversarial Nets"]


def test_merged_papers_leave_the_index(corpus, django_capture_on_commit_callbacks):
    from precis.papers.models import Paper

    keep, duplicate = (
        Paper.objects.get(pk=corpus["1512.03385"]),
        Paper.objects.get(pk=corpus["1502.03167"]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        merge_papers(duplicate=duplicate, into=keep)
    assert titles("normalization covariate") == []
    assert SearchDocument.objects.filter(paper_id=corpus["1502.03167"]).count() == 0


def test_an_identifier_jumps_to_the_paper(client, corpus):
    response = client.get(reverse("search:search"), {"q": "https://arxiv.org/abs/1706.03762v5"})
    assert response.status_code == 302
    assert response.url.startswith(f"/papers/{corpus['1706.03762']}/")


def test_an_unknown_identifier_offers_an_import(client, corpus):
    response = client.get(reverse("search:search"), {"q": "arXiv:2101.00001"})
    body = response.content.decode()
    assert "Import it" in body
    assert 'href="/arxiv/2101.00001"' in body


def test_the_results_page_highlights_and_escapes(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upsert_papers(
            [
                PaperRecord(
                    title="Robust <script>alert(1)</script> learning of kernels", source="bibtex"
                )
            ]
        )
    body = client.get(reverse("search:search"), {"q": "kernels"}).content.decode()
    assert "<mark>kernels</mark>" in body or "<mark>kernel" in body
    assert "<script>alert(1)" not in body
    assert "write the first" in body


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "author:", "year:20x5", "((( )))", "NOT AND OR", "*", "title:*", '"" ""', "-", "a" * 600,
     "venue:icml year:..", ":::", "NEAR(a b)", "{x}", "^", "\\"],
)  # fmt: skip
def test_no_query_is_an_error_page(client, corpus, text):
    assert client.get(reverse("search:search"), {"q": text}).status_code == 200


def test_a_nul_in_the_query_is_refused_with_a_reason(client, corpus):
    response = client.get(reverse("search:search"), {"q": "deep\x00learning"})
    assert response.status_code == 400
    assert "NUL character" in response.text


def test_suggestions_as_json(client, corpus):
    data = client.get(reverse("search:suggest"), {"q": "atten"}).json()
    assert data["results"][0]["title"] == "Attention Is All You Need"
    assert data["results"][0]["url"].startswith("/papers/")
    assert client.get(reverse("search:suggest"), {"q": "a"}).json() == {"results": []}


def test_the_search_page_makes_the_same_number_of_queries_for_any_page_size(
    client, django_capture_on_commit_callbacks
):
    def add(count, offset):
        with django_capture_on_commit_callbacks(execute=True):
            upsert_papers(
                [
                    PaperRecord(
                        title=f"Quantum widget study number {offset + n}",
                        authors=[AuthorName(f"Writer {offset + n}")],
                        identifiers={"dblp": f"conf/x/W{offset + n}"},
                        source="dblp",
                    )
                    for n in range(count)
                ]
            )

    # More than a handful: a query finding (almost) nothing also looks for typos.
    add(vocabulary.FEW_RESULTS + 1, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("search:search"), {"q": "quantum widget"})
    add(18, 100)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("search:search"), {"q": "quantum widget"})
    assert len(many) == len(few)


def test_reindex_rebuilds_everything_and_resumes(corpus):
    first = min(corpus.values())
    state = ReindexState.objects.create(last_paper_id=first, papers_done=1)  # a run that stopped
    call_command("reindex")  # resumes after the first paper
    state.refresh_from_db()
    assert state.finished_at is not None
    assert state.papers_done == len(CORPUS)
    call_command("reindex", "--restart")
    assert SearchDocument.objects.count() == len(CORPUS)
    assert titles("attention") == ["Attention Is All You Need"]


def test_the_side_table_follows_every_write(corpus, alice, django_capture_on_commit_callbacks):
    from precis.papers.models import Paper
    from precis.search.models import SearchRank

    assert SearchRank.objects.count() == len(CORPUS)
    paper = Paper.objects.get(pk=corpus["1412.6980"])
    rank = SearchRank.objects.get(paper=paper)
    assert (rank.year, rank.venue_key, rank.has_summary, rank.boost) == (2015, "iclr", False, 1.0)
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.save_summary(
            author=alice, paper=paper, source="Adaptive moments.", visibility="public"
        )
    rank.refresh_from_db()
    assert rank.has_summary
    assert rank.boost == pytest.approx(1.25 + SearchDocument.objects.get(paper=paper).best_wilson)
    with django_capture_on_commit_callbacks(execute=True):
        merge_papers(duplicate=Paper.objects.get(pk=corpus["1502.03167"]), into=paper)
    assert not SearchRank.objects.filter(paper_id=corpus["1502.03167"]).exists()
    call_command("reindex", "--restart")
    assert SearchRank.objects.count() == SearchDocument.objects.count() == len(CORPUS) - 1


@pytest.fixture
def broad(monkeypatch):
    """Every query counts as broad, as a common word's would in a large corpus."""
    from precis.search.backends import postgres, sqlite

    monkeypatch.setattr(sqlite, "RARE_WORD_DOCUMENTS", 0)
    monkeypatch.setattr(postgres, "BROAD_QUERY_MATCHES", 0)


def test_a_broad_query_lists_popular_papers_first_and_keeps_its_filters(corpus, broad):
    from precis.search.backends import backend
    from precis.search.models import SearchRank

    backend().optimize()  # planner statistics, as autovacuum keeps them
    SearchRank.objects.filter(paper_id=corpus["1502.03167"]).update(boost=2.0)
    # Both "deep" papers, the better-summarised one first.
    assert titles("deep") == [
        "Batch Normalization: Accelerating Deep Network Training",
        "Deep Residual Learning for Image Recognition",
    ]
    assert titles("deep year:2016") == ["Deep Residual Learning for Image Recognition"]
    assert titles("deep venue:icml") == ["Batch Normalization: Accelerating Deep Network Training"]
    assert titles("deep -residual") == ["Batch Normalization: Accelerating Deep Network Training"]
    assert titles("author:vaswani attention") == ["Attention Is All You Need"]
    assert titles('"residual learning"') == ["Deep Residual Learning for Image Recognition"]
    assert titles("deep has:summary") == []


def test_a_broad_query_prefers_its_words_in_the_title_on_sqlite(corpus, broad):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL ranks a broad query's most popular matches by ts_rank")
    # "networks" is in the abstract of both deep papers, in no title: a title match
    # ("Deep Network Training") counts twice the boost of a match elsewhere.
    assert titles("network")[0] == "Batch Normalization: Accelerating Deep Network Training"


def test_a_broad_query_on_postgresql_has_an_estimated_total(corpus, broad):
    from django.contrib.auth.models import AnonymousUser

    if connection.vendor != "postgresql":
        pytest.skip("SQLite estimates from the newest papers (tested below)")
    # A page's worth of popular matches: the total is the planner's estimate.
    results = services.search("deep", user=AnonymousUser(), page_size=1)
    assert results.total_is_estimated
    assert not results.total_is_capped
    assert results.total >= len(results.results) == 1
    # Fewer than a page: every match was found, and counted.
    results = services.search("deep", user=AnonymousUser())
    assert (results.total, results.total_is_estimated) == (2, False)


def test_an_estimated_total_reads_as_about(client, corpus, monkeypatch):
    from precis.search.backends import Hit, Page

    class Estimating:
        def search(self, query, *, limit, offset):
            return Page([Hit(corpus["1706.03762"], 1.0)], 783_000, estimated=True)

    monkeypatch.setattr(services, "backend", Estimating)
    body = client.get(reverse("search:search"), {"q": "attention"}).content.decode()
    assert "About 783,000 papers" in body
    assert "Attention Is All You Need" in body


def test_estimates_are_rounded_to_two_figures():
    from precis.search.backends import rounded

    assert [rounded(n) for n in (7, 99, 2_345, 783_412)] == [7, 99, 2_300, 780_000]


def test_a_broad_query_on_sqlite_looks_at_the_newest_papers_and_estimates_its_total(
    corpus, broad, monkeypatch
):
    from django.contrib.auth.models import AnonymousUser

    from precis.search.backends import sqlite

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL walks the most popular papers instead")
    monkeypatch.setattr(sqlite, "SPAN", 2)  # of the five papers, the two newest
    results = services.search("deep", user=AnonymousUser())
    assert [r.paper.title for r in results.results] == [
        "Batch Normalization: Accelerating Deep Network Training"
    ]
    assert results.total_is_estimated
    assert results.total == 2  # one match among two papers of five, rounded


def test_stop_words_alone_find_nothing_on_postgresql(corpus):
    # PostgreSQL's English configuration drops "all"; SQLite's index keeps every word.
    found = titles("all")
    if connection.vendor == "postgresql":
        assert found == []
        assert titles("all attention") == ["Attention Is All You Need"]
    else:
        assert found == ["Attention Is All You Need"]
