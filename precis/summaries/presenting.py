"""How one viewer may see one summary: the rule every reference to a summary goes through.

Pages, the API, collections and exports all name summaries that belong to
other people. Each of them asks ``as_seen_by`` instead of reading
``visibility``, ``anonymous`` or ``author`` itself, so that the privacy and
anonymity rules live in one place (the row-level rules are on ``Summary``; the
QuerySet twins are ``listed_for`` and ``viewable_by``).
"""

from dataclasses import dataclass

from .models import Summary


@dataclass(frozen=True)
class SeenSummary:
    summary: Summary
    viewable: bool  # may be opened by permalink
    findable: bool  # could be found on a listing, so it may be linked from shared pages
    author: object | None  # the writer, or None while anonymous (or hidden) to this viewer

    @property
    def author_username(self) -> str | None:
        return self.author.username if self.author is not None else None


def as_seen_by(summary: Summary, viewer) -> SeenSummary:
    """What ``viewer`` may know of ``summary``; nothing about a summary they cannot open."""
    viewable = summary.is_viewable_by(viewer)
    return SeenSummary(
        summary=summary,
        viewable=viewable,
        findable=viewable and summary.is_listed_for(viewer),
        author=summary.author_shown_to(viewer) if viewable else None,
    )
