"""Activity over the last days as small inline SVG line charts.

The SVG uses presentation attributes only (``stroke``, ``fill``...), never a
``style`` attribute: the Content-Security-Policy has ``style-src 'self'``,
which blocks inline styles but not presentation attributes.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from precis.summaries.models import DailyViews, Vote

ACTIVITY_DAYS = 30
PADDING = 2  # SVG user units kept clear around the line, so a round stroke is not clipped


def sparkline_svg(points: list[int], *, width: int = 120, height: int = 24, label: str) -> str:
    """An inline SVG line through ``points`` (oldest first), labelled for screen readers.

    The tallest point touches the top; all zeros draw a flat line along the bottom.
    Returns markup safe to put in a template as it is.
    """
    values = [max(int(point), 0) for point in points] or [0]
    if len(values) == 1:
        values = values * 2  # one point still draws a line, not nothing
    tallest = max(values) or 1
    step = (width - 2 * PADDING) / (len(values) - 1)
    span = height - 2 * PADDING
    coordinates = " ".join(
        f"{PADDING + index * step:.1f},{height - PADDING - value / tallest * span:.1f}"
        for index, value in enumerate(values)
    )
    text = escape(label)
    return mark_safe(  # noqa: S308 - numbers we formatted and the escaped label only
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{text}">'
        f"<title>{text}</title>"
        f'<polyline points="{coordinates}" fill="none" stroke="currentColor" '
        f'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/></svg>'
    )


@dataclass(frozen=True)
class Activity:
    """Views and votes per day, oldest first, ``days`` long, zeros filled."""

    views: list[int]
    votes: list[int]
    days: int

    @property
    def views_total(self) -> int:
        return sum(self.views)

    @property
    def votes_total(self) -> int:
        return sum(self.votes)

    @property
    def is_empty(self) -> bool:
        return not self.views_total and not self.votes_total

    def views_svg(self) -> SafeString:
        label = f"Views per day over the last {self.days} days: {self.views_total} in all"
        return sparkline_svg(self.views, label=label)

    def votes_svg(self) -> SafeString:
        label = f"Votes cast per day over the last {self.days} days: {self.votes_total} in all"
        return sparkline_svg(self.votes, label=label)


def activity_of(summaries, *, days: int = ACTIVITY_DAYS, today=None) -> Activity:
    """Views and votes on ``summaries`` (a queryset) per day: two queries, whatever the size.

    Caller decides who may see it: the numbers are only as public as ``summaries``.
    Votes count by the day they were first cast; a withdrawn vote no longer counts.
    """
    today = today or timezone.localdate()
    first_day = today - datetime.timedelta(days=days - 1)
    views = (
        DailyViews.objects.filter(summary__in=summaries, day__gte=first_day, day__lte=today)
        .values("day")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("day", "n")
    )
    since = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    votes = (
        Vote.objects.filter(summary__in=summaries, created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    return Activity(
        views=_per_day(views, first_day, days), votes=_per_day(votes, first_day, days), days=days
    )


def _per_day(rows, first_day: datetime.date, days: int) -> list[int]:
    counts = [0] * days
    for day, count in rows:
        index = (day - first_day).days
        if 0 <= index < days:
            counts[index] += count
    return counts
