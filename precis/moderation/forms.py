from django import forms

from precis.lib.text import clean_text

from .models import Reason

# What a moderator most often tells an author; the text box says anything else.
PRESET_REASONS = [
    "Spam or advertising.",
    "Abuse, harassment or hate.",
    "Copied from someone else's writing without credit.",
    "About a different paper; please post it on the right one.",
    "Off-topic: not about the paper or the discussion.",
    "Personal information about someone else.",
]
MAX_REASON_CHARS = 300
MAX_REPORT_CHARS = 1000
MAX_APPEAL_CHARS = 500


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with it?",
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a reason for the report.",
            "invalid_choice": "Choose a reason for the report.",
        },
    )
    text = forms.CharField(
        label="Anything a moderator should know",
        required=False,
        max_length=MAX_REPORT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for “Something else”; optional otherwise. Only moderators read it.",
    )

    def clean_text(self):
        return clean_text(self.cleaned_data["text"]).strip()

    def clean(self):
        data = super().clean()
        if data.get("reason") == Reason.OTHER and not data.get("text"):
            self.add_error("text", "Say in a few words what is wrong.")
        return data


class AppealForm(forms.Form):
    text = forms.CharField(required=False, max_length=MAX_APPEAL_CHARS)

    def clean_text(self):
        return clean_text(self.cleaned_data["text"]).strip()


# The preset a report's reason suggests to the moderator who upholds it.
SUGGESTED_PRESETS = {
    Reason.SPAM: PRESET_REASONS[0],
    Reason.ABUSE: PRESET_REASONS[1],
    Reason.PLAGIARISM: PRESET_REASONS[2],
    Reason.WRONG_PAPER: PRESET_REASONS[3],
}


class ReasonForm(forms.Form):
    """The reason a moderator gives: their own words, or else a preset (for taking
    something down; approving and dismissing take only their own words, so that a
    preselected preset is never recorded as the reason for letting something stand)."""

    preset = forms.ChoiceField(
        required=False, choices=[("", "—"), *((text, text) for text in PRESET_REASONS)]
    )
    reason = forms.CharField(required=False, max_length=MAX_REASON_CHARS)

    def reason_text(self, default: str = "", *, preset: bool = True) -> str:
        if not self.is_valid():
            return default
        own = clean_text(self.cleaned_data["reason"]).strip()
        return own or (self.cleaned_data["preset"] if preset else "") or default
