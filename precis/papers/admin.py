from django.contrib import admin, messages

from .models import Author, Identifier, Paper, PaperAuthor, PaperRedirect, Venue
from .services import merge_papers


class PaperAuthorInline(admin.TabularInline):
    model = PaperAuthor
    raw_id_fields = ("author",)
    extra = 0


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("title", "venue", "year", "field")
    list_filter = ("field", "venue")
    search_fields = ("title", "identifiers__value")
    inlines = [PaperAuthorInline, IdentifierInline]
    actions = ["merge_into_oldest"]

    @admin.action(description="Merge selected papers into the oldest one", permissions=["change"])
    def merge_into_oldest(self, request, queryset):
        papers = list(queryset.order_by("pk"))
        if len(papers) < 2:
            self.message_user(request, "Select at least two papers to merge.", messages.WARNING)
            return
        kept = papers[0]
        for duplicate in papers[1:]:
            merge_papers(duplicate=duplicate, into=kept)
        self.message_user(
            request,
            f"Merged {len(papers) - 1} paper(s) into “{kept}”; their summaries and ids moved, "
            "and their old links redirect.",
            messages.SUCCESS,
        )


@admin.register(PaperRedirect)
class PaperRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_id", "paper", "created_at")
    raw_id_fields = ("paper",)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("key", "name")
    search_fields = ("key", "name")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    search_fields = ("name",)
