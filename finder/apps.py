from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinderConfig(AppConfig):
    name = "finder"
    verbose_name = _("Trouver un outil de coopération")
    default_auto_field = "django.db.models.BigAutoField"
