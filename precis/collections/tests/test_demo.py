import pytest
from django.core.management import call_command

from precis.collections.models import Collection, CollectionItem


@pytest.mark.django_db
def test_the_demo_loads_its_collections_idempotently():
    call_command("load_demo", stdout=None)
    call_command("load_demo", stdout=None)
    assert Collection.objects.listed().count() == 2
    notes = Collection.objects.get(title="ICML 2015 notes")
    assert next(s.title for s in notes.sections.all()) == "Tuesday — Deep learning"
    assert CollectionItem.objects.count() == 15
    assert all(item.note_html for item in CollectionItem.objects.all())
