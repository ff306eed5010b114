"""Author pages, topic pages and related papers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from precis.accounts.tests.factories import UserFactory
from precis.papers import discovery
from precis.papers.models import Author, RelatedPaper
from precis.papers.related import compute_related, tokenize
from precis.papers.tasks import compute_related_papers
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

BUDGET = 14  # as in precis/core/tests/test_query_counts.py


def page_text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def upvoted(summary, votes: int):
    for _ in range(votes):
        services.cast_vote(voter=UserFactory(), summary=summary, value=1)
    return summary


def query_count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


# --- Author pages -------------------------------------------------------------------


@pytest.fixture
def ada():
    return Author.objects.create(name="Ada Lovelace", orcid="0000-0002-1825-0097")


def test_an_author_page_lists_papers_with_summaries_first_best_first(client, ada):
    old_unsummarised = PaperFactory(title="Notes on the engine", year=1843)
    new_unsummarised = PaperFactory(title="Sketch of the analytical engine", year=1850)
    good = PaperFactory(title="Well explained paper", year=1840)
    fair = PaperFactory(title="Fairly explained paper", year=1841)
    upvoted(SummaryFactory(paper=good, source="The **best** explanation."), votes=3)
    SummaryFactory(paper=fair, source="A plain explanation.")

    response = client.get(ada.get_absolute_url())

    assert response.status_code == 200
    body = response.content.decode()
    titles = [paper.title for paper, _ in response.context["entries"]]
    assert titles == [
        good.title,
        fair.title,
        new_unsummarised.title,
        old_unsummarised.title,
    ]
    text = page_text(response)
    assert "Ada Lovelace" in text
    assert "<dt>Papers</dt><dd>4</dd>" in body
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in body
    assert "The best explanation." in text
    assert "1 summary" in text
    assert f'href="{good.get_absolute_url()}"' in body


def test_an_author_page_shows_co_authors_by_papers_together(client, ada):
    for _ in range(3):
        PaperFactory(authors=["Ada Lovelace", "Charles Babbage"])
    PaperFactory(authors=["Ada Lovelace", "Mary Somerville", "Charles Babbage"])
    PaperFactory(authors=["Mary Somerville", "Someone Else"])  # not with Ada

    response = client.get(ada.get_absolute_url())

    co_authors = [(a.name, a.shared) for a in response.context["co_authors"]]
    assert co_authors == [("Charles Babbage", 4), ("Mary Somerville", 1)]
    babbage = Author.objects.get(name="Charles Babbage")
    assert f'href="{babbage.get_absolute_url()}"' in response.content.decode()
    assert "Someone Else" not in page_text(response)


def test_co_authors_are_the_top_fifteen(ada):
    PaperFactory(authors=["Ada Lovelace", *(f"Writer {n:02d}" for n in range(20))])
    PaperFactory(authors=["Ada Lovelace", "Writer 19"])

    co_authors = discovery.co_authors(ada)

    assert len(co_authors) == 15
    assert (co_authors[0].name, co_authors[0].shared) == ("Writer 19", 2)


def test_author_names_on_paper_pages_link_to_author_pages(client, ada):
    paper = PaperFactory(authors=["Ada Lovelace"])
    body = client.get(paper.get_absolute_url()).content.decode()
    assert f'<a class="author" href="/authors/{ada.pk}/ada-lovelace/">Ada Lovelace</a>' in body


def test_a_wrong_slug_redirects_to_the_canonical_author_page(client, ada):
    response = client.get(f"/authors/{ada.pk}/someone-else/")
    assert response.status_code == 301
    assert response.url == f"/authors/{ada.pk}/ada-lovelace/"


def test_an_author_without_latin_letters_still_has_a_page(client):
    author = Author.objects.create(name="张伟")
    PaperFactory(authors=["张伟"])
    assert author.get_absolute_url() == f"/authors/{author.pk}/author/"
    assert client.get(author.get_absolute_url()).status_code == 200


def test_an_unknown_author_is_a_404(client):
    assert client.get("/authors/999999/nobody/").status_code == 404


def test_private_and_deleted_summaries_are_not_counted_on_author_pages(client, ada):
    private = PaperFactory(title="Privately summarised", year=2001)
    newer = PaperFactory(title="Newer and unsummarised", year=2020)
    SummaryFactory(paper=private, source="A secret draft.", visibility="private")
    SummaryFactory(paper=private, source="An unlisted note.", visibility="unlisted")

    response = client.get(ada.get_absolute_url())

    entries = response.context["entries"]
    assert [paper.title for paper, _ in entries] == [newer.title, private.title]
    assert all(summary is None for _, summary in entries)
    assert all(paper.summary_count == 0 for paper, _ in entries)
    text = page_text(response)
    assert "secret draft" not in text
    assert "unlisted note" not in text
    assert "Read summary" not in text
    assert "1 summary" not in text


def test_author_pages_are_paginated(client, ada):
    for _ in range(23):
        PaperFactory()
    first = client.get(ada.get_absolute_url())
    second = client.get(ada.get_absolute_url() + "?page=2")
    assert len(first.context["entries"]) == 20
    assert len(second.context["entries"]) == 3
    assert "<dt>Papers</dt><dd>23</dd>" in second.content.decode()


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
def test_an_author_page_makes_the_same_number_of_queries_for_few_and_many_papers(
    client, django_assert_max_num_queries, signed_in
):
    ada = Author.objects.create(name="Ada Lovelace")
    if signed_in:
        client.force_login(UserFactory())

    def add_papers(count):
        for n in range(count):
            paper = PaperFactory(authors=["Ada Lovelace", f"Co-author {n}"])
            if n % 2:
                SummaryFactory(paper=paper)

    add_papers(2)
    few = query_count(client, ada.get_absolute_url())
    add_papers(8)
    with django_assert_max_num_queries(BUDGET):
        many = query_count(client, ada.get_absolute_url())
    assert many == few


# --- Topic pages --------------------------------------------------------------------


def test_a_category_topic_page_lists_papers_of_that_category(client):
    lg = PaperFactory(title="Learning", categories=["cs.LG"])
    cross = PaperFactory(title="Cross-listed", categories=["stat.ML", "cs.LG"])
    PaperFactory(title="Prefix only", categories=["cs.L"])
    PaperFactory(title="Longer code", categories=["cs.LGX"])
    PaperFactory(title="In a keyword", categories=["cs.CV"], keywords=["about cs.LG"])

    response = client.get("/topics/cs.LG/")

    assert response.status_code == 200
    assert {paper.title for paper, _ in response.context["entries"]} == {lg.title, cross.title}
    text = page_text(response)
    assert "Machine Learning" in text
    assert "arXiv category cs.LG" in text
    assert "2 papers" in text


def test_a_keyword_topic_page_matches_any_case(client):
    paper = PaperFactory(title="Deep", categories=["cs.CV"], keywords=["Deep Learning", "vision"])
    PaperFactory(title="Deeper", categories=["cs.CV"], keywords=["deep learning theory"])

    response = client.get("/topics/deep learning/")

    assert response.status_code == 200
    assert [p.title for p, _ in response.context["entries"]] == [paper.title]
    assert "keyword" in page_text(response)


def test_a_keyword_with_accents_or_quotes_has_a_topic_page(client):
    accented = PaperFactory(title="Réseaux", keywords=["réseaux de neurones"])
    quoted = PaperFactory(title="Quoted", keywords=['the "attention" trick'])

    response = client.get("/topics/réseaux de neurones/")
    assert [p.title for p, _ in response.context["entries"]] == [accented.title]
    response = client.get('/topics/the "attention" trick/')
    assert [p.title for p, _ in response.context["entries"]] == [quoted.title]
    assert client.get("/topics/attention/").status_code == 404


def test_a_topic_without_papers_is_a_404(client):
    PaperFactory(categories=["cs.LG"], keywords=["vision"])
    assert client.get("/topics/cs.XX/").status_code == 404
    assert client.get("/topics/nothing here/").status_code == 404


def test_a_known_category_in_another_case_redirects(client):
    PaperFactory(categories=["cs.LG"])
    response = client.get("/topics/cs.lg/")
    assert response.status_code == 301
    assert response.url == "/topics/cs.LG/"


def test_topic_pages_put_listed_summaries_first_and_never_count_private_ones(client):
    summarised = PaperFactory(title="Summarised", year=2010, categories=["cs.LG"])
    private = PaperFactory(title="Private draft only", year=2015, categories=["cs.LG"])
    newest = PaperFactory(title="Newest", year=2020, categories=["cs.LG"])
    SummaryFactory(paper=summarised, source="A public summary.")
    SummaryFactory(paper=private, source="A secret draft.", visibility="private")
    deleted = SummaryFactory(paper=private, source="A deleted one.")
    services.delete_summary(summary=deleted, editor=deleted.author)

    response = client.get("/topics/cs.LG/")

    entries = response.context["entries"]
    assert [p.title for p, _ in entries] == [summarised.title, newest.title, private.title]
    assert [p.summary_count for p, _ in entries] == [1, 0, 0]
    text = page_text(response)
    assert "A public summary." in text
    assert "secret draft" not in text
    assert "deleted one" not in text


def test_category_and_keyword_tags_on_a_paper_page_link_to_topics(client):
    paper = PaperFactory(categories=["cs.LG"], keywords=["Input/Output"])
    body = client.get(paper.get_absolute_url()).content.decode()
    assert '<a class="tag tag-category" href="/topics/cs.LG/">cs.LG</a>' in body
    assert '<a class="tag" href="/topics/Input/Output/">Input/Output</a>' in body
    assert client.get("/topics/Input/Output/").status_code == 200


def test_a_topic_page_makes_the_same_number_of_queries_for_few_and_many_papers(
    client, django_assert_max_num_queries
):
    def add_papers(count):
        for n in range(count):
            paper = PaperFactory(categories=["cs.LG"], authors=[f"Writer {n}", "Ada Lovelace"])
            if n % 2:
                SummaryFactory(paper=paper)

    add_papers(2)
    few = query_count(client, "/topics/cs.LG/")
    add_papers(8)
    with django_assert_max_num_queries(BUDGET):
        many = query_count(client, "/topics/cs.LG/")
    assert many == few


# --- Related papers ---------------------------------------------------------------

TRANSFORMER = (
    "Attention is all you need",
    "The dominant sequence transduction architectures rely on recurrent networks. "
    "The Transformer relies on self-attention alone and reaches a new best BLEU score "
    "on machine translation from English to German.",
)
TRANSLATION = (
    "Self-attention for neural machine translation",
    "We replace the recurrent encoder of a translation system by self-attention layers "
    "and measure BLEU on English to German translation.",
)
PROTEINS = (
    "Protein folding with molecular dynamics",
    "Long simulations of molecular dynamics fold small protein structures from sequence.",
)
FILLER = [
    ("Graph colouring with few colours", "A greedy colouring of sparse graphs."),
    ("Counting lattice paths", "Bijections count lattice paths under a diagonal."),
    ("Bandits with delayed feedback", "Regret bounds when rewards arrive late."),
    ("Robot grasping from images", "A robot arm learns grasps from camera images."),
]


def paper(text, authors, **kwargs):
    title, abstract = text
    return PaperFactory(title=title, abstract=abstract, authors=authors, venue=None, **kwargs)


def related_titles(of) -> list[str]:
    return [link.related.title for link in RelatedPaper.objects.filter(paper=of)]


def stored_rows():
    return list(
        RelatedPaper.objects.order_by("pk").values_list(
            "pk", "paper_id", "related_id", "score", "reason"
        )
    )


@pytest.fixture
def corpus():
    papers = {
        "transformer": paper(TRANSFORMER, ["Ashish Vaswani", "Noam Shazeer"]),
        "translation": paper(TRANSLATION, ["Someone Else"]),
        "proteins": paper(PROTEINS, ["A Biologist"]),
    }
    for n, text in enumerate(FILLER):
        papers[f"filler{n}"] = paper(text, [f"Filler Author {n}"])
    return papers


def test_tokenize_drops_stopwords_and_folds_plurals():
    assert list(tokenize("We propose Transformers: attention networks for the Études")) == [
        "transformer",
        "attention",
        "network",
        "etude",
    ]


def test_tf_idf_finds_the_paper_with_similar_text_and_not_the_unrelated_one(corpus):
    compute_related()

    links = list(RelatedPaper.objects.filter(paper=corpus["transformer"]))
    assert links[0].related == corpus["translation"]
    assert links[0].reason == "text"
    assert links[0].reason_label == "similar topic"
    assert corpus["proteins"].title not in related_titles(corpus["transformer"])
    assert related_titles(corpus["translation"])[0] == corpus["transformer"].title


def test_a_paper_sharing_authors_ranks_first(corpus):
    same_authors = paper(
        ("Tensor libraries for deep learning", "A library of tensor operations."),
        ["Noam Shazeer", "Someone New"],
    )
    compute_related()

    links = list(RelatedPaper.objects.filter(paper=corpus["transformer"]))
    assert [link.related for link in links[:2]] == [same_authors, corpus["translation"]]
    assert links[0].reason == "authors"
    assert links[0].reason_label == "same authors"
    assert links[0].score > links[1].score


def test_the_same_venue_and_year_relates_papers_but_an_archive_does_not(client):
    icml = VenueFactory(key="icml", name="International Conference on Machine Learning (ICML)")
    arxiv = VenueFactory(key="arxiv", name="arXiv")
    first = PaperFactory(title="Colour", abstract="", authors=["A"], venue=icml, year=2015)
    second = PaperFactory(title="Lattices", abstract="", authors=["B"], venue=icml, year=2015)
    PaperFactory(title="Bandits", abstract="", authors=["C"], venue=icml, year=2016)
    preprint = PaperFactory(title="Grasping", abstract="", authors=["D"], venue=arxiv, year=2015)
    PaperFactory(title="Folding", abstract="", authors=["E"], venue=arxiv, year=2015)

    compute_related()

    [link] = RelatedPaper.objects.filter(paper=first)
    assert link.related == second
    assert link.reason == "venue"
    assert link.reason_label == "also at ICML 2015"
    assert not RelatedPaper.objects.filter(paper=preprint).exists()


def test_running_it_again_changes_nothing(corpus):
    first = compute_related()
    before = stored_rows()

    again = compute_related()

    assert before
    assert stored_rows() == before
    assert again.papers == first.papers == len(corpus)
    assert again.changed == 0
    assert again.rows == 0


def test_it_keeps_the_limit_and_replaces_previous_rows(corpus):
    for n in range(6):
        paper((f"Translation paper {n}", TRANSLATION[1]), ["Ashish Vaswani"])
    compute_related(limit=3)
    assert RelatedPaper.objects.filter(paper=corpus["transformer"]).count() == 3

    compute_related([corpus["transformer"].pk], limit=5)

    assert RelatedPaper.objects.filter(paper=corpus["transformer"]).count() == 5


def test_a_new_paper_also_appears_on_its_neighbours_pages(corpus):
    compute_related()
    newcomer = paper(("Faster self-attention for translation", TRANSLATION[1]), ["Ashish Vaswani"])

    report = compute_related([newcomer.pk])

    assert report.papers > 1
    assert corpus["transformer"].title in related_titles(newcomer)
    assert newcomer.title in related_titles(corpus["transformer"])
    assert newcomer.title in related_titles(corpus["translation"])


def test_the_task_and_the_command_compute_related_papers(corpus):
    result = compute_related_papers.call([corpus["transformer"].pk])
    assert result["papers"] >= 1
    assert RelatedPaper.objects.filter(paper=corpus["transformer"]).exists()

    out = StringIO()
    call_command("compute_related", stdout=out)  # the papers without rows yet
    assert "Computed" in out.getvalue()
    out = StringIO()
    call_command("compute_related", "--all", stdout=out)
    assert f"Computed {len(corpus)} papers" in out.getvalue()
    assert "0 changed, 0 rows written" in out.getvalue()
    out = StringIO()
    call_command("compute_related", "--all", "--enqueue", stdout=out)
    assert "Enqueued task" in out.getvalue()


def test_the_paper_page_shows_up_to_six_related_papers(client, corpus):
    for n in range(8):
        paper((f"Translation paper {n}", TRANSLATION[1]), ["Ashish Vaswani"])
    compute_related()

    response = client.get(corpus["transformer"].get_absolute_url())

    assert len(response.context["related"]) == 6
    text = page_text(response)
    assert "Related papers" in text
    assert "Translation paper 0 · same authors" in text


def test_the_paper_page_shows_nothing_without_related_papers(client, corpus):
    response = client.get(corpus["transformer"].get_absolute_url())
    assert "Related papers" not in page_text(response)


def test_the_paper_page_makes_the_same_number_of_queries_for_few_and_many_related(
    client, django_assert_max_num_queries
):
    main = paper(TRANSFORMER, ["Ashish Vaswani"])

    def add_related(count):
        for _ in range(count):
            paper(TRANSLATION, ["Ashish Vaswani"])
        compute_related([main.pk])

    client.get(main.get_absolute_url())  # a visitor's first visit of the day is counted, once
    add_related(2)
    few = query_count(client, main.get_absolute_url())
    add_related(8)
    with django_assert_max_num_queries(BUDGET):
        many = query_count(client, main.get_absolute_url())
    assert many == few
