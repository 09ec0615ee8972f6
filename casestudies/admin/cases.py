"""Admin of case sheets: one page with inlines for parties, instruments, citations and lessons."""

from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from casestudies import indexing, notifications, pending, workflow
from casestudies.admin.forms import CaseStudyAdminForm
from casestudies.admin.history import compare
from casestudies.models import (
    CaseRedirect,
    CaseStudy,
    Citation,
    InstrumentUse,
    Lesson,
    Participation,
    PendingRevision,
    PublicationStatus,
    TerritoryKind,
)
from casestudies.models.cases import SECTION_FIELDS
from casestudies.richtext import render_markdown
from casestudies.views.cases import CasePreviewView


class FrenchUniqueFormSet(BaseInlineFormSet):
    """Duplicate rows inside one submission get a readable French message."""

    duplicate_message = _("Une même ligne figure deux fois : supprimez le doublon.")

    def get_unique_error_message(self, unique_check):
        return self.duplicate_message


class ParticipationFormSet(FrenchUniqueFormSet):
    duplicate_message = _(
        "Une même partie prenante figure deux fois avec le même rôle : supprimez le doublon."
    )


class SharedVocabularies:
    """No edit or delete shortcut (✎, ✕) next to a shared record inside a sheet: changing an
    instrument, a theme, a category or a source there would change it for every sheet. New
    partners can still be added from the sheet (+)."""

    shared = {
        "themes",
        "cooperation_types",
        "instrument",
        "category",
        "source",
        "monograph",
        "territory",
        "organisation",
    }
    may_add = {"territory", "organisation"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        if db_field.name in self.shared and hasattr(widget, "can_delete_related"):
            widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
            if db_field.name not in self.may_add:
                widget.can_add_related = False
        return field


class ParticipationInline(SharedVocabularies, admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    autocomplete_fields = ["territory", "organisation"]
    fields = ["territory", "organisation", "role", "note", "position"]
    extra = 1


class InstrumentUseInline(SharedVocabularies, admin.TabularInline):
    model = InstrumentUse
    formset = FrenchUniqueFormSet
    autocomplete_fields = ["instrument"]
    fields = ["instrument", "signature_year", "note"]
    extra = 1


class CitationInline(SharedVocabularies, admin.TabularInline):
    model = Citation
    autocomplete_fields = ["source"]
    fields = ["source", "line_start", "line_end", "pages", "note"]
    extra = 1


class LessonInline(SharedVocabularies, admin.StackedInline):
    model = Lesson
    fields = [("kind", "category", "position", "inferred"), "text"]
    extra = 1


class CaseRedirectInline(admin.TabularInline):
    model = CaseRedirect
    fields = ["old_slug", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0


class TerritoryKindListFilter(admin.SimpleListFilter):
    title = _("type de territoire partie prenante")
    parameter_name = "territory_kind"

    def lookups(self, request, model_admin):
        return TerritoryKind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                pk__in=Participation.objects.filter(territory__kind=self.value()).values("case")
            )
        return queryset


class StaleListFilter(admin.SimpleListFilter):
    """« À revoir »: published sheets not reviewed for STALE_AFTER_DAYS days (or never)."""

    title = _("relecture")
    parameter_name = "a_revoir"

    def lookups(self, request, model_admin):
        return [("oui", _("À revoir")), ("non", _("Relue récemment"))]

    def queryset(self, request, queryset):
        stale = CaseStudy.objects.stale(settings.STALE_AFTER_DAYS).values("pk")
        if self.value() == "oui":
            return queryset.filter(pk__in=stale)
        if self.value() == "non":
            return queryset.published().exclude(pk__in=stale)
        return queryset


class BrokenLinkListFilter(admin.SimpleListFilter):
    title = _("liens")
    parameter_name = "liens"

    def lookups(self, request, model_admin):
        return [("casses", _("Au moins un lien cassé"))]

    def queryset(self, request, queryset):
        if self.value() == "casses":
            return queryset.filter(link_checks__ok=False).distinct()
        return queryset


# The workflow's buttons, by (current status, target status); None: a new sheet.
BUTTONS = {
    (None, PublicationStatus.IN_REVIEW): _("Enregistrer et soumettre à la relecture"),
    (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW): _("Soumettre à la relecture"),
    (PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED): _("Publier"),
    (PublicationStatus.IN_REVIEW, PublicationStatus.DRAFT): _("Renvoyer en brouillon"),
    (PublicationStatus.PUBLISHED, PublicationStatus.DRAFT): _("Dépublier (retour en brouillon)"),
}
TRANSITION_COMMENTS = {
    (None, PublicationStatus.IN_REVIEW): _("Soumise à relecture"),
    (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW): _("Soumise à relecture"),
    (PublicationStatus.IN_REVIEW, PublicationStatus.PUBLISHED): _("Publiée"),
    (PublicationStatus.IN_REVIEW, PublicationStatus.DRAFT): _("Renvoyée en brouillon"),
    (PublicationStatus.PUBLISHED, PublicationStatus.DRAFT): _("Dépubliée"),
}

# Help for the fields whose meaning is not obvious (the others carry the model's help_text).
FIELD_HELP = {
    "title": _(
        "Qui coopère et sur quoi, tel qu'un agent le chercherait : « Métropole – PETR : …»."
    ),
    "slug": _(
        "L'adresse de la fiche (/fiches/…/), déduite du titre ; la changer laisse l'ancienne "
        "adresse rediriger si vous l'ajoutez aux anciennes adresses."
    ),
    "themes": _("Une ou plusieurs thématiques ; la thématique parente est comptée d'elle-même."),
    "cooperation_types": _(
        "Les formes de la coopération (échange, projet commun, service "
        "partagé…), si les sources les disent."
    ),
    "start_year": _("L'année où la coopération commence, selon les sources."),
    "end_year": _("Seulement si la coopération est achevée."),
}

MARKDOWN_HELP = _(
    "Markdown simple : paragraphes séparés par une ligne vide, listes « - », **gras**, "
    "*italique*, [lien](https://…). Le HTML est affiché tel quel, jamais interprété."
)


@admin.register(CaseStudy)
class CaseStudyAdmin(SharedVocabularies, VersionAdmin):
    form = CaseStudyAdminForm
    list_display = [
        "title",
        "publication_status",
        "cooperation_status",
        "start_year",
        "updated_at",
        "review_state",
    ]
    list_filter = [
        "publication_status",
        StaleListFilter,
        BrokenLinkListFilter,
        "cooperation_status",
        "themes",
        "instruments",
        TerritoryKindListFilter,
        "start_year",
        "citations__source",
    ]
    search_fields = [
        "title",
        "slug",
        "summary",
        "participations__territory__name",
        "participations__organisation__name",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["themes", "monograph"]
    filter_horizontal = ["cooperation_types"]
    readonly_fields = [
        "status_now",
        "published_at",
        "last_reviewed_at",
        "created_at",
        "updated_at",
        "updated_by",
        "version",
        "preview",
    ]
    inlines = [
        ParticipationInline,
        InstrumentUseInline,
        CitationInline,
        LessonInline,
        CaseRedirectInline,
    ]
    actions = ["submit_for_review", "publish_selected", "unpublish_selected", "mark_reviewed"]
    date_hierarchy = "updated_at"
    show_facets = admin.ShowFacets.ALWAYS
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "loaded_version"]}),
        (
            _("Classement"),
            {
                "fields": [
                    "themes",
                    "cooperation_types",
                    ("start_year", "end_year"),
                    "cooperation_status",
                    "monograph",
                ]
            },
        ),
        (
            _("Sections de la fiche"),
            {
                "fields": list(SECTION_FIELDS),
                "classes": ["collapse"],
                "description": _(
                    "Les sections du modèle de fiche, repliées : ouvrez-les pour les rédiger. "
                    "Chaque fait cite sa source par un repère (source 003, l.941–947)."
                ),
            },
        ),
        (
            _("Aperçu des sections enregistrées"),
            {"fields": ["preview"], "classes": ["collapse"]},
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status_now",
                    "publication_status",
                    "review_comment",
                    "published_at",
                    "last_reviewed_at",
                    "major_update_at",
                    ("created_at", "updated_at"),
                    ("updated_by", "version"),
                ]
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form = type(form.__name__, (form,), {"user": request.user})
        for name in ("summary", *SECTION_FIELDS):
            if name in form.base_fields:
                form.base_fields[name].help_text = MARKDOWN_HELP
        for name, text in FIELD_HELP.items():
            if name in form.base_fields and not form.base_fields[name].help_text:
                form.base_fields[name].help_text = text
        return form

    object_history_template = "admin/casestudies/casestudy/object_history.html"
    change_form_template = "admin/casestudies/casestudy/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/apercu/", view(self.preview_view), name="casestudies_casestudy_preview"),
            path(
                "<int:pk>/history/comparer/",
                view(self.compare_view),
                name="casestudies_casestudy_compare",
            ),
            path(
                "<int:pk>/en-attente/<int:pending_pk>/<slug:action>/",
                view(self.pending_action),
                name="casestudies_casestudy_pending",
            ),
            *super().get_urls(),
        ]

    def get_view_on_site_url(self, obj=None):
        # A draft has no public page yet: « Voir sur le site » opens its preview.
        if obj is not None and obj.pk and not obj.is_published:
            return reverse("admin:casestudies_casestudy_preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def preview_view(self, request, pk):
        """The sheet as its public page will show it, whatever its status."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return CasePreviewView.as_view()(request, pk=pk)

    def history_view(self, request, object_id, extra_context=None):
        versions = Version.objects.get_for_object_reference(CaseStudy, object_id).select_related(
            "revision__user"
        )
        extra_context = {**(extra_context or {}), "versions": list(versions)}
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, pk):
        """Two versions of the sheet (« de », « à »: ids of the history), field by field."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(CaseStudy, pk=pk)
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            before = versions.get(pk=int(request.GET.get("de", "")))
            after = versions.get(pk=int(request.GET.get("a", "")))
        except (ValueError, Version.DoesNotExist):
            messages.error(request, _("Choisissez deux versions de cette fiche à comparer."))
            return redirect("admin:casestudies_casestudy_history", pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("Comparer deux versions"),
            "before": before,
            "after": after,
            "changes": compare(before, after),
        }
        return TemplateResponse(request, "admin/casestudies/casestudy/compare.html", context)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if getattr(request, "workflow_comment", None):
            reversion.set_comment(request.workflow_comment)
        return entry

    @admin.display(description=_("statut de publication"))
    def status_now(self, obj):
        if obj is None or obj.pk is None:
            return _("Nouvelle fiche : enregistrée comme brouillon, ou soumise à la relecture.")
        return obj.get_publication_status_display()

    def transitions(self, request, obj):
        """The workflow's buttons this user may press for this sheet: (status, label)."""
        current = obj.publication_status if obj is not None and obj.pk else None
        allowed = set(workflow.allowed_statuses(request.user, current)) - {current}
        if current is None:
            allowed -= {workflow.DRAFT}  # « Enregistrer » saves a new sheet as a draft
        return [
            (to, label) for (frm, to), label in BUTTONS.items() if frm == current and to in allowed
        ]

    def save_model(self, request, obj, form, change):
        before = form.stored_status() if change else None
        author_id = form.stored["updated_by"] if change and form.stored else None
        obj.updated_by = request.user
        if change:
            # The form locked the row (select_for_update) while checking the version, so the
            # next number can be computed here; a plain integer also keeps the history readable.
            stored = CaseStudy.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            obj.version = (stored or 0) + 1
        super().save_model(request, obj, form, change)
        self.announce(request, obj, before, author_id, form.cleaned_data.get("review_comment", ""))

    def announce(self, request, obj, before, author_id, comment):
        """A change of status goes into the history with the comment, and to the people
        concerned: the editors for a submission, the author for a decision."""
        after = obj.publication_status
        if after == before:
            return
        label = TRANSITION_COMMENTS.get((before, after), _("Statut : %(status)s")) % {
            "status": obj.get_publication_status_display()
        }
        # Kept for log_change, which VersionAdmin uses to set the revision's comment.
        request.workflow_comment = f"{label} — {comment}" if comment else str(label)
        if after == workflow.IN_REVIEW:
            notifications.submitted([obj], request.user, request)
        elif before == workflow.IN_REVIEW or before == workflow.PUBLISHED:
            author = get_user_model().objects.filter(pk=author_id).first() if author_id else None
            outcome = "publiee" if after == workflow.PUBLISHED else "renvoyee"
            notifications.decided(obj, outcome, author, request.user, comment, request)

    @admin.display(description=_("relecture"), ordering="last_reviewed_at")
    def review_state(self, obj):
        if not obj.is_published:
            return "—"
        limit = timezone.now() - timedelta(days=settings.STALE_AFTER_DAYS)
        if obj.last_reviewed_at is None or obj.last_reviewed_at < limit:
            return format_html('<strong class="stale">{}</strong>', _("à revoir"))
        return date_format(timezone.localtime(obj.last_reviewed_at), "SHORT_DATE_FORMAT")

    @admin.action(description=_("Marquer comme relues aujourd'hui"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = queryset.mark_reviewed()
        self.message_user(
            request,
            ngettext("%d fiche marquée relue.", "%d fiches marquées relues.", count) % count,
            messages.SUCCESS,
        )

    @admin.display(description=_("aperçu"))
    def preview(self, obj):
        """The saved sections as the public page renders them (sanitised Markdown)."""
        if obj is None or obj.pk is None:
            return _("L'aperçu apparaît après le premier enregistrement.")
        parts = [(_("chapeau"), obj.summary), *obj.sections()]
        return format_html_join(
            "",
            '<div class="markdown-preview"><h3>{}</h3>{}</div>',
            ((str(label).capitalize(), mark_safe(render_markdown(text))) for label, text in parts),
        ) or format_html("<p>{}</p>", _("Aucune section."))

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        transition = request.POST.get("_transition") if request.method == "POST" else None
        if transition:
            # A workflow button: the status it asks for goes through the form's own check
            # (workflow.check_transition), like any other path.
            request.POST = request.POST.copy()
            request.POST["publication_status"] = transition
        obj = self.get_object(request, object_id) if object_id else None
        extra_context = {
            **(extra_context or {}),
            "transitions": self.transitions(request, obj),
            "pending_revisions": list(
                obj.pending_revisions.waiting().select_related("author", "base")
            )
            if obj is not None
            else [],
            "can_publish": workflow.can_publish(request.user),
        }
        # The sheet and its inlines are saved one by one: re-index the sheet once, in the same
        # transaction (a failure after the save must not leave its indexes behind).
        with transaction.atomic(), indexing.deferred_refresh():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A change to a published sheet by someone who may not publish waits for review:
        the published state is versioned first, the change is saved as usual (its own
        revision: VersionAdmin wraps this view), then the published state is put back, all in
        one transaction (casestudies/pending.py)."""
        obj = self.get_object(request, object_id)
        held = (
            request.method == "POST"
            and obj is not None
            and obj.is_published
            and not workflow.can_publish(request.user)
        )
        if not held:
            return super().change_view(request, object_id, form_url, extra_context)
        with transaction.atomic(), indexing.deferred_refresh():
            base = pending.baseline(obj, request.user)
            response = super().change_view(request, object_id, form_url, extra_context)
            if response.status_code == 302:
                waiting = pending.hold(obj, base, request.user)
                if waiting is not None:
                    self.message_user(
                        request,
                        _(
                            "Votre modification attend la relecture d'un éditeur : la page "
                            "publique garde la version publiée jusqu'à son acceptation."
                        ),
                        messages.WARNING,
                    )
                    notifications.submitted([obj], request.user, request)
            return response

    def pending_action(self, request, pk, pending_pk, action):
        """Preview, accept or refuse a change waiting for review."""
        if action not in ("apercu", "accepter", "refuser"):
            raise Http404
        waiting = get_object_or_404(
            PendingRevision.objects.waiting().select_related("version__revision", "author"),
            pk=pending_pk,
            case_id=pk,
        )
        if action == "apercu":
            if not self.has_view_or_change_permission(request):
                raise PermissionDenied
            with pending.applied(waiting):
                response = CasePreviewView.as_view()(request, pk=pk)
                response.render()  # while the change is applied
            return response
        if request.method != "POST" or not workflow.can_publish(request.user):
            raise PermissionDenied
        comment = request.POST.get("review_comment", "")[:2000]
        author = waiting.author
        case = get_object_or_404(CaseStudy, pk=pk)
        if action == "accepter":
            case = pending.accept(waiting, request.user)
            outcome, text = "acceptee", _("Modification acceptée : la page publique la montre.")
        else:
            pending.refuse(waiting, request.user, comment)
            outcome, text = "refusee", _("Modification refusée : la page publique n'a pas changé.")
        notifications.decided(case, outcome, author, request.user, comment, request)
        self.message_user(request, text, messages.SUCCESS)
        return redirect("admin:casestudies_casestudy_change", pk)

    def apply_bulk(self, request, queryset, verb: str, comment: str) -> tuple[int, list]:
        """Apply a QuerySet verb to the selection and record a version of each sheet it moved;
        (number updated, sheets moved)."""
        ids = list(queryset.values_list("pk", flat=True))
        before = dict(CaseStudy.objects.filter(pk__in=ids).values_list("pk", "version"))
        count = getattr(CaseStudy.objects.filter(pk__in=ids), verb)()
        moved = [
            case
            for case in CaseStudy.objects.filter(pk__in=ids)
            if case.version != before.get(case.pk)
        ]
        workflow.record_versions(moved, request.user, comment)
        return count, moved

    @admin.action(description=_("Soumettre à relecture"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        count, moved = self.apply_bulk(
            request, queryset, "submit_for_review", _("Soumise à relecture (action groupée)")
        )
        notifications.submitted(moved, request.user, request)
        self.message_user(
            request,
            ngettext("%d fiche soumise à relecture.", "%d fiches soumises à relecture.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Publier les fiches relues"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        if not workflow.can_publish(request.user):  # the action is hidden; a forged POST stops here
            raise PermissionDenied
        skipped = queryset.exclude(publication_status=PublicationStatus.IN_REVIEW).count()
        count, moved = self.apply_bulk(
            request,
            queryset.filter(publication_status=PublicationStatus.IN_REVIEW),
            "publish",
            _("Publiée (action groupée)"),
        )
        for case in moved:
            notifications.decided(case, "publiee", case.updated_by, request.user, "", request)
        self.message_user(
            request,
            ngettext("%d fiche publiée.", "%d fiches publiées.", count) % count,
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d fiche ignorée : seules les fiches « À relire » peuvent être publiées.",
                    "%d fiches ignorées : seules les fiches « À relire » peuvent être publiées.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    @admin.action(
        description=_("Dépublier les fiches sélectionnées (retour en brouillon)"),
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        count, _moved = self.apply_bulk(
            request,
            queryset.filter(publication_status=PublicationStatus.PUBLISHED),
            "unpublish",
            _("Dépubliée (action groupée)"),
        )
        self.message_user(
            request,
            ngettext("%d fiche dépubliée.", "%d fiches dépubliées.", count) % count,
            messages.SUCCESS,
        )
