"""The review queue of the admin's home page."""

from dataclasses import dataclass, field

from django import template
from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from casestudies.models import CaseStudy, PendingRevision, PublicationStatus

register = template.Library()
OLDEST = 10


@dataclass
class Queue:
    counts: list  # (status, label, count, changelist url)
    oldest: list
    proposals: int | None
    stale: int | None
    pending: list = field(default_factory=list)  # changes to published sheets, oldest first


@register.simple_tag(takes_context=True)
def review_queue(context):
    user = context["request"].user
    if not user.has_perm("casestudies.view_casestudy"):
        return Queue([], [], None, None)
    counted = dict(
        CaseStudy.objects.values_list("publication_status").annotate(n=Count("pk")).order_by()
    )
    changelist = reverse("admin:casestudies_casestudy_changelist")
    counts = [
        (status, label, counted.get(status, 0), f"{changelist}?publication_status__exact={status}")
        for status, label in PublicationStatus.choices
    ]
    oldest = list(
        CaseStudy.objects.filter(publication_status=PublicationStatus.IN_REVIEW)
        .select_related("updated_by")
        .order_by("updated_at", "pk")[:OLDEST]
    )
    proposals = None
    if user.has_perm("contributions.view_proposal"):
        from contributions.models import Proposal

        proposals = Proposal.objects.awaiting().count()
    stale = CaseStudy.objects.stale(settings.STALE_AFTER_DAYS).count()
    pending = list(PendingRevision.objects.waiting().select_related("case", "author")[:OLDEST])
    return Queue(counts, oldest, proposals, stale, pending)
