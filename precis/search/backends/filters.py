"""SQL for the filters both backends share (they live on the SearchDocument table)."""

from precis.importers.venues import venue_for_name

from ..query import ParsedQuery


def filter_sql(query: ParsedQuery, alias: str = "d") -> tuple[list[str], list]:
    """WHERE fragments and their parameters for venue, year and has:summary."""
    where: list[str] = []
    params: list = []
    for fragment in query.venues:
        known = venue_for_name(fragment)
        keys = {fragment.lower()} | ({known.key} if known else set())
        placeholders = ", ".join(["%s"] * len(keys))
        where.append(
            f"({alias}.venue_key IN ({placeholders}) OR lower({alias}.venue_name) LIKE %s)"
        )
        params += [*sorted(keys), f"%{fragment.lower()}%"]
    if query.year_from is not None:
        where.append(f"{alias}.year >= %s")
        params.append(query.year_from)
    if query.year_to is not None:
        where.append(f"{alias}.year <= %s")
        params.append(query.year_to)
    if query.has_summary:
        where.append(f"{alias}.summary_count > 0")
    return where, params


# Search results favour papers with well-voted summaries: the text score is scaled by this.
BOOST_SQL = "(1.0 + {a}.best_wilson + CASE WHEN {a}.summary_count > 0 THEN 0.25 ELSE 0 END)"
