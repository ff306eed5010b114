from django.conf import settings
from django.utils.functional import SimpleLazyObject

from precis.lib.moderation import is_moderator

from . import generations
from .siteurl import site_url


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Absolute links on pages: SITE_URL when set, else this request's scheme and host.
        "SITE_URL": site_url(request),
        # Looked up only where a page asks (a signed-in header, a "moderate" link), and
        # afresh each request, so that leaving the moderators takes the links away.
        "is_moderator": SimpleLazyObject(lambda: user is not None and is_moderator(user)),
        # For fragments that are the same for every reader ({% cache %} in templates):
        # kept until the data changes, read only by a page that has such a fragment.
        "data_generation": SimpleLazyObject(generations.current),
        "fragment_seconds": settings.PAGE_CACHE_SECONDS,
    }
