from django.contrib import admin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Staff see who follows what (to answer a request under the GDPR) and can delete."""

    list_display = ["email", "query", "frequency", "confirmed_at", "covered_until"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = [
        "email",
        "query",
        "created_at",
        "requested_at",
        "confirmed_at",
        "covered_until",
    ]
    fields = [
        "email",
        "query",
        "frequency",
        "created_at",
        "requested_at",
        "confirmed_at",
        "covered_until",
    ]

    def has_add_permission(self, request):
        return False  # only the address's owner subscribes (double opt-in)
