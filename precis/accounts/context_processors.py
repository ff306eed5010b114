from django.conf import settings


def orcid(request):
    """``ORCID_LOGIN_ENABLED``: whether to offer "Sign in with ORCID" (a client id is configured)."""
    return {"ORCID_LOGIN_ENABLED": settings.ORCID_LOGIN_ENABLED}


def account_pages(request):
    """``outbox_enabled`` (the demo's outbox page exists: debug mode with file e-mail), and
    how long e-mailed links work, for the pages that send them and say so."""
    from .adapters import link_lifetimes
    from .outbox import is_enabled

    return {"outbox_enabled": is_enabled(), **link_lifetimes()}
