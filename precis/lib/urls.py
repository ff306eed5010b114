"""Links to the pages every list shows, built without ``reverse()``'s per-call matching.

A home page links each of its cards' papers, authors, venues and writers: some 250
``reverse()`` calls, a sixth of its rendering time. ``link(name, *args)`` asks Django
once per URL name (with placeholder arguments) for the shape of the path, then only
fills in the arguments, quoted as ``reverse()`` quotes them. It skips ``reverse()``'s
check that each argument fits its converter, so it is for arguments that always do:
primary keys, stored slugs, usernames.
"""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

SAFE = RFC3986_SUBDELIMS + "/~:@"


@functools.cache
def _pieces(name: str, arity: int, prefix: str) -> tuple[str, ...]:
    # Placeholders that every converter accepts (int, slug, str, path) and no route contains.
    placeholders = [str(9_000_000_001 + n) for n in range(arity)]
    path = reverse(name, args=placeholders)
    pieces = []
    for placeholder in placeholders:
        before, path = path.split(placeholder, 1)
        pieces.append(before)
    return (*pieces, path)


def link(name: str, *args) -> str:
    """``reverse(name, args=args)`` for arguments that fit their converters."""
    return _filled(_pieces(name, len(args), get_script_prefix()), args)


def links(name: str, rows) -> list[str]:
    """``[link(name, *args) for args in rows]``, with the path's shape looked up once
    (a sitemap page has 50,000)."""
    if not rows:
        return []
    pieces = _pieces(name, len(rows[0]), get_script_prefix())
    return [_filled(pieces, args) for args in rows]


def _filled(pieces: tuple[str, ...], args) -> str:
    parts = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts += [quote(str(arg), safe=SAFE), piece]
    return "".join(parts)
