import factory

from precis.accounts.tests.factories import UserFactory
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services


class SummaryFactory(factory.Factory):
    """Builds summaries through the real service, so HTML and revisions are real: its
    ``model`` is the service, called with the declared fields (``build()`` writes too)."""

    class Meta:
        model = services.save_summary

    author = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)
    source = "The paper shows that $x_1 + x_2 = y$ under **mild** assumptions."
    visibility = "public"
    anonymous = False
