"""List the moderators, or make people moderators (or not) by username."""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from precis.accounts.models import User
from precis.lib.moderation import MODERATORS_GROUP


class Command(BaseCommand):
    help = (
        "List the moderators (staff, and the members of the “moderators” group); "
        "--add and --remove change who is in the group."
    )

    def add_arguments(self, parser):
        parser.add_argument("--add", nargs="+", default=[], metavar="USERNAME")
        parser.add_argument("--remove", nargs="+", default=[], metavar="USERNAME")

    def handle(self, *args, add, remove, **options):
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        for username in add:
            group.user_set.add(self._person(username))
            self.stdout.write(f"{username} is now a moderator.")
        for username in remove:
            group.user_set.remove(self._person(username))
            self.stdout.write(f"{username} is no longer in the moderators group.")
        moderators = User.objects.filter(groups=group) | User.objects.filter(is_staff=True)
        for person in moderators.filter(is_active=True).distinct().order_by("username"):
            how = "staff" if person.is_staff else "moderators group"
            self.stdout.write(f"{person.username}\t{how}")

    @staticmethod
    def _person(username: str) -> User:
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"No one has the username {username!r}.")
        return person
