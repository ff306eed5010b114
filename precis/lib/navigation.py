"""Small helpers for reading navigation input: where to go next, and numbers in URLs."""

from django.utils.http import url_has_allowed_host_and_scheme

# Ids and page numbers beyond this are not ids or pages at all; it also keeps every
# number we pass on within PostgreSQL's 32-bit integer columns.
MAX_NUMBER = 2**31 - 1


def safe_next(request, fallback: str) -> str:
    """The ``next`` path from the request if it is a path on this site, else ``fallback``.

    Only absolute paths are taken ("/papers/1/"), so the answer is always a URL and
    never mistaken for a view name, and never leads to another host.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and len(candidate) <= 2000
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def number(value, *, default: int | None = None, minimum: int = 1) -> int | None:
    """``value`` as a whole number from ``minimum`` to MAX_NUMBER, else ``default``.

    For ids, page and revision numbers read from query strings and forms, where a
    hostile value ("1e9", "99999999999999999999", "\x00") must mean "none given".
    """
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return default
    parsed = int(text)
    return parsed if minimum <= parsed <= MAX_NUMBER else default
