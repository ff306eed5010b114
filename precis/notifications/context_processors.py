from .services import unread_count


def notifications(request):
    """The bell's unread count (one COUNT query, for signed-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
