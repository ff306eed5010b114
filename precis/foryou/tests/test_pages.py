"""/for-you/ and its forms: signed out, cold start, picks, seeds, settings, bounded queries."""

import pytest
from django.test import Client

from precis.collections import services as collections
from precis.foryou import training
from precis.foryou.models import Pick, Profile, Seed
from precis.foryou.reading import PICKS_PER_PAGE
from precis.moderation.tests.factories import hide
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader)
    return client


def collect(owner, papers, *, title="Mine", visibility="private"):
    collection = collections.create_collection(owner=owner, title=title, visibility=visibility)
    for paper in papers:
        collections.add_item(collection=collection, paper=paper)
    return collection


def test_signed_out_readers_get_a_page_that_explains_it(client):
    response = client.get("/for-you/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sign in to see your feed" in text
    assert "/accounts/login/?next=/for-you/" in text


def test_a_new_reader_gets_popular_summaries_and_a_hint(signed_in, writer, corpus):
    SummaryFactory(author=writer, paper=corpus.robots[0])
    response = signed_in.get("/for-you/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "nothing to learn from yet" in text
    assert corpus.robots[0].title in text
    assert "private" in response["Cache-Control"]


def test_a_trained_reader_sees_their_picks_with_reasons(signed_in, reader, writer, corpus):
    SummaryFactory(author=writer, paper=corpus.folding[4], source="Embeddings of residues.")
    collect(reader, corpus.folding[:3])
    training.train_readers([reader.pk])

    text = signed_in.get("/for-you/").content.decode()
    assert corpus.folding[4].title in text
    assert "Because you collected" in text
    assert "Best summary by" in text and "Wren Writer" in text
    assert text.index(corpus.folding[3].title) < text.index(corpus.robots[0].title)


def test_the_page_never_trains(signed_in, reader, corpus, django_assert_max_num_queries):
    collect(reader, corpus.folding[:3])
    signed_in.get("/for-you/")
    assert not Pick.objects.filter(reader=reader).exists()


def test_the_page_takes_the_same_queries_for_two_picks_or_a_page_full(
    signed_in, reader, writer, corpus, django_assert_max_num_queries, no_page_cache
):
    collect(reader, corpus.folding[:2])
    training.train_readers([reader.pk])
    assert Pick.objects.filter(reader=reader).count() < 15
    with django_assert_max_num_queries(16) as few:
        signed_in.get("/for-you/")
    for n in range(30):
        paper = PaperFactory(title=f"Protein folding residues study {n}")
        SummaryFactory(author=writer, paper=paper, source=f"Folding note {n}.")
    training.train_readers([reader.pk])
    assert Pick.objects.filter(reader=reader).count() >= PICKS_PER_PAGE
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get("/for-you/")


# Raw query-string values: "%ED%A0%80" is a lone surrogate as UTF-8 would spell it.
HOSTILE = ["99999999999999999999", "%00", "-1", "1e9", "abc", "2" * 200_000, "%ED%A0%80", "%01%7F"]
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("page", HOSTILE)
def test_absurd_page_numbers_get_a_page(signed_in, reader, corpus, page):
    collect(reader, corpus.folding[:3])
    training.train_readers([reader.pk])
    response = signed_in.get(f"/for-you/?page={page}")
    if page == "%00":  # refused site-wide, before any view, with a clear message
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert corpus.folding[3].title in response.content.decode()


def test_seeding_from_someone_elses_public_collection(signed_in, reader, writer, corpus):
    public = collect(writer, corpus.robots[:3], title="Robots I like", visibility="public")
    page = signed_in.get(public.get_absolute_url()).content.decode()
    assert "Use this collection for my feed" in page

    response = signed_in.post("/for-you/seeds", {"collection": public.pk})
    assert response.status_code == 302
    assert Seed.objects.filter(reader=reader, collection=public).exists()
    training.train_readers([reader.pk])
    text = signed_in.get("/for-you/").content.decode()
    assert "Because you chose the collection “Robots I like” for your feed" in text
    assert text.index(corpus.robots[3].title) < text.index(corpus.folding[0].title)
    assert "In your feed" in signed_in.get(public.get_absolute_url()).content.decode()

    signed_in.post(f"/for-you/seeds/{public.pk}/remove")
    assert not Seed.objects.filter(reader=reader).exists()


@pytest.mark.parametrize("visibility", ["private", "unlisted"])
def test_seeding_from_someone_elses_private_or_unlisted_collection_is_refused(
    signed_in, reader, writer, corpus, visibility
):
    theirs = collect(writer, corpus.robots[:3], title="Not yours", visibility=visibility)
    assert signed_in.post("/for-you/seeds", {"collection": theirs.pk}).status_code == 404
    assert not Seed.objects.exists()


def test_a_hidden_collection_cannot_seed_and_stops_explaining(
    signed_in, reader, writer, corpus, bob
):
    public = collect(writer, corpus.robots[:3], title="Spammy robots", visibility="public")
    signed_in.post("/for-you/seeds", {"collection": public.pk}, follow=True)
    training.train_readers([reader.pk])
    assert "Spammy robots" in signed_in.get("/for-you/").content.decode()
    hide(public, bob)
    text = signed_in.get("/for-you/").content.decode()
    assert "Spammy robots" not in text
    other = collect(writer, corpus.robots[3:], title="Hidden too", visibility="public")
    hide(other, bob)
    assert signed_in.post("/for-you/seeds", {"collection": other.pk}).status_code == 404


def test_a_reader_may_seed_with_their_own_private_collection(signed_in, reader, corpus):
    mine = collect(reader, corpus.folding[:2], title="My secret list")
    assert signed_in.post("/for-you/seeds", {"collection": mine.pk}).status_code == 302
    assert Seed.objects.filter(reader=reader, collection=mine).exists()


@pytest.mark.parametrize("value", [*HOSTILE, ""])
def test_hostile_seed_input_is_a_clear_404(signed_in, value):
    response = signed_in.post("/for-you/seeds", f"collection={value}", content_type=FORM)
    assert response.status_code == (400 if value == "%00" else 404)


def test_seeding_needs_a_post_and_an_account(client, writer, corpus):
    public = collect(writer, corpus.robots[:1], visibility="public")
    assert client.post("/for-you/seeds", {"collection": public.pk}).status_code == 302
    assert not Seed.objects.exists()
    client.force_login(writer)
    assert client.get("/for-you/seeds").status_code == 405


def test_forms_need_the_csrf_token(reader, writer, corpus):
    public = collect(writer, corpus.robots[:1], visibility="public")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    assert strict.post("/for-you/seeds", {"collection": public.pk}).status_code == 403
    assert strict.post("/for-you/email", {"frequency": "daily"}).status_code == 403
    assert strict.post("/for-you/feed-address").status_code == 403


@pytest.mark.parametrize("value", ["hourly", *HOSTILE])
def test_a_bad_email_frequency_is_refused_with_a_message(signed_in, reader, value):
    response = signed_in.post(
        "/for-you/email", f"frequency={value}", content_type=FORM, follow=True
    )
    if value == "%00":  # refused site-wide, before any view, with a clear message
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert "Choose never, daily or weekly." in response.content.decode()
    assert not Profile.objects.filter(user=reader).exclude(email_frequency="off").exists()


@pytest.mark.parametrize("collection_id", ["0", "99999999999999999999", "2147483648"])
def test_removing_an_absurd_seed_is_a_clear_404(signed_in, collection_id):
    assert signed_in.post(f"/for-you/seeds/{collection_id}/remove").status_code == 404


def test_each_reader_gets_their_own_page_never_a_cached_one(
    client, reader, writer, corpus, settings
):
    """With the shared page cache on, a signed-out copy of /for-you/ and one reader's
    page never reach another reader."""
    settings.PAGE_CACHE_SECONDS = 300
    collect(reader, corpus.folding[:3])
    training.train_readers([reader.pk])
    signed_out = client.get("/for-you/").content.decode()
    assert "Sign in to see your feed" in signed_out
    client.force_login(reader)
    mine = client.get("/for-you/").content.decode()
    assert "Because you collected" in mine
    client.force_login(writer)
    theirs = client.get("/for-you/").content.decode()
    assert "Because you collected" not in theirs
    assert "nothing to learn from yet" in theirs
    client.logout()
    assert "Sign in to see your feed" in client.get("/for-you/").content.decode()
