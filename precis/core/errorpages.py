"""The site's own 404 and 500 pages, in production and in the demo.

Without DEBUG, Django calls ``handler404`` and ``handler500`` (precis/urls.py). With
DEBUG it shows its technical pages instead: every URL pattern for a 404, a traceback
for a 500. The demo runs with DEBUG (file-based e-mail and its outbox, static files
from the source tree, no HTTPS), and a newcomer should meet the pages readers meet,
so there DebugErrorPagesMiddleware answers unknown addresses and raised Http404s
with the real 404 page, and SiteErrorReporter draws the real 500 page where Django
would draw its traceback. The traceback is still logged to the console, as it is in
production. DEBUG_TECHNICAL_ERRORS=true brings Django's pages back.
"""

import logging
import re
from urllib.parse import unquote

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.debug import ExceptionReporter

logger = logging.getLogger(__name__)

ARXIV_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
OLD_ARXIV_ID = re.compile(r"\b([a-z-]+(?:\.[A-Z]{2})?/\d{7})\b")
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s?#]+)")
PAPER_LIKE_PREFIXES = ("/papers/", "/paper/", "/abs/", "/pdf/", "/summaries/", "/topics/")
# Django's message for get_object_or_404 names a model; ours are written for readers.
DJANGO_DEFAULT_MESSAGE = re.compile(r"^No .* matches the given query\.$")
LONGEST_QUERY = 120

MINIMAL_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Something went wrong · {name}</title></head><body><main>"
    "<h1>Something went wrong on our side</h1>"
    "<p>The error has been logged. Please try again in a moment.</p>"
    '<form role="search" method="get" action="/search"><label for="q">Search papers and '
    'summaries</label> <input id="q" type="search" name="q"> <button>Search</button></form>'
    '<p><a href="/">Home</a> · <a href="/venues/">Venues</a> · <a href="/about/">About</a></p>'
    "</main></body></html>"
)


def showing_site_pages_in_debug() -> bool:
    return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_ERRORS", False)


def lookup_suggestion(path: str) -> dict | None:
    """What a reader who followed a broken paper-like link could look for instead.

    An arXiv id or DOI in the address leads to our lookup pages (which find or import
    the paper); the words of a paper-like address's last part become a search.
    """
    path = unquote(path)[:500]
    if match := ARXIV_ID.search(path) or OLD_ARXIV_ID.search(path):
        return {"kind": "arxiv", "value": match.group(1), "url": f"/arxiv/{match.group(1)}"}
    if match := DOI.search(path):
        doi = match.group(1).rstrip("/.")
        return {"kind": "doi", "value": doi, "url": f"/doi/{doi}"}
    if not path.startswith(PAPER_LIKE_PREFIXES):
        return None
    for part in reversed([p for p in path.split("/") if p]):
        words = " ".join(w for w in re.split(r"[-_+.\s]+", part) if w and not w.isdigit())
        if re.search(r"[^\W\d_]{3}", words):
            return {"kind": "search", "value": words[:LONGEST_QUERY]}
    return None


def reader_message(exception) -> str:
    """The Http404's message when it was written for readers (ours are), else ""."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str):
        return ""
    message = exception.args[0]
    return "" if DJANGO_DEFAULT_MESSAGE.match(message) else message


def not_found(request, exception=None):
    suggestion = lookup_suggestion(request.path)
    context = {
        "message": reader_message(exception),
        "suggestion": suggestion,
        "query": suggestion["value"] if suggestion and suggestion["kind"] == "search" else "",
    }
    return render(request, "404.html", context, status=404)


def server_error_page(*, debug: bool = False) -> str:
    """The 500 page's HTML, drawn without the request: whatever failed (the database, a
    context processor) must not fail this page too. A page that cannot be drawn at all
    falls back to plain HTML."""
    try:
        return render_to_string(
            "500.html", {"SITE_NAME": settings.SITE_NAME, "debug": debug, "error_page": True}
        )
    except Exception:
        logger.exception("The 500 page could not be drawn; sending the plain one")
        return MINIMAL_500.format(name=settings.SITE_NAME)


def server_error(request):
    return HttpResponseServerError(server_error_page())


class DebugErrorPagesMiddleware:
    """With DEBUG, the site's 404 page where Django would list its URL patterns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if showing_site_pages_in_debug():
            # Unknown addresses fail before any view runs, where process_exception never
            # sees them. Answered here, inside CommonMiddleware, so APPEND_SLASH still
            # redirects "/about" to "/about/".
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if showing_site_pages_in_debug() and isinstance(exception, Http404):
            return not_found(request, exception)
        return None


class SiteErrorReporter(ExceptionReporter):
    """Django's reporter, but with DEBUG on a browser gets the site's 500 page instead of
    the traceback (still logged to the console, and in plain text for other clients)."""

    def get_traceback_html(self):
        if showing_site_pages_in_debug():
            return server_error_page(debug=True)
        return super().get_traceback_html()
