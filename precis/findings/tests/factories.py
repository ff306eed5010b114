"""Findings built through the real services, and a verified author of a paper.

As in ``discussions.tests.factories``, each factory's ``model`` is the service that
writes the row (``build()`` writes too).
"""

import factory
from allauth.socialaccount.models import SocialAccount

from precis.accounts.models import PaperClaim
from precis.accounts.tests.factories import UserFactory
from precis.findings import services
from precis.papers.tests.factories import PaperFactory


class FindingFactory(factory.Factory):
    class Meta:
        model = services.report_finding

    author = factory.SubFactory(UserFactory)
    paper = factory.SubFactory(PaperFactory)
    kind = "erratum"
    # Distinct titles: the same finding twice within seconds would be a double submit.
    title = factory.Sequence(lambda n: f"Finding {n}: equation 4 drops a factor of 2")
    source = "In Eq. 4, $\\sum_i x_i$ should be $2\\sum_i x_i$; see the appendix."
    paper_version = ""
    link_url = ""


class ReplyFactory(factory.Factory):
    class Meta:
        model = services.post_reply

    author = factory.SubFactory(UserFactory)
    finding = factory.SubFactory(FindingFactory)
    source = factory.Sequence(lambda n: f"Reply {n}: I checked, and $x_1$ is fine.")
    status = ""


ORCID = "0000-0002-1825-0097"


def verified_author(paper, *, username="dana", orcid=ORCID):
    """Someone who signed in with ORCID (so proved their iD) and claimed ``paper``."""
    person = UserFactory(username=username, orcid=orcid)
    SocialAccount.objects.create(user=person, provider="orcid", uid=orcid)
    PaperClaim.objects.create(user=person, paper=paper)
    return person


def unverified_claimant(paper, *, username="erin", orcid="0000-0001-5109-3700"):
    """Someone who typed an ORCID iD into their profile and claimed ``paper`` through it,
    without ever signing in with ORCID: a claim, not a proof."""
    person = UserFactory(username=username, orcid=orcid)
    PaperClaim.objects.create(user=person, paper=paper)
    return person
