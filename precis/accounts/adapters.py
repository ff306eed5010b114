"""allauth hooks: the site's wording and e-mails, the welcome after joining, and an
ORCID sign-in proving the iD, so that it goes on the profile."""

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import email_confirmed
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.signals import pre_social_login, social_account_added
from django.conf import settings
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from precis.core.siteurl import on_public_host, site_url

from .models import validate_orcid

# Set in the session when a new account confirms its first address; the sign-in that
# follows (at once, or later in that browser) goes to the welcome page, once.
WELCOME_SESSION_KEY = "precis_welcome"
LOGGED_IN_MESSAGE = "account/messages/logged_in.txt"


def link_lifetimes() -> dict:
    """How long the links in our e-mails work, in days, for the pages and e-mails that say so."""
    return {
        "confirmation_days": settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
        "password_reset_days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),
    }


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account hooks in the site's voice."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "This account is closed and can no longer sign in.",
        "cannot_remove_primary_email": (
            "This is your primary address: make another one primary before removing it."
        ),
        "duplicate_email": "This address is already on your account.",
        "email_password_mismatch": (
            "That e-mail address and password do not match. Check both, or reset your password."
        ),
        "username_password_mismatch": (
            "That username or e-mail address and password do not match. Check both, or "
            "reset your password."
        ),
        "email_taken": (
            "An account already uses this address. Sign in instead, or reset your password "
            "if you have forgotten it."
        ),
        "enter_current_password": "Please type your current password.",
        "incorrect_password": "That is not your current password.",
        "invalid_password_reset": "This password link has expired or was already used.",
        "max_email_addresses": "An account can have at most %d e-mail addresses.",
        "too_many_login_attempts": (
            "Too many tries with a wrong password. Wait a few minutes, or reset your password."
        ),
        "unknown_email": "No account uses this address.",
        "unverified_primary_email": "Only a confirmed address can be primary: confirm it first.",
        "username_blacklisted": "That username is reserved. Please choose another.",
        "username_taken": "Someone already has that username. Please choose another.",
        "rate_limited": "That was a lot of tries in a short time. Please wait a minute.",
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        context = {
            **link_lifetimes(),
            # The host this request reached us on, or SITE_URL (precis.core.siteurl).
            "site_url": site_url(),
            "user_name": getattr(user, "public_name", "") if user is not None else "",
            **{
                name: on_public_host(value) if isinstance(value, str) else value
                for name, value in context.items()
            },
        }
        super().send_mail(template_prefix, email, context)

    def post_login(self, request, user, *, redirect_url=None, **kwargs):
        self.welcoming = request.session.pop(WELCOME_SESSION_KEY, False)
        response = super().post_login(request, user, redirect_url=redirect_url, **kwargs)
        if self.welcoming and response.status_code == 302:
            return HttpResponseRedirect(welcome_url(request, response["Location"]))
        return response

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # "Welcome back" is wrong on a first sign-in: the welcome page greets them instead.
        if getattr(self, "welcoming", False) and message_template == LOGGED_IN_MESSAGE:
            return
        super().add_message(request, level, message_template, *args, **kwargs)


def welcome_url(request, then: str) -> str:
    """The welcome page, remembering where the newcomer was going if that was somewhere."""
    url = reverse("accounts:welcome")
    home = reverse("core:home")
    if then and then != home and url_has_allowed_host_and_scheme(then, {request.get_host()}):
        url += "?" + urlencode({"next": then})
    return url


@receiver(email_confirmed)
def _welcome_after_first_confirmation(sender, request, email_address, **kwargs):
    # A person who has never signed in is confirming the address they joined with
    # (sign-in waits for a confirmed address); anyone else has been welcomed already.
    if request is not None and email_address.user.last_login is None:
        request.session[WELCOME_SESSION_KEY] = True


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
