from dataclasses import asdict

from django_tasks import task

from . import emails, training
from .models import Profile


@task()
def train_reader(user_id: int) -> dict:
    """Retrain one reader's feed (idempotent: a second run stores the same picks).

    Clears the reader's pending mark first, so a signal that arrives while this runs
    schedules another run rather than being lost.
    """
    Profile.objects.filter(user_id=user_id).update(changed_at=None)
    return asdict(training.train_readers([user_id]))


@task()
def train_all_readers() -> dict:
    """Retrain every reader with a signal (nightly; idempotent)."""
    return asdict(training.train_readers(list(training.readers_with_signals())))


@task()
def send_feed_emails() -> int:
    """E-mail the feed to readers whose daily or weekly e-mail is due (idempotent)."""
    return emails.send_feed_emails()
