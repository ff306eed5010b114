from django.conf import settings
from django.core.checks import Error, register

MISSING_KEY_MESSAGE = "SECRET_KEY must be set when DEBUG is off"
WEAK_KEY_MESSAGE = (
    "SECRET_KEY is too weak to sign password-reset and unsubscribe links: use at least "
    "50 characters, at least 5 of them different"
)
KEY_HINT = "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
MIN_KEY_CHARS = 50
MIN_KEY_DISTINCT_CHARS = 5


def secret_key_problem() -> str | None:
    """Why the configured SECRET_KEY must not sign anything in production, or None."""
    if settings.DEBUG:
        return None
    if settings.SECRET_KEY_MISSING:
        return MISSING_KEY_MESSAGE
    key = settings.SECRET_KEY
    if len(key) < MIN_KEY_CHARS or len(set(key)) < MIN_KEY_DISTINCT_CHARS:
        return WEAK_KEY_MESSAGE
    return None


@register(deploy=True)
def secret_key_is_strong(app_configs, **kwargs):
    problem = secret_key_problem()
    return [Error(problem, hint=KEY_HINT, id="precis.E001")] if problem else []


def refuse_to_serve_without_a_strong_secret_key() -> None:
    """Called by the WSGI/ASGI entry points: production never signs with a guessable key."""
    from django.core.exceptions import ImproperlyConfigured

    problem = secret_key_problem()
    if problem:
        raise ImproperlyConfigured(f"{problem}. {KEY_HINT}")
