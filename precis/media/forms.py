from django import forms
from django.conf import settings

from . import images, services
from .images import FigureError


class FigureForm(forms.Form):
    file = forms.FileField(
        label="Image file",
        widget=forms.FileInput(
            attrs={
                "accept": "image/png,image/jpeg,image/webp,image/svg+xml,.png,.jpg,.jpeg,.webp,.svg"
            }
        ),
        error_messages={
            "required": "Choose an image file to upload.",
            "empty": "The file is empty.",
            "invalid": "No file was received; choose the image again.",
        },
    )
    description = forms.CharField(
        label="Description",
        max_length=services.MAX_DESCRIPTION_CHARS,
        help_text="What the figure shows, for readers who cannot see it.",
        error_messages={
            "required": "Describe the figure in a few words: readers who cannot see it get this text."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"PNG, JPEG, WebP or SVG, at most {images.megabytes(settings.FIGURE_MAX_BYTES)}. "
            f"Larger than {images.MAX_SIDE} pixels a side is scaled down; photo metadata "
            "(location included) is removed."
        )

    def clean_description(self):
        try:
            return services.clean_description(self.cleaned_data["description"])
        except FigureError as exc:
            raise forms.ValidationError(exc.message) from exc
