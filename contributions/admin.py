"""The moderation queue: proposals, newest first, with « Créer une fiche brouillon »."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .drafting import create_draft
from .models import Proposal, ProposalKind, ProposalStatus

SENT_FIELDS = [
    "kind",
    "case",
    "title",
    "partner_list",
    "instrument",
    "instrument_other",
    "theme_list",
    "start_year",
    "end_year",
    "description",
    "successes",
    "obstacles",
    "link_items",
    "contributor_name",
    "contributor_organisation",
    "contributor_email",
    "created_at",
]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "case", "contributor_organisation", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "description", "contributor_name", "contributor_organisation"]
    date_hierarchy = "created_at"
    readonly_fields = [*SENT_FIELDS, "draft_link"]
    fieldsets = [
        (_("Modération"), {"fields": ["status", "moderation_note", "draft_link"]}),
        (_("Ce que la personne a envoyé"), {"fields": SENT_FIELDS}),
    ]
    actions = ["create_drafts"]
    change_form_template = "admin/contributions/proposal/change_form.html"

    def has_add_permission(self, request):
        return False  # proposals come from the public form

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case", "instrument", "draft")

    # -- what was sent, read-only and never interpreted as HTML ---------------------------------
    @admin.display(description=_("partenaires"))
    def partner_list(self, obj):
        def known(partner):
            if partner.get("territory"):
                return _("territoire du catalogue")
            if partner.get("organisation"):
                return _("organisation du catalogue")
            return _("inconnu du catalogue")

        return (
            format_html_join(
                "", "<div>{} — {}</div>", ((p.get("name", ""), known(p)) for p in obj.partners)
            )
            or "—"
        )

    @admin.display(description=_("thématiques"))
    def theme_list(self, obj):
        return ", ".join(str(theme) for theme in obj.themes.all()) or "—"

    @admin.display(description=_("liens"))
    def link_items(self, obj):
        # Shown as text: a contributor's link is not made clickable in the staff's browser.
        return (
            format_html_join(
                "", "<div><code>{}</code></div>", ((link,) for link in obj.link_list())
            )
            or "—"
        )

    @admin.display(description=_("fiche brouillon créée"))
    def draft_link(self, obj):
        if obj.draft_id is None:
            return "—"
        url = reverse("admin:casestudies_casestudy_change", args=[obj.draft_id])
        return format_html('<a href="{}">{}</a>', url, obj.draft.title)

    # -- « Créer une fiche brouillon » ------------------------------------------------------------
    def get_urls(self):
        own = [
            path(
                "<int:pk>/creer-brouillon/",
                self.admin_site.admin_view(self.draft_view),
                name="contributions_proposal_draft",
            )
        ]
        return own + super().get_urls()

    def can_draft(self, request) -> bool:
        return request.user.has_perm("casestudies.add_casestudy") and self.has_change_permission(
            request
        )

    def draft_view(self, request, pk):
        if request.method != "POST" or not self.can_draft(request):
            raise PermissionDenied
        proposal = get_object_or_404(Proposal, pk=pk)
        if proposal.kind != ProposalKind.NEW:
            self.message_user(
                request,
                _("Une mise à jour se reporte dans la fiche existante : aucun brouillon créé."),
                messages.WARNING,
            )
            return redirect("admin:contributions_proposal_change", pk)
        case = create_draft(proposal, request.user)
        self.message_user(
            request,
            _(
                "Fiche brouillon « %(title)s » créée. Complétez-la à partir de la proposition "
                "n° %(n)s : sources, enseignements (ce qui a fonctionné ou freiné), partenaires "
                "non reconnus."
            )
            % {"title": case.title, "n": proposal.pk},
            messages.SUCCESS,
        )
        return redirect("admin:casestudies_casestudy_change", case.pk)

    @admin.action(
        description=_("Créer une fiche brouillon (propositions de coopération non refusées)")
    )
    def create_drafts(self, request, queryset):
        if not self.can_draft(request):
            raise PermissionDenied
        waiting = queryset.filter(kind=ProposalKind.NEW, draft=None)
        drafted = [
            create_draft(proposal, request.user)
            for proposal in waiting.exclude(status=ProposalStatus.REFUSED)
        ]
        self.message_user(
            request,
            ngettext("%d fiche brouillon créée.", "%d fiches brouillons créées.", len(drafted))
            % len(drafted),
            messages.SUCCESS,
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_draft": self.can_draft(request),
            "draftable_kind": ProposalKind.NEW,
            "accepted": ProposalStatus.ACCEPTED,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)
