from django import forms

from .services import MAX_PASTE_ENTRIES, STAFF_MAX_PASTE_BYTES


class AddPaperForm(forms.Form):
    query = forms.CharField(
        label="What do you have?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autofocus": True}),
        help_text="An arXiv id or URL, a DOI or doi.org URL, a DBLP key or URL, a title, "
        f"or up to {MAX_PASTE_ENTRIES} BibTeX entries.",
        # the most anyone (staff) may paste; services.paste_limits has each person's
        max_length=STAFF_MAX_PASTE_BYTES,
    )
    file = forms.FileField(label="…or a BibTeX file", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("query", "").strip() and not data.get("file"):
            raise forms.ValidationError("Paste something or choose a BibTeX file.")
        return data
