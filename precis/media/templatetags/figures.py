from django import template
from django.conf import settings

from precis.media import images, services

register = template.Library()


@register.simple_tag
def figure_upload_refusal(user) -> str:
    """Why ``user`` may not upload figures, or "" when they may."""
    return services.refusal(user) or ""


@register.simple_tag
def figure_max_bytes() -> int:
    return settings.FIGURE_MAX_BYTES


@register.simple_tag
def figure_max_size() -> str:
    return images.megabytes(settings.FIGURE_MAX_BYTES)
