from precis.api.models import ApiToken


def token_for(user, scope="write", name="script") -> str:
    """A raw token for ``user``; tests send it as ``Authorization: Bearer …``."""
    return ApiToken.issue(user=user, name=name, scope=scope)[1]


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
