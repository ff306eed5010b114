"""Fetch, check and cache the external images that rendered text shows.

The renderer points every external image at a signed ``/img/…`` path
(``precis.lib.imageproxy``); the view calls ``get_image`` with the URL the
path names. Images are fetched through ``safehttp`` (any public host, never
an internal one), must be PNG, JPEG, GIF, WebP or AVIF by their first bytes
(whatever the server claims; SVG can carry script, so it is refused), and
are kept in the cache so that a page's readers cause one fetch, not one each.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache

from precis.lib import safehttp

MAX_IMAGE_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 10.0
# Images up to this size are kept; bigger ones are fetched for each request
# (browsers keep them for CACHE_SECONDS), so a few huge images cannot push
# everything else out of a memory-bound cache.
CACHE_MAX_BYTES = 1024 * 1024
CACHE_SECONDS = 24 * 60 * 60
# A failure is remembered briefly, so a broken image on a busy page does not
# send a request to its host for every reader.
FAILURE_CACHE_SECONDS = 5 * 60

ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1"
_AVIF_BRANDS = (b"avif", b"avis")


@dataclass(frozen=True)
class Image:
    content_type: str
    content: bytes


class ImageError(Exception):
    """Why an image cannot be shown: a message and the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def sniff_type(data: bytes) -> str | None:
    """The image type that ``data`` starts like, or None: PNG, JPEG, GIF, WebP or AVIF only."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and _is_avif(data):
        return "image/avif"
    return None


def _is_avif(data: bytes) -> bool:
    """An ISO media file (ftyp box) whose major or compatible brands say AVIF; HEIC is not."""
    box_size = int.from_bytes(data[0:4], "big")
    if not 16 <= box_size <= min(len(data), 4096):
        return False
    brands = [data[8:12]] + [data[i : i + 4] for i in range(16, box_size - 3, 4)]
    return any(brand in _AVIF_BRANDS for brand in brands)


def get_image(url: str) -> Image:
    """The image at ``url``, from the cache or fetched now; raises ImageError."""
    key = "imageproxy:" + hashlib.sha256(url.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        kind, first, second = cached
        if kind == "image":
            return Image(content_type=first, content=second)
        raise ImageError(first, status=second)
    # One fetch of a URL at a time, site-wide: a crowd (or an attacker) asking for an
    # image not yet cached holds one worker, not one each.
    fetching = key + ":fetching"
    if not cache.add(fetching, 1, int(FETCH_TIMEOUT_SECONDS) + 1):
        raise ImageError("This image is being fetched; try again in a moment.", status=503)
    try:
        image = _fetch(url)
    except ImageError as exc:
        if exc.status != 503:  # offline is the site's setting, not the image's fault
            cache.set(key, ("error", exc.message, exc.status), FAILURE_CACHE_SECONDS)
        raise
    finally:
        cache.delete(fetching)
    if len(image.content) <= CACHE_MAX_BYTES:
        cache.set(key, ("image", image.content_type, image.content), CACHE_SECONDS)
    return image


def _fetch(url: str) -> Image:
    host = urlsplit(url).hostname or "its server"
    try:
        response = safehttp.get(
            url,
            any_public_host=True,
            retries=0,
            max_bytes=MAX_IMAGE_BYTES,
            timeout_seconds=FETCH_TIMEOUT_SECONDS,
            accept=ACCEPT,
        )
    except safehttp.Offline as exc:
        raise ImageError("This site is not fetching images right now.", status=503) from exc
    except safehttp.HostNotAllowed as exc:
        raise ImageError("This image's address is not on the public internet.", status=403) from exc
    except safehttp.TooLarge as exc:
        raise ImageError(
            f"This image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.", status=502
        ) from exc
    except safehttp.FetchError as exc:
        raise ImageError(f"Could not fetch this image from {host}.", status=502) from exc
    if response.status in (404, 410):
        raise ImageError(f"{host} no longer has this image.", status=404)
    if response.status != 200:
        raise ImageError(f"{host} answered {response.status} for this image.", status=502)
    content_type = sniff_type(response.content)
    if content_type is None:
        raise ImageError("This is not a PNG, JPEG, GIF, WebP or AVIF image.", status=415)
    return Image(content_type=content_type, content=response.content)
