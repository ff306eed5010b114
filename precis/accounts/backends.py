"""Django's and allauth's sign-in backends, loading the signed-in person with whether
they moderate, so that no page spends a query of its own to ask (``is_moderator``)."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from precis.lib.moderation import MODERATORS_GROUP

from .models import User


class LoadsModeratorFlag:
    def get_user(self, user_id):
        moderates = Group.objects.filter(name=MODERATORS_GROUP, user=OuterRef("pk"))
        user = User.objects.annotate(in_moderators=Exists(moderates)).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        user._is_moderator = user.is_staff or user.in_moderators
        return user


class PasswordBackend(LoadsModeratorFlag, ModelBackend):
    """Username and password (Django's ``ModelBackend``)."""


class AccountBackend(LoadsModeratorFlag, AuthenticationBackend):
    """allauth's: e-mail or username, and the ORCID sign-in."""
