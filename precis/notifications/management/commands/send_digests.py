from django.core.management.base import BaseCommand

from precis.notifications.emails import send_daily_digests


class Command(BaseCommand):
    help = "E-mail the daily notification digests. Schedule once a day (cron, systemd timer)."

    def handle(self, *args, **options):
        count = send_daily_digests()
        self.stdout.write(self.style.SUCCESS(f"Sent {count} digest(s)."))
