import factory

from precis.accounts.tests.factories import UserFactory
from precis.collections import services
from precis.collections.models import Collection


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Reading list {n}")
    description = "Papers worth *reading*."
    visibility = "public"


def add_papers(collection, papers, section=None):
    return [services.add_item(collection=collection, paper=p, section=section) for p in papers]
