"""Template helpers for share metadata and activity sparklines: ``{% load feeds %}``."""

from django import template

from precis.lib import richtext
from precis.summaries.models import Summary

from ..sparkline import activity_of

register = template.Library()


@register.filter
def plain_text(source: str, max_chars: int = 200) -> str:
    """Markdown to a one-line plain-text snippet, for meta descriptions (escape it as usual)."""
    return richtext.plain_text(source or "", max_chars=max_chars)


@register.inclusion_tag("feeds/_activity.html", takes_context=True)
def summary_activity(context, summary: Summary) -> dict:
    """The summary's views and votes for the last days; shown to its writer and no one else."""
    user = context.get("user")
    if user is None or not user.is_authenticated or summary.author_id != user.pk:
        return {"show": False}
    # The writer sees the chart even when it is flat: "no one has read it yet" is news too.
    return {"show": True, "activity": activity_of(Summary.objects.filter(pk=summary.pk))}


@register.inclusion_tag("feeds/_activity.html")
def paper_activity(paper) -> dict:
    """Views and votes over the paper's listed summaries, for everyone; nothing if none."""
    activity = activity_of(Summary.objects.listed().filter(paper=paper))
    return {"show": not activity.is_empty, "activity": activity}
