"""The site's base URL for absolute links: SITE_URL when set, else the request's own.

Canonical and OpenGraph links, feeds, sitemaps and API answers need absolute URLs.
When SITE_URL is set it is the public address and always wins. When it is not (the
demo on any PORT, a quick deployment), each request says where the site was reached:
its scheme (https only through TRUSTED_PROXIES, precis/core/proxies.py) and its host
(checked against ALLOWED_HOSTS by CommonMiddleware before this runs). Code with no
request at hand (e-mails from tasks, the feeds and presenters it calls) reads the
request's base from a context variable that SiteUrlMiddleware sets for the length of
a request, and falls back to SITE_URL outside one.

The page cache keys signed-out pages on scheme, host and path, so a page rendered
for one host is never served to another with the first host's links.
"""

from contextvars import ContextVar

from django.conf import settings

_request_base: ContextVar[str | None] = ContextVar("precis_request_base_url", default=None)


def base_of(request) -> str:
    """``scheme://host[:port]`` as ``request`` reached the site."""
    return f"{request.scheme}://{request.get_host()}"


def site_url(request=None) -> str:
    """The base URL to put before a root-relative path (no trailing slash)."""
    if settings.SITE_URL_IS_SET:
        return settings.SITE_URL
    if request is not None:
        return base_of(request)
    return _request_base.get() or settings.SITE_URL


def absolute(path: str, request=None) -> str:
    return f"{site_url(request)}{path}"


def on_public_host(url: str) -> str:
    """``url`` moved from the request's host onto SITE_URL when that is set.

    For links that libraries build with ``request.build_absolute_uri`` (allauth's
    confirmation and password links): the request's host is an allowed one, but not
    necessarily the public name a mail should send people to.
    """
    base = _request_base.get()
    if settings.SITE_URL_IS_SET and base and url.startswith(f"{base}/"):
        return settings.SITE_URL + url[len(base) :]
    return url


class SiteUrlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_base.set(base_of(request))
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
