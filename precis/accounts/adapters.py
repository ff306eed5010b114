"""allauth hooks: an ORCID sign-in proves the iD, so it goes on the profile."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.signals import pre_social_login, social_account_added
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import Http404

from .models import validate_orcid


def orcid_of(sociallogin) -> str:
    """The ORCID iD an ORCID login proved, or "" for another provider or a malformed uid."""
    if sociallogin.account.provider != "orcid":
        return ""
    uid = (sociallogin.account.uid or "").strip().upper()
    try:
        validate_orcid(uid)
    except ValidationError:
        return ""
    return uid


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """The configured app; a sign-in URL of a provider this site has not set up is a 404."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("Signing in with this provider is not set up on this site.") from None

    def populate_user(self, request, sociallogin, data):
        """A new account made by signing in with ORCID starts with that iD on its profile."""
        user = super().populate_user(request, sociallogin, data)
        user.orcid = orcid_of(sociallogin) or user.orcid
        return user


def remember_orcid(user, sociallogin, *, overwrite: bool = True) -> None:
    """Copy the proven iD onto ``user``; a typed-in iD was only a claim, so it gives way."""
    orcid = orcid_of(sociallogin)
    if orcid and user.pk and user.orcid != orcid and (overwrite or not user.orcid):
        user.orcid = orcid
        user.save(update_fields=["orcid"])


@receiver(social_account_added)
def _orcid_connected(sender, request, sociallogin, **kwargs):
    remember_orcid(sociallogin.user, sociallogin)


@receiver(pre_social_login)
def _orcid_signed_in(sender, request, sociallogin, **kwargs):
    # An account connected before this hook existed, or whose owner cleared the field.
    if sociallogin.is_existing:
        remember_orcid(sociallogin.user, sociallogin, overwrite=False)
