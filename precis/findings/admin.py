from django.contrib import admin

from .models import Finding, FindingReply, StatusChange


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ("created_at", "changed_by", "role", "from_status", "to_status", "reply")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "kind", "status", "paper", "author", "moderation", "created_at")
    list_filter = ("kind", "status", "moderation")
    search_fields = ("title", "source", "author__username")
    raw_id_fields = ("paper", "author")
    # The status moves through the site (``services``), which keeps its history.
    readonly_fields = ("status", "status_changed_at", "created_at", "updated_at")
    inlines = [StatusChangeInline]


@admin.register(FindingReply)
class FindingReplyAdmin(admin.ModelAdmin):
    list_display = ("pk", "finding", "author", "by_paper_author", "moderation", "created_at")
    list_filter = ("by_paper_author", "moderation")
    search_fields = ("source", "author__username")
    raw_id_fields = ("finding", "author")
    readonly_fields = ("by_paper_author", "created_at", "updated_at")
