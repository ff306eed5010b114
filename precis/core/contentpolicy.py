"""django-csp's middleware, with the site's policy built once instead of per response.

django-csp builds the Content-Security-Policy header from the settings on every
response (copying the directives into a dataclass and back, then joining them), which
was a twentieth of a signed-in reader's shared page (bench/reader_profile.py). Almost
every response takes the site's policy unchanged: no view sets its own through
django-csp's decorators, no template asks for a nonce, and no prefix is excluded. For
those this middleware sets the two headers from strings built once by django-csp's own
``build_policy``; any other response goes through django-csp as before.
"""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What django-csp's decorators leave on a response to change or drop its policy.
OWN_POLICY_ATTRIBUTES = tuple(
    f"_csp_{what}{suffix}"
    for what in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)
POLICY_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")


@cache
def _site_headers() -> tuple[tuple[str, str], ...] | None:
    """The site's (header, policy) pairs, or None where prefixes are excluded (then
    each response's path matters, and django-csp decides)."""
    for name in POLICY_SETTINGS:
        if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
    pairs = ((HEADER, build_policy()), (HEADER_REPORT_ONLY, build_policy(report_only=True)))
    return tuple((header, policy) for header, policy in pairs if policy)


@receiver(setting_changed)
def _forget_site_headers(setting, **_signal) -> None:
    if setting in POLICY_SETTINGS:
        _site_headers.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        headers = _site_headers()
        if (
            headers is None
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in OWN_POLICY_ATTRIBUTES)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, policy in headers:
            if header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
