"""What a hostile or careless client sends to the inputs this round added: drafts,
summary requests, figures, history views and "did you mean". None may answer 500."""

import pytest
from django.urls import reverse

from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

NASTY = [
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    "x" * 200_000,
]


@pytest.mark.parametrize("text", NASTY)
def test_a_draft_with_control_characters_or_a_huge_text_gets_an_answer(client, alice, text):
    paper = PaperFactory()
    client.force_login(alice)
    response = client.post(
        reverse("summaries:save_draft", args=[paper.pk]),
        {
            "source": text,
            "visibility": text[:50],
            "tab": text,
            "version": text[:30],
            "base": "9" * 40,
        },
    )
    assert response.status_code in (200, 400, 413, 429)


def test_draft_and_request_on_a_missing_or_absurd_paper_are_not_found(client, alice):
    client.force_login(alice)
    for url in ("/papers/999999999/draft", "/papers/999999999/request"):
        assert client.post(url, {"source": "x"}).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["a=99999999999999999999&b=-1", "view=%00", "a=x&b=%00&view=rendered", "view=rendered&a=1&b=1"],
)
def test_history_with_absurd_revision_numbers_answers(client, alice, query):
    summary = SummaryFactory(author=alice)
    response = client.get(f"{reverse('summaries:history', args=[summary.pk])}?{query}")
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "q", ["resdiual%00", "%00%00", "zzzzzzzzz " * 60, "\u202e\u200b", "a" * 3000]
)
def test_search_with_nothing_found_and_nasty_words_answers(client, q):
    PaperFactory(title="Deep residual learning")
    response = client.get(f"/search?q={q}&page=99999999999999")
    assert response.status_code in (200, 400)


def test_a_figure_description_with_a_nul_is_refused_or_cleaned(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("media:figures"),
        {"description": "\x00" * 10, "file": ""},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code in (400, 403, 429)
