from django import forms


class AddPaperForm(forms.Form):
    query = forms.CharField(
        label="What do you have?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autofocus": True}),
        help_text="An arXiv id or URL, a DOI or doi.org URL, a DBLP key or URL, a title, "
        "or one or more BibTeX entries.",
        max_length=2 * 1024 * 1024,
    )
    file = forms.FileField(label="…or a BibTeX file", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("query", "").strip() and not data.get("file"):
            raise forms.ValidationError("Paste something or choose a BibTeX file.")
        return data
