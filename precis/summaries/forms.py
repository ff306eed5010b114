from django import forms

from precis.lib import richtext

from .models import Visibility
from .services import MAX_SOURCE_CHARS


class SummaryForm(forms.Form):
    source = forms.CharField(
        label="Your summary",
        widget=forms.Textarea(
            attrs={
                "rows": 18,
                "spellcheck": "true",
                "data-preview-source": "",
                "aria-describedby": "source-help",  # the editor's hint, under the box
            }
        ),
        max_length=MAX_SOURCE_CHARS,
        strip=False,
        help_text="Markdown with math: $x_1$ inline, $$\\sum_i x_i$$ on its own line. "
        "Cite papers with \\cite{bibtexKey}, arXiv:1512.03385 or doi:10.…",
        error_messages={"required": "A summary cannot be empty."},
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect
    )
    anonymous = forms.BooleanField(
        required=False, label="Publish anonymously (your name is never shown with it)"
    )

    def clean_source(self):
        source = self.cleaned_data["source"]
        if not source.strip():
            raise forms.ValidationError("A summary cannot be empty.")
        richtext.check(source)  # RenderLimitExceeded is a ValidationError
        return source
