from django import forms

from .models import Kind, Status
from .services import MAX_EVIDENCE_CHARS, MAX_REPLY_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS

MARKDOWN_HELP = "Markdown with math: $x_1$ inline, $$\\sum_i x_i$$ on its own line."


class FindingForm(forms.Form):
    """What a reader fills in; ``services.report_finding`` checks it all again."""

    kind = forms.ChoiceField(
        label="What kind of finding?",
        choices=Kind.choices,
        error_messages={"invalid_choice": "Choose one of the kinds listed."},
    )
    title = forms.CharField(
        label="In a line",
        max_length=MAX_TITLE_CHARS,
        help_text="For example: “Eq. 4 drops a factor of 2” or “Official code”.",
        error_messages={"required": "A finding needs a title: what is it, in a line?"},
    )
    paper_version = forms.CharField(
        label="Version of the paper (optional)",
        required=False,
        max_length=40,
        help_text="The arXiv version it concerns (v2), or the date of the copy you read.",
    )
    link_url = forms.CharField(
        label="Link (required for code or data)",
        required=False,
        max_length=MAX_URL_CHARS,
        help_text="https://… to the code, the data, or a reproduction report.",
    )
    source = forms.CharField(
        label="Evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "true"}),
        max_length=MAX_EVIDENCE_CHARS,
        strip=False,
        help_text="What you found and how someone can check it. " + MARKDOWN_HELP,
    )


class ReplyForm(forms.Form):
    source = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "true"}),
        max_length=MAX_REPLY_CHARS,
        strip=False,
        help_text=MARKDOWN_HELP,
        error_messages={"required": "A reply cannot be empty."},
    )
    status = forms.ChoiceField(
        label="And mark the finding as",
        required=False,
        choices=[("", "(leave the status as it is)"), *Status.choices],
        error_messages={"invalid_choice": "Choose one of the statuses listed."},
    )

    def clean_source(self):
        source = self.cleaned_data["source"]
        if not source.strip():
            raise forms.ValidationError("A reply cannot be empty.")
        return source


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Status.choices,
        error_messages={"invalid_choice": "Choose one of the statuses listed."},
    )
