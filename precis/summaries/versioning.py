"""What a summary written for an earlier version of its paper tells its readers.

A summary records the paper version it was written against (``paper_version``:
set when it is written or edited, or when its writer confirms it still holds).
When a newer version has been imported since, its page shows a notice ("written
for v1; the paper is now at v3") with a word-level diff of the paper's title,
abstract and arXiv comments between the two versions (``diffing.compare``).

Nothing here reads more than the paper's public metadata and the summary's own
``paper_version``; callers show it only where the summary itself may be seen.
"""

from dataclasses import dataclass, field

from django.core.cache import cache

from precis.papers.models import PaperVersion

from .diffing import Diff, compare

# Versions never change once both have text; a diff of two abstracts is cached a week.
DIFF_CACHE_SECONDS = 7 * 24 * 3600
FIELDS = (("title", "Title"), ("abstract", "Abstract"), ("comments", "Comments"))


@dataclass
class FieldChange:
    name: str  # "Title", "Abstract", "Comments"
    diff: Diff


@dataclass
class VersionNotice:
    written: PaperVersion
    current: PaperVersion
    # Fields that differ between the two versions' text; empty when none does, or when
    # the written-for version's text was never recorded (``compared`` is False then).
    changes: list[FieldChange] = field(default_factory=list)
    compared: bool = False


def is_outdated(summary, paper) -> bool:
    """Whether ``summary`` was written for a version older than ``paper``'s newest (no query)."""
    return bool(
        summary.paper_version_id
        and paper.latest_version_id
        and summary.paper_version_id != paper.latest_version_id
    )


def version_notice(summary, paper) -> VersionNotice | None:
    """The notice for a summary written for an earlier version of ``paper``, else None.

    One query for the two versions (none when the summary is current or its version
    unknown); the diff is cached by the pair of versions.
    """
    if not is_outdated(summary, paper):
        return None
    found = {
        version.pk: version
        for version in PaperVersion.objects.filter(
            pk__in=[summary.paper_version_id, paper.latest_version_id]
        ).select_related("paper")
    }
    written = found.get(summary.paper_version_id)
    current = found.get(paper.latest_version_id)
    if written is None or current is None or written.number >= current.number:
        return None
    notice = VersionNotice(written=written, current=current)
    if written.has_snapshot and current.has_snapshot:
        notice.compared = True
        key = f"summaries:version-diff:v1:{written.pk}:{current.pk}"
        notice.changes = cache.get_or_set(
            key, lambda: changes_between(written, current), DIFF_CACHE_SECONDS
        )
    return notice


def changes_between(older: PaperVersion, newer: PaperVersion) -> list[FieldChange]:
    """Word-level diffs of the fields whose text differs between two versions."""
    return [
        FieldChange(name=label, diff=compare(getattr(older, name), getattr(newer, name)))
        for name, label in FIELDS
        if getattr(older, name) != getattr(newer, name)
    ]
