import time

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from precis.lib.emaildomains import disposable_domain

from .models import User, validate_orcid


class ProfileSettingsForm(forms.ModelForm):
    # Wider than the stored value so a pasted https://orcid.org/… URL is accepted.
    orcid = forms.CharField(
        label="ORCID iD",
        max_length=60,
        required=False,
        help_text="Optional, e.g. 0000-0002-1825-0097 or its orcid.org URL.",
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "orcid",
            "email_frequency",
            "email_on_comment",
            "email_on_reply",
            "email_on_answer",
            "email_on_mention",
            "email_on_followed",
        ]

    def clean_orcid(self):
        value = self.cleaned_data["orcid"].strip()
        for prefix in ("https://orcid.org/", "http://orcid.org/", "orcid.org/"):
            value = value.removeprefix(prefix)
        value = value.upper()
        if value:
            validate_orcid(value)
        return value


# -- sign-up: allauth's form, with three defences against automated sign-ups ------------

# A person takes longer than this to fill in the form; scripts post at once.
MIN_FILL_SECONDS = 3
# The form's start stamp is good for a day; after that the form asks to be reloaded.
MAX_FORM_AGE_SECONDS = 24 * 3600
STARTED_SALT = "precis.accounts.signup-started"
HONEYPOT = "website"  # a name bots like to fill
clock = time.time  # replaced in tests to pin the time

HONEYPOT_MESSAGE = (
    "This form has a field hidden from people, to catch automated sign-ups, and it "
    "was filled in (perhaps by your browser's autofill). It is empty now: please "
    "type your password again and send the form once more."
)
TOO_FAST_MESSAGE = (
    "That was quicker than a person usually fills in this form, so we could not tell "
    "you apart from an automated sign-up. Nothing is wrong with your details: please "
    "type your password again and send the form once more."
)
EXPIRED_MESSAGE = "This form is out of date. Please type your password again and send it once more."


def started_stamp(at: float | None = None) -> str:
    """The signed time the form was shown (``at``, or now), for its hidden field."""
    return signing.dumps(round(clock() if at is None else at, 3), salt=STARTED_SALT)


class EmptyTextInput(forms.TextInput):
    """Never shows a value again, so a honeypot filled by mistake is empty on the next try."""

    def format_value(self, value):
        return None


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, refusing throw-away addresses, honeypot fillers and instant posts.

    The honeypot is kept off screen by our stylesheet (``.hp-field``), hidden from
    screen readers and skipped by the tab key; a person never fills it. What was
    typed is kept on every refusal (passwords aside, which are never sent back).
    """

    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=EmptyTextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = started_stamp()

    def _restart_the_clock(self) -> None:
        """Send the form back with a fresh stamp, so that sending it again works."""
        self.data = self.data.copy()
        self.data["started"] = started_stamp()

    def clean_email(self):
        value = super().clean_email()
        domain = disposable_domain(value or "")
        if domain:
            raise ValidationError(
                f"Addresses at {domain} are throw-away addresses. Please use one that will "
                "still reach you later: we send sign-in help and replies there."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT):
            raise ValidationError(HONEYPOT_MESSAGE)
        try:
            started = float(signing.loads(cleaned.get("started") or "", salt=STARTED_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            started = None
        if started is None or clock() - started > MAX_FORM_AGE_SECONDS:
            self._restart_the_clock()
            raise ValidationError(EXPIRED_MESSAGE)
        taken_seconds = clock() - started
        if taken_seconds < MIN_FILL_SECONDS:
            raise ValidationError(TOO_FAST_MESSAGE)
        return cleaned
