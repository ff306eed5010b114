"""The feed by e-mail, daily or weekly, for readers who ask for it.

The same rules as the notification e-mails, and sent the same way
(``precis.notifications.emails.send``): only to an active account with an address,
never once the reader turned all e-mail off (their ``email_frequency`` is "off"), a
one-click unsubscribe link for this e-mail (RFC 8058) and one for all e-mail, each
reader's e-mail sent on its own so one bad address stops no other. Running it twice
sends nothing twice: ``emailed_at`` says when each reader last got one.
"""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from precis.core.siteurl import absolute
from precis.notifications.emails import send, unsubscribe_all_url
from precis.notifications.services import accepts_email

from . import reading, services
from .models import EmailFrequency, Profile

PICKS_PER_EMAIL = 10
# A little under a day and a week, so a job that runs a few minutes late still sends.
DUE_AFTER = {
    EmailFrequency.DAILY: timedelta(hours=20),
    EmailFrequency.WEEKLY: timedelta(days=6, hours=20),
}


def wants_feed_email(user, profile: Profile) -> bool:
    return accepts_email(user) and profile.email_frequency in DUE_AFTER


def due_profiles(now):
    """Profiles whose e-mail is due at ``now`` (a queryset)."""
    due = Q(pk__in=[])
    for frequency, interval in DUE_AFTER.items():
        due |= Q(email_frequency=frequency) & (
            Q(emailed_at__isnull=True) | Q(emailed_at__lte=now - interval)
        )
    return (
        Profile.objects.filter(due, user__is_active=True)
        .exclude(user__email="")
        .exclude(user__email_frequency="off")
    )


def send_feed_emails(*, now=None) -> int:
    """E-mail the feed to every reader whose e-mail is due; the number sent."""
    now = now or timezone.now()
    sent = 0
    for profile in due_profiles(now).select_related("user").order_by("pk").iterator():
        user = profile.user
        if not wants_feed_email(user, profile):
            continue
        entries = reading.top_entries(user, PICKS_PER_EMAIL)
        if not entries:
            continue  # nothing to say yet; asked again at the next run
        sent += _send_feed(user, profile, entries)
        # Marked either way, as notifications are: an address that fails now fails later.
        Profile.objects.filter(pk=profile.pk).update(emailed_at=now)
    return sent


def _send_feed(user, profile: Profile, entries) -> bool:
    this_email = services.UNSUBSCRIBE.url(services.unsubscribe_token(user))
    period = "today" if profile.email_frequency == EmailFrequency.DAILY else "this week"
    return send(
        user,
        subject=f"Papers for you {period}",
        template="foryou/email/feed",
        context={
            "period": period,
            "entries": [
                (
                    entry,
                    absolute(entry.paper.get_absolute_url()),
                    absolute(entry.summary.get_absolute_url()) if entry.summary else "",
                )
                for entry in entries
            ],
            "feed_url": absolute(reverse("foryou:page")),
            "unsubscribe_url": this_email,
            "unsubscribe_all_url": unsubscribe_all_url(user),
        },
        unsubscribe_url=this_email,
    )
