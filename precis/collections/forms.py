from django import forms

from precis.summaries.models import Visibility

from .services import MAX_TEXT_CHARS, MAX_TITLE_CHARS


class CollectionForm(forms.Form):
    title = forms.CharField(max_length=MAX_TITLE_CHARS)
    description = forms.CharField(
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown with math. What is this list for?",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PRIVATE, widget=forms.RadioSelect
    )


class ListForm(forms.Form):
    papers = forms.CharField(
        label="Papers, one a line",
        required=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="An arXiv id, DOI, DBLP key or exact title on each line. "
        "A line starting with “#” becomes a section heading (“# Tuesday — Main talks”). "
        "You can also paste BibTeX.",
    )
    bibtex = forms.FileField(label="Or a BibTeX file", required=False)

    def clean_bibtex(self):
        upload = self.cleaned_data.get("bibtex")
        return upload.read() if upload else None


class NewCollectionForm(CollectionForm, ListForm):
    pass
