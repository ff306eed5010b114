"""Whole pages for signed-out readers, kept until the site's data changes.

A signed-out reader's page depends on nothing but the URL and the site's data, so
the first one to ask renders it and the next ones get a copy. Each copy holds the
data generation it was rendered in (precis/core/generations.py), which every write
moves on, and is served only while that is still the generation: no reader ever
gets a page older than the last write, and a writer, being signed in, never gets a
cached page at all. PAGE_CACHE_SECONDS bounds an entry's life for
whatever changes without a write (relative dates, "this week" lists).

Only plain GETs are answered from the cache: no session, messages or replica-pin
cookie, no Authorization header, no JSON asked for. Only plain answers are kept: status 200,
no cookie set (a page with a CSRF token sets one), nothing marked private.
Cached pages carry an ETag, and a reader who already holds the page gets 304.
"""

import functools
import hashlib
import re
import time

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import cc_delim_re
from django.utils.module_loading import import_string

from . import generations
from .replicas import PIN_COOKIE

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Pages with their own caching or per-request answers (CORS, signed image URLs), and
# files that browsers keep for a year anyway (static files, uploaded figures).
UNCACHED_PREFIXES = ("/api/", "/img/", "/admin/", "/accounts/", "/static/", "/figures/")
WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")
# Written by requests that change no page a signed-out reader gets: sessions, and the
# editor's autosaved drafts, and notifications read (generations.UNTRACKED_MODELS).
UNWATCHED_TABLES = ('"DJANGO_SESSION"', '"SUMMARIES_DRAFT"', '"NOTIFICATIONS_NOTIFICATION"')
LARGEST_CACHED_PAGE = 512 * 1024
# The query parameters pages read. A URL with any other (or a long query string) is
# rendered but not kept: "/?x=1", "/?x=2", ... would otherwise fill the cache with
# copies of one page and push out the pages readers ask for. A view that reads a new
# parameter has its pages uncached until it is added here: slower, never wrong.
PAGE_PARAMETERS = {"page", "tab", "field", "q", "comments", "comment", "reply_to", "a", "b", "view"}
PAGE_PARAMETERS |= {"venue"}  # Requests: /requests/?venue=icml
LONGEST_CACHED_QUERY = 300


def on_hit(response, handler: str, *args) -> None:
    """Run ``handler(request, *args)`` (a dotted path) whenever this page is served from the
    cache: work the view does for every reader (counting a view) that a copy must not skip."""
    response.page_cache_hook = (handler, args)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            # Bulk statements (queryset.update) send no model signals, so a request that
            # wrote anything moves the generation on. Only one that wrote: a failed
            # sign-in must not let anyone empty everyone's cache at will.
            watcher = WriteWatcher()
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(watcher):
                response = self.get_response(request)
            if watcher.wrote:
                # A vote (a view under generations.soft_writes) moves only the soft one.
                if getattr(request, "soft_write", False):
                    generations.advance_soft()
                else:
                    generations.advance()
                remember_fresh_write(request, response)
            return response
        if not _may_use_cache(request):
            return self.get_response(request)

        key = _key(request)
        generation, soft, entry = generations.current_both_and_page(key)
        if entry is not None and generations.is_fresh(entry, generation, soft):
            return _from_entry(request, entry)
        response = self.get_response(request)
        if _may_keep(response) and _is_plain_query(request):
            # Kept with the generation it was rendered in; the next page of this URL
            # replaces it, so an address holds one copy however often the data changes.
            entry = _entry_of(response, generation)
            entry["soft"], entry["rendered_at"] = soft, time.time()
            generations.keep_page(key, entry, _lifetime(request))
            response["ETag"] = entry["etag"]
        return response


# Set on the answer to a signed-in person's request that wrote: for this long, their
# pages are rendered whole for them (precis/core/readerpages.py), never filled in from
# a shared copy that may predate their write. Unsigned: it can only make its holder's
# own pages slower.
FRESH_WRITE_COOKIE = "precis_wrote"


def remember_fresh_write(request, response) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        response.set_cookie(
            FRESH_WRITE_COOKIE,
            "1",
            max_age=generations.staleness_seconds() + 1,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


class WriteWatcher:
    """An execute_wrapper noting whether a statement changed the site's data."""

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote:
            head = sql.lstrip()[:40].upper()
            self.wrote = (
                head.startswith(WRITES)
                and not any(table in head for table in UNWATCHED_TABLES)
                and not _sets_only_untracked_columns(sql)
            )
        return execute(sql, params, many, context)


# What save(update_fields=[...]) sends: each column set to a plain parameter.
PLAIN_UPDATE = re.compile(r'\s*UPDATE "(\w+)" SET ((?:"\w+" = %s, )*"\w+" = %s) WHERE ')
SET_COLUMN = re.compile(r'"(\w+)" = %s')


def _sets_only_untracked_columns(sql: str) -> bool:
    """Whether ``sql`` is an UPDATE that sets only generations.UNTRACKED_FIELDS (a sign-in's
    last_login). Anything else, expressions included, counts as a write."""
    update = PLAIN_UPDATE.match(sql)
    if update is None:
        return False
    untracked = _untracked_columns().get(update[1])
    return bool(untracked) and set(SET_COLUMN.findall(update[2])) <= untracked


@functools.cache
def _untracked_columns() -> dict[str, frozenset[str]]:
    """``{table: columns}`` of generations.UNTRACKED_FIELDS."""
    columns = {}
    for label, names in generations.UNTRACKED_FIELDS.items():
        meta = apps.get_model(label)._meta
        columns[meta.db_table] = frozenset(meta.get_field(name).column for name in names)
    return columns


def _may_use_cache(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and PIN_COOKIE not in request.COOKIES  # just wrote: must read the primary
        and "Authorization" not in request.headers
        and "application/json" not in request.headers.get("Accept", "")
    )


def _is_plain_query(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if len(query) > LONGEST_CACHED_QUERY:
        return False
    keys = [key for key, _ in request.GET.lists()]
    return all(key in PAGE_PARAMETERS and len(request.GET.getlist(key)) == 1 for key in keys)


def _key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()


def _lifetime(request) -> int:
    if getattr(request, "read_replica", None):
        # Rendered from a replica, perhaps from rows older than the latest write: the
        # copy holds the current generation all the same, so it may only live as long
        # as the lag that the replica router tolerates.
        return min(settings.PAGE_CACHE_SECONDS, settings.REPLICA_PIN_SECONDS)
    return settings.PAGE_CACHE_SECONDS


def _may_keep(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > LARGEST_CACHED_PAGE:
        return False
    directives = {d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    return not directives & {"private", "no-store"}


def _entry_of(response, generation: int) -> dict:
    return {
        "generation": generation,
        "content": response.content,
        "headers": [(k, v) for k, v in response.items() if k.lower() != "content-length"],
        "etag": '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"',
        "hook": getattr(response, "page_cache_hook", None),
    }


def _from_entry(request, entry: dict):
    if entry["hook"]:
        handler, args = entry["hook"]
        import_string(handler)(request, *args)
    if entry["etag"] in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        response["ETag"] = entry["etag"]
        return response
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"]:
        response[header] = value
    response["ETag"] = entry["etag"]
    return response
