"""Signed paths for the image proxy: ``/img/<signature>/<encoded-url>``.

The renderer points every external image at ``path_for(url)``, so a reader's
browser only ever asks this site for it; the proxy view (``precis.media``)
turns the path back into the URL with ``url_from`` and fetches only URLs that
this site signed, so it is no open proxy. The signature is an HMAC-SHA256
keyed by ``SECRET_KEY`` (old keys in ``SECRET_KEY_FALLBACKS`` still verify)
with a salt of its own, so no other signed value of the site can stand in.
"""

import base64
import binascii

from django.core import signing

PREFIX = "/img/"
SALT = "precis.imageproxy"
# Longer URLs are not proxied (the renderer shows the image's alt text instead).
MAX_URL_CHARS = 2048


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def _encode(url: str) -> str:
    return base64.urlsafe_b64encode(url.encode()).rstrip(b"=").decode("ascii")


def path_for(url: str) -> str:
    """The site-relative proxy path for the image at ``url`` (http or https)."""
    encoded = _encode(url)
    return f"{PREFIX}{_signer().signature(encoded)}/{encoded}"


def url_from(signature: str, encoded: str) -> str | None:
    """The URL a proxy path names, or None when its signature is not ours."""
    try:
        _signer().unsign(f"{encoded}:{signature}")
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (signing.BadSignature, binascii.Error, UnicodeDecodeError, ValueError):
        return None
