from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class PrecisUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "orcid")}),
        ("E-mail", {"fields": ("email_on_comment", "email_on_reply", "email_on_followed")}),
    )
    list_display = ("username", "display_name", "email", "is_staff", "date_joined")
