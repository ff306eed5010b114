from django.contrib import admin

from .models import Revision, Summary


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ("number", "editor", "created_at", "visibility", "anonymous", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin):
    list_display = ("paper", "author", "visibility", "anonymous", "score", "published_at")
    list_filter = ("visibility", "anonymous")
    raw_id_fields = ("paper", "author")
    readonly_fields = ("upvotes", "downvotes", "score", "wilson", "popularity", "views")
    inlines = [RevisionInline]
