from django import forms

from .services import MAX_TEXT_CHARS, MAX_TITLE_CHARS

MARKDOWN_HELP = "Markdown with math: $x_1$ inline, $$\\sum_i x_i$$ on its own line."


def _text_field(label, *, rows, required=True, empty_message=""):
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "true"}),
        max_length=MAX_TEXT_CHARS,
        strip=False,
        help_text=MARKDOWN_HELP,
        error_messages={"required": empty_message},
    )


class CommentForm(forms.Form):
    source = _text_field("Your comment", rows=5, empty_message="A comment cannot be empty.")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_source(self):
        source = self.cleaned_data["source"]
        if not source.strip():
            raise forms.ValidationError("A comment cannot be empty.")
        return source


class QuestionForm(forms.Form):
    title = forms.CharField(
        label="Your question",
        max_length=MAX_TITLE_CHARS,
        help_text="One line; what would you like to know about this paper?",
        error_messages={"required": "A question needs a title."},
    )
    source = _text_field("Details (optional)", rows=5, required=False)


class AnswerForm(forms.Form):
    source = _text_field("Your answer", rows=8, empty_message="An answer cannot be empty.")

    def clean_source(self):
        source = self.cleaned_data["source"]
        if not source.strip():
            raise forms.ValidationError("An answer cannot be empty.")
        return source
