"""The filters both backends share: SQL on the SearchRank side table, and venue keys."""

from precis.importers.venues import venue_for_name
from precis.papers.models import Venue

from ..documents import HAS_SUMMARY_TAG, venue_tag, year_tag
from ..query import ParsedQuery

# Open-ended year ranges are closed at these years (each year in range is one index word).
FIRST_YEAR, LAST_YEAR = 1900, 2100

# A venue fragment matching more venue names than this ("conference") keeps the first few.
MAX_VENUE_KEYS = 50


def venue_keys(fragment: str) -> list[str]:
    """The venue keys ``venue:fragment`` means: the fragment as a key, the known venue it
    names ("neurips" is nips), and every venue whose name contains it."""
    known = venue_for_name(fragment)
    keys = {fragment.lower()} | ({known.key} if known else set())
    named = Venue.objects.filter(name__icontains=fragment).order_by("key")
    keys |= set(named.values_list("key", flat=True)[:MAX_VENUE_KEYS])
    return sorted(keys)


def filter_sql(query: ParsedQuery, alias: str = "r") -> tuple[list[str], list]:
    """WHERE fragments and their parameters for venue, year and has:summary, on SearchRank."""
    where: list[str] = []
    params: list = []
    for fragment in query.venues:
        keys = venue_keys(fragment)
        where.append(f"{alias}.venue_key IN ({', '.join(['%s'] * len(keys))})")
        params += keys
    if query.year_from is not None:
        where.append(f"{alias}.year >= %s")
        params.append(query.year_from)
    if query.year_to is not None:
        where.append(f"{alias}.year <= %s")
        params.append(query.year_to)
    if query.has_summary:
        where.append(f"{alias}.has_summary")
    return where, params


def filter_tag_groups(query: ParsedQuery) -> list[list[str]]:
    """The filters as index words (see search.documents.filter_tags): a document
    passes when it has one word of every group."""
    groups = [[venue_tag(key) for key in venue_keys(fragment)] for fragment in query.venues]
    if query.year_from is not None or query.year_to is not None:
        first = max(query.year_from or FIRST_YEAR, FIRST_YEAR)
        last = min(query.year_to or LAST_YEAR, LAST_YEAR)
        groups.append([year_tag(year) for year in range(first, last + 1)] or ["xyearnone"])
    if query.has_summary:
        groups.append([HAS_SUMMARY_TAG])
    return groups
