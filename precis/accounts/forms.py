from django import forms

from .models import User


class ProfileSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "orcid",
            "email_on_comment",
            "email_on_reply",
            "email_on_followed",
        ]
        help_texts = {"orcid": "Optional, e.g. 0000-0002-1825-0097. Shown on your profile."}

    def clean_orcid(self):
        value = self.cleaned_data["orcid"].strip()
        return value.removeprefix("https://orcid.org/").removeprefix("http://orcid.org/").upper()
