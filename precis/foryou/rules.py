"""Which collections and people may shape a reader's feed, as filters (no query of their own).

One rule for training, the page, the e-mail and the Atom feed: a reader's own
collections, any visibility; someone else's only while public, shown, and owned by a
public person whom the reader has not muted or blocked and who has not blocked them.
"""

from django.db.models import Q

from precis.accounts.models import Block, public_q
from precis.collections.models import Collection
from precis.lib.moderation import shown
from precis.summaries.models import Visibility


def silenced_q(reader, field: str) -> Q:
    """Rows whose ``field`` (a user) the reader muted or blocked, or who blocked the reader."""
    return Q(**{f"{field}__in": Block.objects.muted_by(reader)}) | Q(
        **{f"{field}__in": Block.objects.filter(whom=reader, kind=Block.Kind.BLOCK).values("who")}
    )


def seedable_q(reader, prefix: str = "") -> Q:
    """The collections ``reader`` may seed their feed with, through a relation ``prefix``
    ("collection__")."""
    others = (
        Q(**{f"{prefix}visibility": Visibility.PUBLIC})
        & shown(prefix)
        & public_q(f"{prefix}owner__")
        & ~silenced_q(reader, f"{prefix}owner")
    )
    return Q(**{f"{prefix}owner": reader}) | others


def seedable_collections(reader):
    """The collections ``reader`` may seed their feed with (a queryset)."""
    return Collection.objects.filter(seedable_q(reader))


def followable_collections(reader):
    """Collections ``reader`` follows that may still explain a pick: their own, and others'
    they may open (public or unlisted, shown, by a public person they did not silence)."""
    others = (
        Q(visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED])
        & shown()
        & public_q("owner__")
        & ~silenced_q(reader, "owner")
    )
    return Collection.objects.filter(followers__follower=reader).filter(Q(owner=reader) | others)
