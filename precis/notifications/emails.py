"""Notification e-mails: one per event for "immediately", one per day for "daily".

Each recipient's e-mail is sent on its own: a bad address or a value an e-mail
header cannot carry is logged and skipped, never allowed to stop the others.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from precis.core.siteurl import site_url
from precis.lib.text import clean_text

from .models import Notification
from .services import unsubscribe_token, wants_email

logger = logging.getLogger(__name__)
MAX_SUBJECT_CHARS = 200


def header_text(text: str) -> str:
    """``text`` as one header line: controls dropped, line breaks as spaces, bounded."""
    line = " ".join(clean_text(text).split())
    return line if len(line) <= MAX_SUBJECT_CHARS else line[: MAX_SUBJECT_CHARS - 1] + "…"


def _absolute(path: str) -> str:
    # SITE_URL in a task; the host the site was reached on when sent during a request.
    return f"{site_url()}{path}"


def _unsubscribe_links(user, kind: str | None) -> tuple[str, str]:
    """(the link for this kind of e-mail, the link for all e-mail)."""
    this_kind = _absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind)])
    )
    everything = _absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))
    return this_kind, everything


def _send(user, subject: str, template: str, context: dict, unsubscribe_url: str) -> bool:
    """Send one e-mail to ``user``; False (logged) when it could not be sent."""
    try:
        _compose(user, subject, template, context, unsubscribe_url).send()
    except Exception:
        logger.exception("Could not e-mail user %s (%s)", user.pk, template)
        return False
    return True


def _compose(user, subject, template, context, unsubscribe_url) -> EmailMultiAlternatives:
    context = {
        **context,
        "user": user,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": site_url(),
    }
    message = EmailMultiAlternatives(
        subject=header_text(f"[{settings.SITE_NAME}] {subject}"),
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[user.email],
        headers={
            # RFC 8058: mail clients can unsubscribe with one POST, no login.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def send_immediate(notification_ids: list[int]) -> int:
    """E-mail these notifications to recipients who want them now; idempotent."""
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    for notification in pending:
        user = notification.recipient
        if user.email_frequency != "immediately" or not wants_email(user, notification.kind):
            continue
        this_kind, everything = _unsubscribe_links(user, notification.kind)
        delivered = _send(
            user,
            notification.text,
            "notification",
            {
                "notification": notification,
                "url": _absolute(notification.url),
                "unsubscribe_url": this_kind,
                "unsubscribe_all_url": everything,
            },
            this_kind,
        )
        # Marked either way: an e-mail that cannot be sent now will not be sendable later.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += delivered
    return sent


def send_daily_digests(*, now=None) -> int:
    """One e-mail per daily-digest user with the last day's unread, un-e-mailed notifications."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=since,
            recipient__email_frequency="daily",
        )
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user = defaultdict(list)
    for notification in pending:
        if wants_email(notification.recipient, notification.kind):
            by_user[notification.recipient].append(notification)
    sent = 0
    for user, notifications in by_user.items():
        _, everything = _unsubscribe_links(user, None)
        sent += _send(
            user,
            f"{len(notifications)} new notification{'s' if len(notifications) != 1 else ''} today",
            "digest",
            {
                "notifications": [(n, _absolute(n.url)) for n in notifications],
                "unsubscribe_all_url": everything,
                "settings_url": _absolute(reverse("accounts:settings")),
            },
            everything,
        )
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
    return sent
