"""Cursor pagination: an opaque base64 cursor of (sort key, id), and a ``next`` URL.

Cursors survive inserts between pages (no row is skipped or repeated), unlike
offsets. The key must not be null for any row in the queryset.
"""

import base64
import binascii
import json
import math
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 1000
MAX_ID = 2**63 - 1


def encode(key, pk: int) -> str:
    if isinstance(key, datetime):
        key = key.isoformat()
    raw = json.dumps([key, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, field=None):
    """The (key, pk) a cursor holds, the key checked against ``field``; BadRequest if forged.

    A cursor comes back from the client, so it is checked like any other input: the
    pk must be a 64-bit id and the key a value of the sort field's own type.
    """
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, pk = json.loads(raw)
        if type(pk) is not int or not 0 < pk <= MAX_ID:
            raise ValueError
        if field is not None:
            key = _typed_key(field, key)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, ValidationError):
        raise BadRequest(
            "The cursor is not valid; use the next URL as given.", loc=["query", "cursor"]
        ) from None
    return key, pk


def _typed_key(field, key):
    if isinstance(field, models.DateTimeField):
        if not isinstance(key, str):
            raise ValueError
        return datetime.fromisoformat(key)
    if isinstance(field, models.FloatField):
        if type(key) not in (int, float) or not math.isfinite(key):
            raise ValueError
        return float(key)
    if isinstance(field, models.IntegerField):
        if type(key) is not int or abs(key) > MAX_ID:
            raise ValueError
        return key
    if not isinstance(key, str) or "\x00" in key:
        raise ValueError
    return key


def paginate(request, queryset, *, key: str, descending: bool = False, cursor=None, limit=None):
    """One page of ``queryset`` ordered by (key, pk); returns (rows, next_url or None)."""
    limit = min(max(limit or DEFAULT_LIMIT, 1), MAX_LIMIT)
    direction = "-" if descending else ""
    queryset = queryset.order_by(f"{direction}{key}", f"{direction}pk")
    if cursor:
        after_key, after_pk = decode(cursor, queryset.model._meta.get_field(key))
        beyond = "lt" if descending else "gt"
        # key > k or (key = k and pk > p), written so that the first condition alone
        # starts an index range: a deep page is a seek, not a walk from the first row.
        queryset = queryset.filter(
            Q(**{f"{key}__{beyond}e": after_key})
            & (Q(**{f"{key}__{beyond}": after_key}) | Q(**{f"pk__{beyond}": after_pk}))
        )
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    params = request.GET.copy()
    params["cursor"] = encode(getattr(last, key), last.pk)
    return rows, request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
