"""The staff's editing tool: one module per family of records."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import cases, finder, references, territories  # noqa: F401  (registers the ModelAdmins)

admin.site.site_header = _("Catalogue des coopérations territoriales — administration")
admin.site.site_title = _("Catalogue des coopérations")
admin.site.index_title = _("Gestion du catalogue")
