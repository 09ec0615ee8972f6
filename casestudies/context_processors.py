"""What every page's header and footer show."""

from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The main navigation, in order: (URL name, label).
MAIN_NAVIGATION = (
    ("casestudies:case-list", _("Fiches")),
    ("casestudies:territory-list", _("Territoires")),
    ("casestudies:instrument-list", _("Outils de coopération")),
    ("casestudies:theme-list", _("Thématiques")),
    ("casestudies:lesson-list", _("Enseignements")),
    ("casestudies:map", _("Carte")),
    ("casestudies:statistics", _("Statistiques")),
    ("casestudies:source-list", _("Sources")),
    ("casestudies:api-docs", _("Données ouvertes")),
)


@cache
def navigation_urls() -> tuple[tuple[str, object], ...]:
    # Addresses do not depend on the request or the language: resolved once per process.
    return tuple((reverse(name), label) for name, label in MAIN_NAVIGATION)


def navigation(request):
    """The main navigation, the current page marked (``aria-current``)."""
    return {
        "main_navigation": [
            {"url": url, "label": label, "current": request.path == url}
            for url, label in navigation_urls()
        ]
    }
