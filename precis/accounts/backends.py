"""Django's and allauth's sign-in backends, loading the signed-in person with whether
they moderate, so that no page spends a query of its own to ask (``is_moderator``)."""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group

from precis.lib.moderation import MODERATORS_GROUP

from .models import User


class LoadsModeratorFlag:
    def get_user(self, user_id):
        # Every signed-in request asks this. One raw statement: building the annotated
        # ORM query took most of a signed-in reader's cached page (bench/reader_profile.py).
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        if not 0 < user_id < 2**63:  # what a 64-bit id column holds
            return None
        found = list(User.objects.raw(_user_with_flag_sql(), [MODERATORS_GROUP, user_id]))
        user = found[0] if found else None
        if user is None or not self.user_can_authenticate(user):
            return None
        user._is_moderator = user.is_staff or bool(user.in_moderators)
        return user


@cache
def _user_with_flag_sql() -> str:
    """The user row and whether they are in the moderators group, by id."""
    from django.db import connection

    quote = connection.ops.quote_name
    memberships = User.groups.through._meta
    user_column = quote(memberships.get_field("user").column)
    group_column = quote(memberships.get_field("group").column)
    columns = ", ".join(f"u.{quote(field.column)}" for field in User._meta.concrete_fields)
    return (
        f"SELECT {columns}, EXISTS (SELECT 1 FROM {quote(memberships.db_table)} m "  # noqa: S608 (quoted names)
        f"JOIN {quote(Group._meta.db_table)} g ON g.{quote(Group._meta.pk.column)} = m.{group_column} "
        f"WHERE m.{user_column} = u.{quote(User._meta.pk.column)} AND g.name = %s) "
        f"AS in_moderators FROM {quote(User._meta.db_table)} u "
        f"WHERE u.{quote(User._meta.pk.column)} = %s"
    )


class PasswordBackend(LoadsModeratorFlag, ModelBackend):
    """Username and password (Django's ``ModelBackend``)."""


class AccountBackend(LoadsModeratorFlag, AuthenticationBackend):
    """allauth's: e-mail or username, and the ORCID sign-in."""
