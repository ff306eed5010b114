import hashlib

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from precis.lib import imageproxy, ratelimit

from . import proxy

# Requests per client address per minute; a page's images come from the
# browser's cache after the first view (Cache-Control below).
REQUESTS_PER_MINUTE = 120


@require_safe
def image(request, signature, encoded):
    """An external image, fetched by this site so that readers never contact its host.

    Answers 404 unless this site signed the path. Reads neither the session nor
    the user, so it sets no cookie, and its answers may be shared by caches.
    """
    url = imageproxy.url_from(signature, encoded)
    if url is None:
        return _error("No such image.", status=404)
    if not ratelimit.allow(
        "image_proxy", _client(request), limit=REQUESTS_PER_MINUTE, window_seconds=60
    ):
        response = _error("Too many image requests; please wait a minute.", status=429)
        response["Retry-After"] = "60"
        return response
    try:
        image = proxy.get_image(url)
    except proxy.ImageError as exc:
        response = _error(exc.message, status=exc.status)
        if exc.status == 503:
            response["Retry-After"] = "10"
        return response
    response = HttpResponse(image.content, content_type=image.content_type)
    response["Cache-Control"] = f"public, max-age={proxy.CACHE_SECONDS}"
    return _sealed(response)


def _client(request) -> str:
    # Hashed, like lib.ratelimit does for visitors; request.user is not touched,
    # since reading it would read the session.
    address = request.META.get("REMOTE_ADDR", "")
    return "ip:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def _error(message: str, *, status: int) -> HttpResponse:
    response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = f"public, max-age={proxy.FAILURE_CACHE_SECONDS}"
    return _sealed(response)


def _sealed(response: HttpResponse) -> HttpResponse:
    """Headers that keep a hostile image (or error) from acting as a page of this site."""
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, the CSP middleware leaves it alone.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
