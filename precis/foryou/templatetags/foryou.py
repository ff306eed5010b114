from django import template

from precis.foryou.models import Seed
from precis.summaries.models import Visibility

register = template.Library()


@register.inclusion_tag("foryou/_seed_control.html", takes_context=True)
def seed_control(context, collection):
    """The "Use this collection for my feed" button, for signed-in readers who may seed
    with ``collection`` (their own, or a public one); one query, none when signed out."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = bool(
        user is not None
        and user.is_authenticated
        and (collection.owner_id == user.pk or collection.visibility == Visibility.PUBLIC)
    )
    seeded = shown and Seed.objects.filter(reader=user, collection=collection).exists()
    return {"show": shown, "seeded": seeded, "collection": collection, "request": request}
