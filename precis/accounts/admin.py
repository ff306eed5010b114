from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Block, PointsEntry, User


@admin.register(User)
class PrecisUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "orcid")}),
        ("E-mail", {"fields": ("email_on_comment", "email_on_reply", "email_on_followed")}),
        (
            "Trust",
            {
                "fields": ("trust_level", "trust_level_locked", "reputation"),
                "description": (
                    "A level changed here is locked: the automatic rules leave it alone "
                    "until “locked” is cleared (see docs/trust.md)."
                ),
            },
        ),
    )
    readonly_fields = ("reputation",)
    list_display = ("username", "display_name", "email", "trust_level", "is_staff", "date_joined")
    list_filter = (*UserAdmin.list_filter, "trust_level", "trust_level_locked")

    def save_model(self, request, obj, form, change):
        # A level set by hand stays set, unless the lock was changed in the same save.
        if "trust_level" in form.changed_data and "trust_level_locked" not in form.changed_data:
            obj.trust_level_locked = True
        super().save_model(request, obj, form, change)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("who", "kind", "whom", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("who", "whom")


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """Read-only: ``update_reputation`` rewrites these; edit the votes, not the points."""

    list_display = ("user", "points", "reason", "public", "earned_at")
    list_filter = ("reason", "public")
    raw_id_fields = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
