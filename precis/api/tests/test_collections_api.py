import pytest

from precis.collections.models import Collection, CollectionItem, CollectionSection
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


def make_collection(owner, visibility="public", *, private_summary=False):
    collection = Collection.objects.create(owner=owner, title="ICML notes", visibility=visibility)
    section = CollectionSection.objects.create(collection=collection, title="Tuesday", position=0)
    paper = PaperFactory(title="A paper in notes")
    summary = SummaryFactory(paper=paper, visibility="private" if private_summary else "public")
    CollectionItem.objects.create(
        collection=collection, section=section, paper=paper, note="Good talk.", summary=summary
    )
    return collection


def test_a_public_collection_reads_in_order_with_sections(client, alice):
    collection = make_collection(alice)
    data = client.get(f"/api/v1/collections/{collection.pk}").json()
    assert data["title"] == "ICML notes"
    assert data["sections"] == ["Tuesday"]
    assert data["items"][0]["paper"]["title"] == "A paper in notes"
    assert data["items"][0]["section"] == "Tuesday"
    assert data["items"][0]["summary_url"].endswith("/")


def test_private_collections_are_404_to_others_and_visible_to_their_owner(client, alice, carol):
    collection = make_collection(alice, visibility="private")
    client.force_login(carol)
    response = client.get(f"/api/v1/collections/{collection.pk}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    client.force_login(alice)
    assert client.get(f"/api/v1/collections/{collection.pk}").status_code == 200


def test_an_items_private_summary_is_not_linked_for_others(client, alice):
    collection = make_collection(alice, private_summary=True)
    assert (
        client.get(f"/api/v1/collections/{collection.pk}").json()["items"][0]["summary_url"] is None
    )


def test_a_users_collections_list_only_public_ones_to_others(client, alice):
    make_collection(alice)
    make_collection(alice, visibility="private")
    data = client.get("/api/v1/users/alice/collections").json()
    assert [c["title"] for c in data["results"]] == ["ICML notes"]
    assert data["results"][0]["item_count"] == 1
    assert client.get("/api/v1/users/nobody/collections").status_code == 404
