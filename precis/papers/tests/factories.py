import factory

from precis.papers.models import Author, Identifier, Paper, PaperAuthor, Venue


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"venue{n}")
    name = factory.LazyAttribute(lambda venue: f"Conference {venue.key.upper()}")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"A study of things, part {n}")
    abstract = "We study things and find that they are so."
    year = 2016
    venue = factory.SubFactory(VenueFactory)
    categories = ["cs.LG"]

    @factory.post_generation
    def authors(paper, create, extracted, **kwargs):
        if not create:
            return
        for position, name in enumerate(extracted or ["Ada Lovelace", "Alan Turing"]):
            author, _ = Author.objects.get_or_create(name=name)
            PaperAuthor.objects.create(paper=paper, author=author, position=position)

    @factory.post_generation
    def arxiv(paper, create, extracted, **kwargs):
        if create and extracted:
            Identifier.objects.create(paper=paper, scheme="arxiv", value=extracted)
