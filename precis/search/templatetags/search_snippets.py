from django import template

from ..snippets import readable_text

register = template.Library()


@register.filter
def readable_tex(text: str) -> str:
    """Text with its ``$…$`` formulas as readable Unicode (a title or abstract in a list)."""
    return readable_text(text or "")
