from django.core.management.base import BaseCommand

from precis.foryou.emails import send_feed_emails


class Command(BaseCommand):
    help = (
        "E-mail /for-you/ picks to readers whose daily or weekly e-mail is due. "
        "Idempotent; schedule once a day, after train_foryou."
    )

    def handle(self, *args, **options):
        count = send_feed_emails()
        self.stdout.write(self.style.SUCCESS(f"Sent {count} feed e-mail(s)."))
