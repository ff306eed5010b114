"""One way to draw a form field on the account pages: a visible label, the input tied to
its hint and its errors (``aria-describedby``), and no placeholder repeating the label."""

from django import template

register = template.Library()


@register.inclusion_tag("account/_field.html")
def account_field(field, label="", hint=None, autocomplete="", autofocus=False):
    """``hint=None`` keeps the field's own help text; ``hint=""`` shows none."""
    hint = field.help_text if hint is None else hint
    described_by = []
    if hint:
        described_by.append(f"{field.auto_id}_hint")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs = {"placeholder": False}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if autofocus:
        attrs["autofocus"] = True
    return {
        "field": field,
        "label": label or field.label,
        "hint": hint,
        "widget": field.as_widget(attrs=attrs),
        "is_checkbox": getattr(field.field.widget, "input_type", "") == "checkbox",
    }
