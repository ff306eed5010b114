from django.contrib import admin

from .models import Author, Identifier, Paper, PaperAuthor, Venue


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


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("key", "name")
    search_fields = ("key", "name")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    search_fields = ("name",)
