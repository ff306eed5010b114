from django import forms

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
