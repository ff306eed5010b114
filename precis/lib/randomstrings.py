"""Random strings for CSRF tokens, drawn in one call to the system's random source.

Django's ``get_random_string`` draws each character with its own ``secrets.choice``,
a read of os.urandom per character. Every signed-in page with a form masks its CSRF
token afresh (64 characters for a reader without a CSRF cookie yet, 32 for one with
it), which made drawing them a tenth of a signed-in reader's shared page
(bench/reader_profile.py). ``random_string`` draws from the same source, as evenly
over the alphabet, by rejection: a random byte below the largest multiple of the
alphabet's size that fits in a byte picks ``alphabet[byte % size]``, and any other
byte is dropped. CoreConfig.ready puts it in Django's CSRF module.
"""

import secrets
from functools import cache

from django.utils.crypto import RANDOM_STRING_CHARS, get_random_string


@cache
def _translation(alphabet: str) -> tuple[bytes, bytes] | None:
    """(the table that maps each usable byte to its character, the bytes to drop), or
    None for an alphabet that is not ASCII or has more than 256 characters."""
    if not alphabet.isascii() or not 0 < len(alphabet) <= 256:
        return None
    size = len(alphabet)
    usable = 256 - 256 % size
    table = bytes(ord(alphabet[byte % size]) if byte < usable else 0 for byte in range(256))
    return table, bytes(range(usable, 256))


def random_string(length: int, allowed_chars: str = RANDOM_STRING_CHARS) -> str:
    """``length`` characters drawn uniformly and independently from ``allowed_chars``,
    as ``django.utils.crypto.get_random_string`` draws them."""
    translation = _translation(allowed_chars)
    if translation is None:
        return get_random_string(length, allowed_chars)
    table, drop = translation
    drawn = b""
    while len(drawn) < length:
        # A few bytes more than needed, so that one draw almost always suffices.
        drawn += secrets.token_bytes(length + 16).translate(table, drop)
    return drawn[:length].decode("ascii")
