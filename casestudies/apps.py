from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasestudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = _("Catalogue des coopérations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casestudies import signals  # noqa: F401  (connects the search index signals)
        from casestudies.api.schema import resolve_extensions

        resolve_extensions()
