"""Figures: who may upload them, storing them once by content, quotas and removal.

Files go through Django's storage API (``default_storage``, so STORAGES["default"]
decides where: a folder by default, an S3-compatible bucket by setting), named
``figures/<sha256>.<ext>`` after their processed bytes.
"""

import hashlib
import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from precis.lib import ratelimit
from precis.lib.text import clean_text

from . import images
from .images import FigureError
from .models import EXTENSIONS, Figure

logger = logging.getLogger(__name__)

# Uploads per person, successful or not: enough to place every figure of a long
# summary and retry a few, not enough to use the site as a file host.
FIGURE_UPLOAD = ratelimit.Limit("figure_upload", 30, 3600)
MAX_DESCRIPTION_CHARS = 300
# Unbalanced brackets as character references: a backslash before one would start
# \[display math\] here.
_MARKDOWN_ESCAPES = {
    "[": "&#91;",
    "]": "&#93;",
    "&": "&amp;",
    **{char: "\\" + char for char in "\\*_`$<>!"},
}


def refusal(user) -> str | None:
    """Why ``user`` may not upload figures now, or None when they may."""
    if not user.is_authenticated:
        return "Sign in to upload figures."
    if not user.is_active or user.is_spammer:
        return "This account cannot upload figures."
    if user.is_suspended:
        return "While your account is suspended you cannot upload figures."
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        return "Confirm your e-mail address before uploading figures."
    return None


def quota_used(user) -> int:
    """Bytes of figures ``user`` keeps (a figure removed by a moderator counts no more)."""
    return Figure.objects.present().filter(owner=user).aggregate(total=Sum("bytes"))["total"] or 0


def clean_description(text: str) -> str:
    """The text alternative as one line; raises FigureError when it is missing or too long."""
    description = " ".join(clean_text(text or "").split())
    if not description:
        raise FigureError(
            "Describe the figure in a few words: readers who cannot see it get this text."
        )
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise FigureError(
            f"The description has {len(description)} characters; "
            f"keep it to {MAX_DESCRIPTION_CHARS} and put the rest in your text."
        )
    return description


def upload_figure(*, owner, data: bytes, description: str, original_name: str = "") -> Figure:
    """Check, process and keep an uploaded figure for ``owner``; raises FigureError or
    PermissionDenied. Uploading a figure one already has returns it (with the new
    description)."""
    reason = refusal(owner)
    if reason:
        raise PermissionDenied(reason)
    description = clean_description(description)
    processed = images.process(data, max_bytes=settings.FIGURE_MAX_BYTES)
    sha256 = hashlib.sha256(processed.content).hexdigest()
    file_name = f"figures/{sha256}.{EXTENSIONS[processed.content_type]}"
    with transaction.atomic():
        # One upload per person at a time, so two at once cannot both pass the quota.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        if Figure.objects.filter(sha256=sha256, removed_at__isnull=False).exists():
            raise FigureError(
                "A moderator removed this image from the site; it cannot be uploaded again.",
                status=403,
            )
        existing = Figure.objects.filter(owner=owner, sha256=sha256).first()
        if existing is not None:
            if existing.description != description:
                existing.description = description
                existing.save(update_fields=["description"])
            _store(file_name, processed.content)  # in case storage lost it
            return existing
        used = quota_used(owner)
        if used + len(processed.content) > settings.FIGURE_QUOTA_BYTES:
            raise FigureError(
                f"Your figures take {images.megabytes(used)} of the "
                f"{images.megabytes(settings.FIGURE_QUOTA_BYTES)} each writer may keep, and "
                f"this one needs {images.megabytes(len(processed.content))}. Delete figures "
                "you no longer use on the figures page.",
                status=413,
            )
        _store(file_name, processed.content)
        return Figure.objects.create(
            owner=owner,
            sha256=sha256,
            file_name=file_name,
            content_type=processed.content_type,
            width=processed.width,
            height=processed.height,
            bytes=len(processed.content),
            description=description,
            original_name=clean_text(original_name or "")[:255],
        )


def _store(file_name: str, content: bytes) -> None:
    if default_storage.exists(file_name):
        return
    saved = default_storage.save(file_name, ContentFile(content))
    if saved != file_name:
        # Someone stored the same bytes a moment before us; theirs is the copy.
        default_storage.delete(saved)


def markdown_for(figure: Figure, description: str | None = None) -> str:
    """The line that places ``figure`` in a text: ``![description](/figures/….png)``."""
    text = description if description is not None else figure.description
    escapes = _MARKDOWN_ESCAPES
    if _balanced_brackets(text) and "](" not in text:  # "[fast]" may stay as it is
        escapes = {k: v for k, v in escapes.items() if k not in "[]"}
    escaped = "".join(escapes.get(char, char) for char in text)
    return f"![{escaped}]({figure.get_absolute_url()})"


def _balanced_brackets(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def figure_to_serve(sha256: str, extension: str) -> Figure | None:
    """The figure at ``/figures/<sha256>.<extension>``, unless none is kept or it was removed."""
    figure = Figure.objects.present().filter(sha256=sha256).first()
    if figure is None or figure.extension != extension:
        return None
    return figure


def delete_figure(figure: Figure, *, by) -> None:
    """The owner deletes their figure; its file goes once nobody else keeps the same one."""
    if figure.owner_id != by.pk:
        raise PermissionDenied("Only its uploader can delete a figure.")
    if figure.is_removed:
        raise PermissionDenied("A moderator removed this figure; it stays removed.")
    figure.delete()  # the file follows in signals.forget_unused_file


def remove_figure(figure: Figure, *, reason: str = "") -> int:
    """A moderator removes an image from the site: every upload of the same bytes is
    marked removed (its URL answers 404, it cannot be uploaded again, it leaves its
    owners' quotas) and the file is deleted. Returns the number of uploads removed."""
    with transaction.atomic():
        removed = (
            Figure.objects.present()
            .filter(sha256=figure.sha256)
            .update(removed_at=timezone.now(), removal_reason=reason[:300])
        )
        file_name = figure.file_name
        transaction.on_commit(lambda: delete_file(file_name))
    return removed


def delete_file(file_name: str) -> None:
    try:
        default_storage.delete(file_name)
    except OSError:  # storage unreachable: the URL already answers 404 without a row
        logger.exception("Could not delete figure file %s", file_name)
