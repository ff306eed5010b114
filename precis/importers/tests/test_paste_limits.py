"""Bulk adds from the web are held to per-paste and per-day limits; staff may go further."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from precis.collections.models import Collection
from precis.collections.tests.factories import CollectionFactory
from precis.importers import services
from precis.papers.models import Paper

pytestmark = pytest.mark.django_db


def bibtex(count: int, *, start: int = 0, padding: str = "") -> str:
    return "".join(
        f"@article{{p{n}, author = {{Ann Author{n}}}, title = {{Pasted Paper Number {n}}},\n"
        f"  year = {{2020}}{padding}}}\n"
        for n in range(start, start + count)
    )


def paste(client, text):
    return client.post(reverse("importers:add"), {"query": text})


def textarea(response) -> str:
    return response.content.decode().split("<textarea", 1)[1].split("</textarea>", 1)[0]


def test_it_refuses_more_entries_than_a_paste_may_hold_and_keeps_the_text(client, alice):
    client.force_login(alice)
    text = bibtex(services.MAX_PASTE_ENTRIES + 1)
    response = paste(client, text)
    page = response.content.decode()
    assert response.status_code == 413
    assert "Your paste has 51 entries; the limit is 50 per paste." in page
    assert "manage.py import_papers" in page
    assert "Pasted Paper Number 50" in textarea(response)
    assert "Your text is still in the box below." in page
    assert not Paper.objects.exists()


def test_it_refuses_more_bytes_than_a_paste_may_hold(client, alice):
    client.force_login(alice)
    text = bibtex(2, padding=", note = {" + "x" * services.MAX_PASTE_BYTES + "}")
    response = paste(client, text)
    assert response.status_code == 413
    assert "the limit is 200 KB per paste" in response.content.decode()
    assert not Paper.objects.exists()


def test_it_refuses_an_upload_over_the_limit_before_reading_it(client, alice):
    client.force_login(alice)
    upload = SimpleUploadedFile("refs.bib", b"%" * (services.MAX_PASTE_BYTES + 1))
    response = client.post(reverse("importers:add"), {"file": upload})
    assert response.status_code == 413
    assert "the limit is 200 KB per paste" in response.content.decode()


def test_it_caps_the_papers_a_person_adds_in_a_day(client, alice, carol):
    client.force_login(alice)
    per_paste = services.MAX_PASTE_ENTRIES
    for start in range(0, services.DAILY_PASTED_PAPERS, per_paste):
        assert paste(client, bibtex(per_paste, start=start)).status_code == 200
    assert Paper.objects.count() == services.DAILY_PASTED_PAPERS
    response = paste(client, bibtex(1, start=10_000))
    page = response.content.decode()
    assert response.status_code == 429
    assert "you can add 0 more papers today (at most 200 a day this way)" in page
    assert "Pasted Paper Number 10000" in textarea(response)
    assert Paper.objects.count() == services.DAILY_PASTED_PAPERS
    client.force_login(carol)  # the cap is per person
    assert paste(client, bibtex(1, start=10_000)).status_code == 200


def test_it_counts_only_papers_a_paste_created(client, alice):
    client.force_login(alice)
    text = bibtex(services.MAX_PASTE_ENTRIES)
    pastes = services.DAILY_PASTED_PAPERS // services.MAX_PASTE_ENTRIES + 2
    for _ in range(pastes):  # the same entries again create nothing new
        assert paste(client, text).status_code == 200
    assert Paper.objects.count() == services.MAX_PASTE_ENTRIES


def test_it_lets_staff_paste_more(client, bob):
    client.force_login(bob)
    count = services.MAX_PASTE_ENTRIES * 2
    response = paste(client, bibtex(count))
    assert response.status_code == 200
    assert Paper.objects.count() == count


def test_it_holds_a_collections_start_from_a_list_to_the_same_limits(client, alice):
    collection = CollectionFactory(owner=alice)
    client.force_login(alice)
    response = client.post(
        reverse("collections:import", args=[collection.pk]),
        {"papers": bibtex(services.MAX_PASTE_ENTRIES + 1)},
        follow=True,
    )
    assert "Your paste has 51 entries; the limit is 50 per paste." in response.content.decode()
    assert not Paper.objects.exists()
    assert not Collection.objects.get().items.exists()


def test_it_refuses_a_short_paste_that_names_too_many_authors(client, alice):
    # 14 @strings double "Ann Bee and " up to 8,192 names an entry: 4 KB of text
    strings = '@string{a0 = "Ann Bee and "}\n' + "".join(
        f"@string{{a{k} = a{k - 1} # a{k - 1}}}\n" for k in range(1, 14)
    )
    entries = "".join(
        f"@article{{w{n}, author = a13 # {{Zed Last}}, title = {{Worst Case {n}}}}}\n"
        for n in range(3)
    )
    client.force_login(alice)
    response = paste(client, strings + entries)
    assert response.status_code == 413
    assert "authors; the limit is 5,000 per paste." in response.content.decode()
    assert not Paper.objects.exists()
