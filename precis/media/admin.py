from django.contrib import admin, messages
from django.utils.html import format_html

from . import services
from .models import Figure


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    """Moderators find figures by owner or hash and remove them from the site."""

    list_display = (
        "preview",
        "owner",
        "description",
        "content_type",
        "size",
        "created",
        "removed_at",
    )
    list_filter = ("content_type", ("removed_at", admin.EmptyFieldListFilter))
    search_fields = ("sha256", "owner__username", "description", "original_name")
    raw_id_fields = ("owner",)
    readonly_fields = (
        "preview", "owner", "sha256", "file_name", "content_type", "width", "height", "bytes",
        "original_name", "created", "removed_at", "removal_reason",
    )  # fmt: skip
    fields = ("preview", "description", *readonly_fields[1:])
    actions = ["remove_from_site"]

    def has_add_permission(self, request):
        return False  # figures come from their uploaders

    @admin.display(description="Figure")
    def preview(self, figure):
        if figure.is_removed:
            return "removed"
        # Sized by attributes: the site's CSP allows no inline style.
        scale = min(1.0, 128 / (figure.width or 128), 80 / (figure.height or 80))
        return format_html(
            '<a href="{0}"><img src="{0}" alt="" width="{1}" height="{2}"></a>',
            figure.get_absolute_url(),
            max(1, round((figure.width or 128) * scale)),
            max(1, round((figure.height or 80) * scale)),
        )

    @admin.display(description="Size", ordering="bytes")
    def size(self, figure):
        dimensions = f"{figure.width} × {figure.height}, " if figure.width else ""
        return f"{dimensions}{figure.bytes:,} bytes"

    @admin.action(description="Remove from the site (its URL answers 404; no re-upload)")
    def remove_from_site(self, request, queryset):
        removed = 0
        for figure in queryset.filter(removed_at__isnull=True):
            removed += services.remove_figure(figure)
        self.message_user(request, f"Removed {removed} upload(s).", messages.SUCCESS)
