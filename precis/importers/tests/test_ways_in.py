"""The ways a person brings a paper in: identifier URLs and the "add a paper" page."""

import httpx
import pytest
from django.urls import reverse

from precis.importers.arxiv.parse import unwrap_capture
from precis.papers.models import Paper

pytestmark = pytest.mark.django_db

ARXIV_API = "https://export.arxiv.org/api/query"


@pytest.fixture
def arxiv_1707(shared_fixtures, network):
    capture = shared_fixtures / "arxiv_api" / "arxivpy_2026_id_1707.08567.json"
    network.route(ARXIV_API, unwrap_capture(capture.read_bytes()))
    return network


def test_an_unknown_arxiv_id_is_imported_on_demand(client, arxiv_1707):
    response = client.get("/arxiv/arXiv:1707.08567v1")
    paper = Paper.objects.get()
    assert response.status_code == 302
    assert response.url == paper.get_absolute_url()
    assert paper.identifier("arxiv") == "1707.08567"
    assert len(paper.ordered_authors()) == 34
    assert "id_list=1707.08567" in str(arxiv_1707.requests[0].url)
    # Known now: no second fetch.
    client.get("/arxiv/1707.08567")
    assert len(arxiv_1707.requests) == 1


def test_the_add_page_takes_an_arxiv_url_and_opens_the_editor(client, alice, arxiv_1707):
    client.force_login(alice)
    response = client.post(reverse("importers:add"), {"query": "https://arxiv.org/abs/1707.08567"})
    paper = Paper.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("summaries:write", args=[paper.pk])


def test_the_add_page_keeps_the_text_when_the_source_is_down(client, alice, network):
    network.fail("https://export.arxiv.org/", httpx.ReadTimeout("too slow"))
    client.force_login(alice)
    response = client.post(reverse("importers:add"), {"query": "arXiv:1707.08567"})
    body = response.content.decode()
    assert response.status_code == 503
    assert "took too long to answer" in body
    assert "arXiv:1707.08567" in body  # still in the box
    assert not Paper.objects.exists()


def test_the_add_page_explains_a_malformed_id(client, alice):
    client.force_login(alice)
    response = client.post(reverse("importers:add"), {"query": ""})
    assert "Paste something" in response.content.decode()


def test_the_add_page_needs_a_signed_in_user(client):
    assert client.get(reverse("importers:add")).status_code == 302


def test_pasted_bibtex_imports_good_entries_and_lists_broken_ones(client, alice):
    bibtex = """
@inproceedings{DBLP:conf/cvpr/HeZRS16,
  author    = {Kaiming He and Xiangyu Zhang and Shaoqing Ren and Jian Sun},
  title     = {Deep Residual Learning for Image Recognition},
  booktitle = {{CVPR}},
  year      = {2016},
  doi       = {10.1109/CVPR.2016.90}
}
@article{broken,
  title = {Unbalanced {braces,
  year = 2020
"""
    client.force_login(alice)
    response = client.post(reverse("importers:add"), {"query": bibtex})
    body = response.content.decode()
    paper = Paper.objects.get()
    assert response.status_code == 200
    assert paper.title == "Deep Residual Learning for Image Recognition"
    assert paper.venue.key == "cvpr"
    assert reverse("summaries:write", args=[paper.pk]) in body
    assert "Not imported" in body


def test_an_unknown_doi_is_imported_from_crossref(client, network, shared_fixtures):
    work = shared_fixtures / "crossref" / "hepcrawl_work_10.1109_tasc.2017.2776938.json"
    network.route("https://api.crossref.org/works/", work.read_bytes())
    response = client.get("/doi/https://doi.org/10.1109/TASC.2017.2776938")
    paper = Paper.objects.get()
    assert response.url == paper.get_absolute_url()
    assert paper.identifier("doi") == "10.1109/tasc.2017.2776938"
    assert paper.year == 2018  # issued: [[2018, 4]], so no day: no published_on
    assert paper.published_on is None


def test_a_doi_crossref_does_not_know_is_a_404(client, network):
    network.route("https://api.crossref.org/works/", b"Resource not found.", status=404)
    response = client.get("/doi/10.9999/nothing.here")
    assert response.status_code == 404
    assert "10.9999/nothing.here" in response.content.decode()


def test_an_arxiv_doi_is_fetched_from_arxiv(client, arxiv_1707):
    response = client.get("/doi/10.48550/arXiv.1707.08567")
    assert response.status_code == 302
    assert Paper.objects.get().identifier("arxiv") == "1707.08567"
