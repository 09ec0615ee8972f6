"""A saved selection: the list's own query string, kept in a canonical form and read back by
the list's FilterSet, and the links an alert's e-mails carry."""

from urllib.parse import urlencode

from django.core import signing
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from casestudies.filters import CaseStudyFilterSet
from casestudies.models import CaseStudy
from casestudies.views.cases import active_chips

from .models import owner_key

# What a selection keeps: the filters, not the order or the page.
NOT_SELECTION = {"sort", "page", "page_size", "format"}
CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
# The link to one's alerts, in every e-mail, lasts long enough to reach the next digests.
MANAGE_DAYS = 90


def canonical(query: QueryDict) -> str:
    """The selection of ``query`` as the list understands it: its filters' valid values (unknown
    ones dropped, as the list drops them), sorted, each once; not the order or the page."""
    reading = CaseStudyFilterSet(query, queryset=CaseStudy.objects.published())
    pairs = set()
    for name, value in reading.cleaned.items():
        if name in NOT_SELECTION or value in (None, "", []):
            continue
        if name == "q":
            value = reading.search_text
        for item in value if isinstance(value, list | tuple) else [value]:
            if str(item).strip():
                pairs.add((name, str(item)))
    return urlencode(sorted(pairs))


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
    """The link to an address's alerts: signed, expiring, opaque (no address in it)."""
    token = signing.dumps(owner_key(email), salt=MANAGE_SALT)
    return reverse("alerts:manage") + "?" + urlencode({"jeton": token})


def read_manage_token(token: str) -> str:
    """The owner key of a manage link; raises SignatureExpired or BadSignature."""
    value = signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_DAYS * 24 * 3600)
    if not isinstance(value, str):
        raise signing.BadSignature("format")
    return value


def unsubscribe_path(alert) -> str:
    return reverse("alerts:unsubscribe", args=[alert.pk, alert.secret])
