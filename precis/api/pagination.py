"""Cursor pagination: an opaque base64 cursor of (sort key, id), and a ``next`` URL.

Cursors survive inserts between pages (no row is skipped or repeated), unlike
offsets. The key must not be null for any row in the queryset.
"""

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q

from .errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode(key, pk: int) -> str:
    if isinstance(key, datetime):
        key = key.isoformat()
    raw = json.dumps([key, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(key, (list, dict)):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(
            "The cursor is not valid; use the next URL as given.", loc=["query", "cursor"]
        ) from None
    return key, pk


def paginate(request, queryset, *, key: str, descending: bool = False, cursor=None, limit=None):
    """One page of ``queryset`` ordered by (key, pk); returns (rows, next_url or None)."""
    limit = min(max(limit or DEFAULT_LIMIT, 1), MAX_LIMIT)
    direction = "-" if descending else ""
    queryset = queryset.order_by(f"{direction}{key}", f"{direction}pk")
    if cursor:
        after_key, after_pk = decode(cursor)
        beyond = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{key}__{beyond}": after_key}) | Q(**{key: after_key, f"pk__{beyond}": after_pk})
        )
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    params = request.GET.copy()
    params["cursor"] = encode(getattr(last, key), last.pk)
    return rows, request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
