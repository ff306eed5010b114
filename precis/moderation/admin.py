from django.contrib import admin

from .models import BlockedHost


@admin.register(BlockedHost)
class BlockedHostAdmin(admin.ModelAdmin):
    """Hosts whose links mark writing as spam; learned ones come from marked spammers."""

    list_display = ("host", "learned", "reason", "added_by", "created_at")
    list_filter = ("learned",)
    search_fields = ("host", "reason")
    readonly_fields = ("added_by", "created_at")
    fields = ("host", "learned", "reason", "added_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
            obj.learned = False  # a person added it
        super().save_model(request, obj, form, change)
