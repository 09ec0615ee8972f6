"""What every page's header and footer show."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from casestudies.caching import current_release
from casestudies.selection import Selection, selected_slugs

# The main navigation, in order: (URL name, label).
MAIN_NAVIGATION = (
    ("casestudies:case-list", _("Fiches")),
    ("casestudies:territory-list", _("Territoires")),
    ("casestudies:instrument-list", _("Outils de coopération")),
    ("casestudies:theme-list", _("Thématiques")),
    ("casestudies:lesson-list", _("Enseignements")),
    ("casestudies:map", _("Carte")),
    ("casestudies:network", _("Réseau")),
    ("casestudies:statistics", _("Statistiques")),
    ("casestudies:source-list", _("Sources")),
    ("casestudies:data", _("Données ouvertes")),
)


@cache
def navigation_urls() -> tuple[tuple[str, object], ...]:
    # Addresses do not depend on the request or the language: resolved once per process.
    return tuple((reverse(name), label) for name, label in MAIN_NAVIGATION)


# The footer's links about the catalogue itself, in order.
FOOTER_LINKS = (
    ("casestudies:about", _("Qui publie ce catalogue ?")),
    ("casestudies:legal-notice", _("Mentions légales")),
    ("casestudies:personal-data", _("Données personnelles")),
    ("casestudies:accessibility", _("Accessibilité")),
    ("contributions:contribute", _("Proposer une coopération")),
    ("alerts:manage", _("Vos alertes par courriel")),
    ("casestudies:contact", _("Contact")),
    ("casestudies:data", _("Données ouvertes et API")),
)


@dataclass(frozen=True)
class Publisher:
    """The publisher of the catalogue, from settings.PUBLISHER (environment variables)."""

    name: str
    url: str
    logo: str
    email: str
    address: str
    director: str
    host: str

    @property
    def display_name(self):
        return self.name or _("L'équipe éditoriale du catalogue")

    @property
    def logo_url(self):
        if not self.logo:
            return ""
        return self.logo if self.logo.startswith(("https://", "/")) else static(self.logo)


def publisher() -> Publisher:
    return Publisher(**settings.PUBLISHER)


@cache
def footer_urls() -> tuple[tuple[str, object], ...]:
    return tuple((reverse(name), label) for name, label in FOOTER_LINKS)


def navigation(request):
    """The main navigation and the footer's links, the current page marked (``aria-current``),
    and the publisher."""

    def links(pairs):
        return [
            {"url": url, "label": label, "current": request.path == url} for url, label in pairs
        ]

    return {
        "main_navigation": links(navigation_urls()),
        "footer_links": links(footer_urls()),
        "publisher": publisher(),
        # Read from the session only by the pages that show it (list, sheet).
        "comparison": SimpleLazyObject(lambda: Selection(selected_slugs(request))),
        # Part of the key of cached HTML (cards, facet panel), renewed by each deployment's
        # migrate: the templates and translations of a release are never served by another.
        "cache_release": SimpleLazyObject(lambda: str(current_release())),
    }
