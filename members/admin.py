from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from members.models import User


@admin.register(User)
class ClusternetUserAdmin(UserAdmin):
    """Accounts only: the register itself is kept through the staff pages, whose services write the audit trail."""

    fieldsets = (*(UserAdmin.fieldsets or ()), ("clusternet", {"fields": ("role", "organization", "language")}))
    list_display = ("username", "email", "role", "organization", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("organization",)
