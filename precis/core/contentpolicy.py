"""django-csp's middleware, with the site's policy built once for shared reader copies.

django-csp builds the Content-Security-Policy header from the settings on every
response, copying the directives into a dataclass and back and joining them: about a
twelfth of a signed-in reader's hit on a shared copy (core/readerpages.py). A shared
copy is a fresh response that no view touched, so it carries no policy of its own
(django-csp's decorators) and asks for no nonce. Those copies get the two headers
from strings built once by django-csp's own ``build_policy``; every other response
goes through django-csp unchanged.
"""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

POLICY_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
# What django-csp's decorators leave on a response to change or drop its policy.
OWN_POLICY_ATTRIBUTES = tuple(
    f"_csp_{what}{suffix}"
    for what in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


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


def has_own_policy(request, response) -> bool:
    """Whether ``response`` needs a policy of its own: a decorator's, or one naming the
    nonce its page used. A copy shared between readers may have neither."""
    return getattr(request, "_csp_nonce", None) is not None or any(
        hasattr(response, name) for name in OWN_POLICY_ATTRIBUTES
    )


def takes_the_site_policy(response) -> None:
    """Mark ``response`` as one no view touched: it gets the policy built once."""
    response.takes_the_site_policy = True


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        headers = _site_headers()
        if (
            headers is None
            or not getattr(response, "takes_the_site_policy", False)
            or has_own_policy(request, response)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, policy in headers:
            if header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
