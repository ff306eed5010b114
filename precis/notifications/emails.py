"""Notification e-mails: one per event for "immediately", one per day for "daily".

Each recipient's e-mail is sent on its own: a bad address or a value an e-mail
header cannot carry is logged and skipped, never allowed to stop the others.
``send`` is how every e-mail to members goes out (the for-you feed's too), with its
one-click unsubscribe link in the headers.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from precis.core.siteurl import absolute, site_url
from precis.lib.text import clean_text

from .models import Notification
from .services import UNSUBSCRIBE, unsubscribe_token, wants_email

logger = logging.getLogger(__name__)
MAX_SUBJECT_CHARS = 200


def header_text(text: str) -> str:
    """``text`` as one header line: controls dropped, line breaks as spaces, bounded."""
    line = " ".join(clean_text(text).split())
    return line if len(line) <= MAX_SUBJECT_CHARS else line[: MAX_SUBJECT_CHARS - 1] + "…"


def unsubscribe_all_url(user) -> str:
    """The link, in every e-mail, that stops all e-mail to ``user``."""
    return UNSUBSCRIBE.url(unsubscribe_token(user))


def send(user, *, subject: str, template: str, context: dict, unsubscribe_url: str) -> bool:
    """E-mail ``user``, its text and HTML rendered from ``template`` + ``.txt`` and
    ``.html``; False (logged) when it could not be sent."""
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
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
        headers={
            # RFC 8058: mail clients can unsubscribe with one POST, no login.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
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
        this_kind = UNSUBSCRIBE.url(unsubscribe_token(user, notification.kind))
        delivered = send(
            user,
            subject=notification.text,
            template="notifications/email/notification",
            context={
                "notification": notification,
                "url": absolute(notification.url),
                "unsubscribe_url": this_kind,
                "unsubscribe_all_url": unsubscribe_all_url(user),
            },
            unsubscribe_url=this_kind,
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
        everything = unsubscribe_all_url(user)
        count = len(notifications)
        sent += send(
            user,
            subject=f"{count} new notification{'s' if count != 1 else ''} today",
            template="notifications/email/digest",
            context={
                "notifications": [(n, absolute(n.url)) for n in notifications],
                "unsubscribe_all_url": everything,
                "settings_url": absolute(reverse("accounts:settings")),
            },
            unsubscribe_url=everything,
        )
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
    return sent
