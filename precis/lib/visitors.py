"""Telling readers apart for view counts, without keeping who they are."""


def visitor_of(request) -> str:
    """An opaque string that tells visitors apart for a day; hashed before it is kept."""
    address = request.META.get("REMOTE_ADDR", "")
    return f"{address}|{request.headers.get('User-Agent', '')}"
