"""Refuse, before any view reads it, what no view should have to handle.

- A body larger than MAX_REQUEST_BYTES, judged by its Content-Length header, so an
  oversized upload is answered 413 without being read or spooled to a temporary file.
- NUL characters in the path, the query string or form and JSON fields: PostgreSQL
  cannot store or compare them, and no person types one.
- API errors Django or django-ninja answer themselves (405) get the API's error shape.

And bound what a view may spend waiting on other sites: every fetch a request makes
(importing a paper by its id, say) ends within ``safehttp.WEB_REQUEST_SECONDS`` in all,
trying again at most once.
"""

from django.conf import settings
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from precis.api.errors import error_body
from precis.lib import safehttp

API_PREFIX = "/api/"
JSON_NUL = b"\\u0000"


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return self.refuse(request, *refusal)
        with safehttp.within(safehttp.WEB_REQUEST_SECONDS, retries=safehttp.WEB_REQUEST_RETRIES):
            response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            response = JsonResponse(
                error_body(
                    f"{request.method} is not allowed here; use {allowed or 'another method'}."
                ),
                status=405,
            )
            if allowed:
                response["Allow"] = allowed
        return response

    def refusal(self, request) -> tuple[int, str] | None:
        """(status, message) when the request must not reach a view, else None."""
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit():
            return 400, "The request's Content-Length header is not a number."
        if int(length) > settings.MAX_REQUEST_BYTES:
            limit_mb = settings.MAX_REQUEST_BYTES / 1024 / 1024
            return 413, f"That is more than we accept in one request (at most {limit_mb:g} MB)."
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return 400, "The address contains a NUL character, which nothing here can contain."
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                if self.body_has_nul(request):
                    return 400, "The text sent contains a NUL character; remove it and try again."
            except MultiPartParserError:
                return 400, "The form data sent is malformed."
        return None

    @staticmethod
    def body_has_nul(request) -> bool:
        # Reading ``request.body`` first keeps it readable for views that want it (the
        # API, JSON endpoints); Django then parses forms from that copy. It is bounded
        # by MAX_REQUEST_BYTES, checked just before.
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            return JSON_NUL in request.body
        if content_type.startswith("application/x-www-form-urlencoded"):
            return b"%00" in request.body or b"\x00" in request.body
        if content_type.startswith("multipart/form-data"):
            request.body  # noqa: B018 - cache the body before the form is parsed from it
            return any("\x00" in value for _, values in request.POST.lists() for value in values)
        return False

    @staticmethod
    def refuse(request, status: int, message: str):
        if request.path.startswith(API_PREFIX) or "application/json" in request.headers.get(
            "Accept", ""
        ):
            return JsonResponse(error_body(message), status=status)
        return render(request, "request_refused.html", {"message": message}, status=status)
