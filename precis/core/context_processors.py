from django.conf import settings
from django.utils.functional import SimpleLazyObject

from precis.lib.moderation import shows_moderator_links


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        # Looked up only where a page asks (its nav, a "moderate" link).
        "is_moderator": SimpleLazyObject(lambda: user is not None and shows_moderator_links(user)),
    }
