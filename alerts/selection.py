"""A saved selection: the list's own query string, kept in a canonical form and read back by
the list's FilterSet, and the links an alert's e-mails carry."""

from urllib.parse import urlencode

from django.core import signing
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from casestudies.filters import CaseStudyFilterSet
from casestudies.views.cases import active_chips

# What a selection keeps: the filters, not the order or the page.
NOT_SELECTION = {"sort", "page", "page_size", "format"}
CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
# The link to one's alerts, in every e-mail, lasts long enough to reach the next digests.
MANAGE_DAYS = 90


def canonical(query: QueryDict) -> str:
    """The filter parameters of ``query``, sorted, each value once: one alert per selection."""
    pairs = sorted(
        {
            (name, value.strip())
            for name in query
            if name in CaseStudyFilterSet.base_filters and name not in NOT_SELECTION
            for value in query.getlist(name)
            if value.strip()
        }
    )
    return urlencode(pairs)


def filterset(query: str, queryset) -> CaseStudyFilterSet:
    return CaseStudyFilterSet(QueryDict(query), queryset=queryset)


def describe(query: str, queryset) -> list[str]:
    """The selection in words, as the list's chips say it; empty for the whole catalogue."""
    return [chip.label for chip in active_chips(filterset(query, queryset), QueryDict(query))]


def summary(query: str, queryset) -> str:
    return " ; ".join(describe(query, queryset)) or _("toutes les fiches")


def list_path(query: str) -> str:
    return reverse("casestudies:case-list") + (f"?{query}" if query else "")


def confirm_path(alert) -> str:
    token = signing.dumps([alert.pk, alert.secret[:12]], salt=CONFIRM_SALT)
    return reverse("alerts:confirm", args=[token])


def read_confirm_token(token: str, days: int):
    """(pk, secret prefix) of a confirmation link; raises SignatureExpired or BadSignature."""
    value = signing.loads(token, salt=CONFIRM_SALT, max_age=days * 24 * 3600)
    if not (isinstance(value, list) and len(value) == 2):
        raise signing.BadSignature("format")
    return value


def manage_path(email: str) -> str:
    return (
        reverse("alerts:manage")
        + "?"
        + urlencode({"jeton": signing.dumps(email.lower(), salt=MANAGE_SALT, compress=True)})
    )


def read_manage_token(token: str) -> str:
    return signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_DAYS * 24 * 3600)


def unsubscribe_path(alert) -> str:
    return reverse("alerts:unsubscribe", args=[alert.pk, alert.secret])
