from django.conf import settings


def orcid(request):
    """``ORCID_LOGIN_ENABLED``: whether to offer "Sign in with ORCID" (a client id is configured)."""
    return {"ORCID_LOGIN_ENABLED": settings.ORCID_LOGIN_ENABLED}
