from django_tasks import task

from . import emails


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail new notifications to people who want them at once (idempotent)."""
    return emails.send_immediate(notification_ids)


@task()
def send_daily_digests() -> int:
    """One digest e-mail per daily-digest reader (run once a day)."""
    return emails.send_daily_digests()
