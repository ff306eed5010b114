from django.conf import settings
from django.core.checks import Error, register

MISSING_KEY_MESSAGE = "SECRET_KEY must be set when DEBUG is off"


@register(deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.SECRET_KEY_MISSING and not settings.DEBUG:
        return [
            Error(MISSING_KEY_MESSAGE, hint="Set SECRET_KEY or SECRET_KEY_FILE.", id="precis.E001")
        ]
    return []


def refuse_to_serve_without_a_secret_key() -> None:
    """Called by the WSGI/ASGI entry points: production must never sign with the placeholder."""
    from django.core.exceptions import ImproperlyConfigured

    if settings.SECRET_KEY_MISSING and not settings.DEBUG:
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE)
