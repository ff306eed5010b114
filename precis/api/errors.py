"""One error shape for every API error: ``{"detail": str, "errors": [...]}``.

``errors`` holds one entry per problem, ``{"loc": [...], "msg": str, "type": str}``,
and is empty when the detail says it all.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .auth import RateLimited

logger = logging.getLogger(__name__)


class BadRequest(HttpError):
    """400 with per-field errors (a malformed identifier, a bad cursor)."""

    def __init__(self, message: str, *, loc: list | None = None) -> None:
        super().__init__(400, message)
        self.errors = [{"loc": loc or [], "msg": message, "type": "value_error"}]


def error_body(detail: str, errors: list | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


def error_response(status: int, detail: str, errors: list | None = None) -> JsonResponse:
    return JsonResponse(error_body(detail, errors), status=status)


def install(api) -> None:
    def respond(request, status, detail, errors=None):
        return api.create_response(request, error_body(detail, errors), status=status)

    def validation(request, exc: NinjaValidationError):
        errors = [
            {
                "loc": [str(part) for part in error.get("loc", [])],
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in exc.errors
        ]
        return respond(request, 422, "The request is not valid.", errors)

    def http_error(request, exc: HttpError):
        response = respond(request, exc.status_code, str(exc), getattr(exc, "errors", None))
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after_seconds)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def not_found(request, exc):
        message = str(exc) if exc.args and isinstance(exc.args[0], str) else ""
        return respond(request, 404, message or "Not found.")

    def forbidden(request, exc):
        return respond(request, 403, str(exc) or "Forbidden.")

    def invalid(request, exc: DjangoValidationError):
        messages = exc.messages
        errors = [{"loc": ["body"], "msg": msg, "type": "value_error"} for msg in messages]
        return respond(request, 422, " ".join(messages), errors)

    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500, "Something went wrong on our side.")

    api.add_exception_handler(NinjaValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(DjangoValidationError, invalid)
    api.add_exception_handler(Exception, server_error)
