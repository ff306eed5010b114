import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.collections import services
from precis.collections.models import Collection, CollectionItem
from precis.importers.arxiv.parse import unwrap_capture
from precis.importers.bibtex.parse import parse_bibtex
from precis.lib import safehttp
from precis.notifications.models import Follow
from precis.papers.models import Identifier
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries.tests.factories import SummaryFactory

from .factories import CollectionFactory, add_papers

pytestmark = pytest.mark.django_db


def titles(collection, section=None):
    return list(
        CollectionItem.objects.filter(collection=collection, section=section)
        .order_by("position", "pk")
        .values_list("paper__title", flat=True)
    )


# -- visibility and ownership --------------------------------------------------------


def test_it_hides_a_private_collection_from_strangers(client, alice, carol):
    collection = CollectionFactory(owner=alice, visibility="private")
    url = collection.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(carol)
    assert client.get(url).status_code == 404
    assert client.get(reverse("collections:edit", args=[collection.pk])).status_code == 404
    assert client.get(reverse("collections:export_bib", args=[collection.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 200


def test_strangers_cannot_change_someone_elses_collection(client, alice, carol):
    collection = CollectionFactory(owner=alice)
    (item,) = add_papers(collection, [PaperFactory()])
    client.force_login(carol)
    for name, args in [
        ("collections:item_delete", [collection.pk, item.pk]),
        ("collections:item_move", [collection.pk, item.pk]),
        ("collections:section_add", [collection.pk]),
        ("collections:delete", [collection.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"direction": "up"}).status_code == 404
    assert Collection.objects.filter(pk=collection.pk).exists()
    assert CollectionItem.objects.filter(pk=item.pk).exists()


def test_unlisted_collections_open_by_link_but_are_not_listed(client, alice, carol):
    collection = CollectionFactory(owner=alice, visibility="unlisted", title="Hidden gems")
    paper = PaperFactory()
    add_papers(collection, [paper])
    assert client.get(collection.get_absolute_url()).status_code == 200
    assert Collection.objects.listed().count() == 0
    assert "Hidden gems" not in client.get(alice.get_absolute_url()).content.decode()
    assert "Hidden gems" not in client.get(paper.get_absolute_url()).content.decode()
    assert client.get(reverse("feeds:collection", args=[collection.pk])).status_code == 404
    client.force_login(alice)
    assert "Hidden gems" in client.get(alice.get_absolute_url()).content.decode()


def test_a_wrong_slug_redirects_permanently(client, alice):
    collection = CollectionFactory(owner=alice, title="Ten papers")
    response = client.get(f"/collections/{collection.pk}/wrong/")
    assert response.status_code == 301
    assert response["Location"] == f"/collections/{collection.pk}/ten-papers/"


def test_it_creates_a_collection_from_the_form(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("collections:new"),
        {"title": "ICML notes", "description": "My *notes*", "visibility": "public"},
    )
    collection = Collection.objects.get()
    assert response["Location"] == reverse("collections:edit", args=[collection.pk])
    assert collection.owner == alice
    assert "<em>notes</em>" in collection.description_html


def test_forms_need_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    collection = CollectionFactory(owner=alice)
    (item,) = add_papers(collection, [PaperFactory()])
    forbidden = [
        client.post(reverse("collections:new"), {"title": "x", "visibility": "public"}),
        client.post(reverse("collections:item_move", args=[collection.pk, item.pk]), {}),
        client.post(reverse("collections:section_add", args=[collection.pk]), {"title": "x"}),
        client.post(reverse("collections:import", args=[collection.pk]), {"papers": "x"}),
    ]
    assert [response.status_code for response in forbidden] == [403] * 4
    page = client.get(reverse("collections:edit", args=[collection.pk])).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 6


# -- ordering and sections -----------------------------------------------------------


def test_move_up_and_down_swap_neighbours_and_stop_at_the_edges(client, alice):
    collection = CollectionFactory(owner=alice)
    a, b, c = add_papers(collection, [PaperFactory(title=t) for t in "ABC"])
    client.force_login(alice)

    def move(item, direction):
        url = reverse("collections:item_move", args=[collection.pk, item.pk])
        return client.post(url, {"direction": direction})

    assert move(c, "up").status_code == 302
    assert titles(collection) == ["A", "C", "B"]
    move(a, "up")  # already first
    move(b, "down")  # already last
    assert titles(collection) == ["A", "C", "B"]
    move(a, "down")
    assert titles(collection) == ["C", "A", "B"]


def test_sections_order_and_hold_items(client, alice):
    collection = CollectionFactory(owner=alice)
    client.force_login(alice)
    for title in ["Monday", "Tuesday"]:
        client.post(reverse("collections:section_add", args=[collection.pk]), {"title": title})
    monday, tuesday = collection.sections.all()
    a, _b = add_papers(collection, [PaperFactory(title="A"), PaperFactory(title="B")], monday)
    url = reverse("collections:section_move", args=[collection.pk, tuesday.pk])
    client.post(url, {"direction": "up"})
    assert [s.title for s in collection.sections.all()] == ["Tuesday", "Monday"]
    client.post(url, {"direction": "up"})  # already first
    assert [s.title for s in collection.sections.all()] == ["Tuesday", "Monday"]

    move_url = reverse("collections:item_section", args=[collection.pk, a.pk])
    client.post(move_url, {"section": tuesday.pk})
    assert titles(collection, tuesday) == ["A"] and titles(collection, monday) == ["B"]

    client.post(reverse("collections:section_delete", args=[collection.pk, tuesday.pk]))
    assert titles(collection) == ["A"]  # the paper stays, without a heading
    page = client.get(collection.get_absolute_url()).content.decode()
    assert ">Monday</h2>" in page and ">Tuesday</h2>" not in page


def test_the_json_order_endpoint_applies_a_whole_order(client, alice):
    collection = CollectionFactory(owner=alice)
    section = services.add_section(collection=collection, title="Later")
    a, b = add_papers(collection, [PaperFactory(title="A"), PaperFactory(title="B")])
    client.force_login(alice)
    url = reverse("collections:order", args=[collection.pk])
    body = {"sections": [section.pk], "items": {"": [b.pk], str(section.pk): [a.pk]}}
    assert client.post(url, body, content_type="application/json").status_code == 200
    assert titles(collection) == ["B"] and titles(collection, section) == ["A"]
    bad = {"sections": [section.pk], "items": {"": [b.pk]}}  # leaves out A
    assert client.post(url, bad, content_type="application/json").status_code == 400


def test_an_item_note_and_summary_can_be_chosen(client, alice, carol):
    collection = CollectionFactory(owner=alice)
    paper = PaperFactory()
    (item,) = add_papers(collection, [paper])
    listed = SummaryFactory(paper=paper, author=carol)
    private = SummaryFactory(paper=paper, visibility="private")
    client.force_login(alice)
    url = reverse("collections:item_edit", args=[collection.pk, item.pk])
    client.post(url, {"note": "Read *this* first", "summary": listed.pk})
    item.refresh_from_db()
    assert item.summary == listed and "<em>this</em>" in item.note_html
    client.post(url, {"note": "x", "summary": private.pk})  # not offered: ignored
    item.refresh_from_db()
    assert item.summary is None
    client.post(url, {"note": "x", "summary": listed.pk})
    page = client.get(collection.get_absolute_url()).content.decode()
    assert listed.get_absolute_url() in page


def test_a_summary_made_unlisted_is_no_longer_linked_from_others_collections(
    client, alice, carol, bob
):
    paper = PaperFactory()
    summary = SummaryFactory(paper=paper, author=carol, source="Carol explains it.")
    collection = CollectionFactory(owner=alice, visibility="public")
    services.add_item(collection=collection, paper=paper, summary=summary)
    api_url = f"/api/v1/collections/{collection.pk}"
    client.force_login(bob)
    assert summary.get_absolute_url() in client.get(collection.get_absolute_url()).text
    assert client.get(api_url).json()["items"][0]["summary_url"]

    SummaryFactory(paper=paper, author=carol, source="Carol explains it.", visibility="unlisted")

    for viewer in (None, alice, bob):
        client.logout()
        if viewer:
            client.force_login(viewer)
        assert summary.get_absolute_url() not in client.get(collection.get_absolute_url()).text
        assert client.get(api_url).json()["items"][0]["summary_url"] is None
    client.force_login(carol)  # its writer still finds it, as on her own listings
    assert summary.get_absolute_url() in client.get(collection.get_absolute_url()).text


# -- start from a list ---------------------------------------------------------------


@pytest.fixture
def arxiv_1707(network, shared_fixtures):
    capture = shared_fixtures / "arxiv_api" / "arxivpy_2026_id_1707.08567.json"
    network.route("https://export.arxiv.org/api/query", unwrap_capture(capture.read_bytes()))
    return network


def test_it_starts_from_a_pasted_list_with_headings(client, alice, arxiv_1707):
    known = PaperFactory(title="Batch Normalization: Accelerating Deep Network Training")
    client.force_login(alice)
    pasted = "\n".join(
        [
            "# Monday — Main talks",
            "arXiv:1707.08567",
            "batch normalization: accelerating deep network training",
            "## Tuesday",
            "A title nobody has written",
            "10.1234/not a doi",
        ]
    )
    response = client.post(
        reverse("collections:new"),
        {"title": "Notes", "visibility": "private", "papers": pasted},
        follow=True,
    )
    collection = Collection.objects.get()
    monday, tuesday = collection.sections.all()
    assert (monday.title, tuesday.title) == ("Monday — Main talks", "Tuesday")
    assert len(titles(collection, monday)) == 2
    assert titles(collection, monday)[1] == known.title
    assert Identifier.objects.filter(scheme="arxiv", value="1707.08567").exists()
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("collections:import", args=[collection.pk])
    assert "2 lines could not be added" in page
    assert "No paper with exactly this title" in page
    textarea = page.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert "A title nobody has written" in textarea and "1707.08567" not in textarea


def test_a_network_failure_is_reported_per_line(client, alice, network):
    network.fail(
        "https://export.arxiv.org/", safehttp.FetchError("arXiv timed out", retryable=True)
    )
    collection = CollectionFactory(owner=alice)
    known = PaperFactory(arxiv="1502.03167")
    outcome = services.add_from_list(collection=collection, text="1707.08567\n1502.03167\n")
    assert [item.paper for item in outcome.added] == [known]
    assert outcome.problems[0][0] == "1707.08567"
    assert "timed out" in outcome.problems[0][1]


def test_one_list_fetches_only_a_few_new_papers_and_keeps_the_rest(alice, network):
    network.fail("https://export.arxiv.org/", safehttp.FetchError("slow", retryable=True))
    collection = CollectionFactory(owner=alice)
    known = PaperFactory(arxiv="1502.03167")
    new_ids = [f"2101.{n:05d}" for n in range(1, 9)]
    text = "\n".join([*new_ids, "1502.03167"])
    outcome = services.add_from_list(collection=collection, text=text)
    fetched = [request for request in network.requests if "arxiv" in str(request.url)]
    assert len(fetched) == services.MAX_FETCHES_PER_LIST
    assert [item.paper for item in outcome.added] == [known]  # known papers never wait
    waiting = [line for line, why in outcome.problems if why == services.NOT_FETCHED_YET]
    assert waiting == new_ids[services.MAX_FETCHES_PER_LIST :]
    assert outcome.unresolved_text.splitlines() == new_ids  # all kept in the box


def test_it_adds_papers_from_a_bibtex_file(client, alice):
    collection = CollectionFactory(owner=alice)
    client.force_login(alice)
    data = b"@article{k1, title={A Bib Paper}, author={Ada Lovelace}, year={2001}}\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("refs.bib", data, content_type="application/x-bibtex")
    response = client.post(reverse("collections:import", args=[collection.pk]), {"bibtex": upload})
    assert response.status_code == 302
    assert titles(collection) == ["A Bib Paper"]


# -- exports and feed ----------------------------------------------------------------


def test_the_bibtex_export_parses_back(client, alice):
    collection = CollectionFactory(owner=alice)
    venue = VenueFactory(key="icml", name="International Conference on Machine Learning")
    tricky = PaperFactory(title="50% of {braces} & $x_1$ under_score #1", year=2015, venue=venue)
    Identifier.objects.create(paper=tricky, scheme="doi", value="10.1000/x_y")
    plain = PaperFactory(title="Plain", year=2020, arxiv="2001.00001", authors=["Émile Zola"])
    twin = PaperFactory(title="Plain", year=2020, authors=["Émile Zola"])
    add_papers(collection, [tricky, plain, twin])
    response = client.get(reverse("collections:export_bib", args=[collection.pk]))
    assert response["Content-Type"].startswith("application/x-bibtex")
    records = list(parse_bibtex(response.content))
    assert [(r.title, r.year) for r in records] == [
        (tricky.title, 2015),
        ("Plain", 2020),
        ("Plain", 2020),
    ]
    assert records[0].identifiers["doi"] == "10.1000/x_y"
    assert records[0].venue_name == venue.name
    assert records[1].identifiers["arxiv"] == "2001.00001"
    assert [a.name for a in records[1].authors] == ["Émile Zola"]
    assert records[0].authors[0].name == "Ada Lovelace"


def test_the_markdown_export_has_sections_and_notes(client, alice):
    collection = CollectionFactory(owner=alice, title="Ten papers")
    section = services.add_section(collection=collection, title="Tuesday")
    (item,) = add_papers(collection, [PaperFactory(title="Deep things", year=2016)], section)
    services.update_item(item=item, note="Worth it.", section=section)
    text = client.get(reverse("collections:export_md", args=[collection.pk])).content.decode()
    assert text.startswith("# Ten papers\n")
    assert "## Tuesday" in text and "Deep things" in text
    assert "Ada Lovelace, Alan Turing" in text and "2016" in text and "Worth it." in text


def test_the_feed_lists_added_papers_newest_first(client, alice):
    collection = CollectionFactory(owner=alice, title="Fresh")
    _first, second = add_papers(collection, [PaperFactory(title="Old"), PaperFactory(title="New")])
    services.update_item(item=second, note="Read **this**")
    response = client.get(reverse("feeds:collection", args=[collection.pk]))
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.feed.title.startswith("Fresh")
    assert [entry.title for entry in feed.entries] == ["New", "Old"]
    assert "<strong>this</strong>" in feed.entries[0].content[0].value


def test_people_can_follow_a_collection(client, alice, carol):
    collection = CollectionFactory(owner=alice)
    client.force_login(carol)
    url = reverse("notifications:follow", args=["collection", collection.pk])
    client.post(url, {"action": "follow"})
    assert Follow.objects.filter(follower=carol, collection=collection).exists()
    assert 'aria-pressed="true"' in client.get(collection.get_absolute_url()).content.decode()
    private = CollectionFactory(owner=alice, visibility="private")
    assert (
        client.post(reverse("notifications:follow", args=["collection", private.pk])).status_code
        == 404
    )


# -- pages in constant queries -------------------------------------------------------


def query_count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
def test_the_collection_page_makes_as_many_queries_for_2_as_for_10_items(client, carol, signed_in):
    if signed_in:
        client.force_login(carol)
    collection = CollectionFactory()
    section = services.add_section(collection=collection, title="Later")
    for paper in [PaperFactory(), PaperFactory()]:
        item = services.add_item(collection=collection, paper=paper, section=section)
        services.update_item(
            item=item, note="n", summary=SummaryFactory(paper=paper), section=section
        )
    few = query_count(client, collection.get_absolute_url())
    for paper in [PaperFactory(arxiv=f"1501.0000{n}") for n in range(8)]:
        item = services.add_item(collection=collection, paper=paper)
        services.update_item(item=item, note="n", summary=SummaryFactory(paper=paper))
    services.add_section(collection=collection, title="Even later")
    assert query_count(client, collection.get_absolute_url()) == few


def test_the_paper_page_counts_collections_in_constant_queries(client, alice, no_page_cache):
    paper = PaperFactory()
    hidden = CollectionFactory(owner=alice, visibility="unlisted", title="Hidden one")
    add_papers(hidden, [paper])
    for _ in range(2):
        add_papers(CollectionFactory(), [paper])
    client.get(paper.get_absolute_url())  # a reader's first visit of the day is counted
    few = query_count(client, paper.get_absolute_url())
    for _ in range(8):
        add_papers(CollectionFactory(), [paper])
    assert query_count(client, paper.get_absolute_url()) == few
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "In 10 collections" in page and "Hidden one" not in page


def test_the_profile_lists_collections_in_constant_queries(client, alice):
    for _ in range(2):
        add_papers(CollectionFactory(owner=alice), [PaperFactory()])
    few = query_count(client, alice.get_absolute_url())
    for _ in range(8):
        add_papers(CollectionFactory(owner=alice), [PaperFactory()])
    assert query_count(client, alice.get_absolute_url()) == few
