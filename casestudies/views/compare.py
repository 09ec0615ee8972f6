"""/comparer/: two to four published sheets side by side."""

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from casestudies.models import CaseStudy, LessonKind
from casestudies.selection import MAX_SHEETS, save_slugs, selected_slugs


def requested_slugs(query) -> list[str]:
    """``fiches=a,b`` and ``fiches=a&fiches=b`` alike, in order, without repeats."""
    slugs = []
    for value in query.getlist("fiches"):
        for slug in value.split(","):
            slug = slug.strip()[:200]
            if slug and slug not in slugs:
                slugs.append(slug)
    return slugs[:50]


def party_lines(case):
    return [
        f"{p.party} ({p.party_kind_display}, {p.get_role_display()})"
        for p in case.participations.all()
    ]


def lessons_of(case, kind):
    by_category = {}
    for lesson in case.lessons.all():
        if lesson.kind == kind:
            by_category.setdefault(lesson.category.name, []).append(lesson.text)
    return [f"{category} : {text}" for category, texts in by_category.items() for text in texts]


ROWS = [
    (gettext_lazy("Parties prenantes"), party_lines),
    (
        gettext_lazy("Types de parties"),
        lambda c: sorted({str(p.party_kind_display) for p in c.participations.all()}),
    ),
    (gettext_lazy("Outils"), lambda c: [u.instrument.name for u in c.instrument_uses.all()]),
    (gettext_lazy("Thématiques"), lambda c: [t.name for t in c.themes.all()]),
    (gettext_lazy("Types de coopération"), lambda c: [t.name for t in c.cooperation_types.all()]),
    (gettext_lazy("Année de début"), lambda c: [str(c.start_year)] if c.start_year else []),
    (gettext_lazy("Année de fin"), lambda c: [str(c.end_year)] if c.end_year else []),
    (
        gettext_lazy("État"),
        lambda c: [str(c.get_cooperation_status_display())] if c.cooperation_status else [],
    ),
    (gettext_lazy("Conditions de réussite"), lambda c: lessons_of(c, LessonKind.SUCCESS)),
    (gettext_lazy("Freins et difficultés"), lambda c: lessons_of(c, LessonKind.OBSTACLE)),
    (
        gettext_lazy("Sources"),
        lambda c: [
            f"{cit.source.short_title or cit.source.title}, {cit.location}"
            for cit in c.citations.all()
        ],
    ),
]
TEXT_ROWS = [
    (gettext_lazy("Gouvernance"), "governance"),
    (gettext_lazy("Moyens humains et financiers"), "means"),
]


class CompareView(TemplateView):
    template_name = "casestudies/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slugs = requested_slugs(self.request.GET)
        found = {
            case.slug: case
            for case in CaseStudy.objects.published().filter(slug__in=slugs).with_related()
        }
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            messages.warning(
                self.request,
                _("Fiche(s) inconnue(s) ou non publiée(s), ignorée(s) : %s.") % ", ".join(unknown),
            )
        cases = [found[slug] for slug in slugs if slug in found]
        if len(cases) > MAX_SHEETS:
            messages.warning(
                self.request,
                _("On compare au plus %(max)d fiches : seules les premières sont affichées.")
                % {"max": MAX_SHEETS},
            )
            cases = cases[:MAX_SHEETS]
        if slugs and len(cases) < 2:
            messages.info(self.request, _("Choisissez au moins deux fiches publiées à comparer."))
        rows = []
        if len(cases) >= 2:
            for label, values in ROWS:
                cells = [values(case) for case in cases]
                differs = len({tuple(sorted(cell)) for cell in cells}) > 1
                rows.append({"label": label, "cells": cells, "differs": differs, "text": False})
            for label, field in TEXT_ROWS:
                texts = [getattr(case, field) for case in cases]
                rows.append(
                    {
                        "label": label,
                        "cells": texts,
                        "differs": len(set(texts)) > 1,
                        "text": True,
                    }
                )
        context.update(cases=cases, rows=rows)
        return context


class SelectionView(View):
    """POST: add a sheet to the visitor's comparison selection, remove one, or empty it; then
    back to the page the visitor came from (its own address, filters and page included)."""

    http_method_names = ["post"]

    def post(self, request):
        slugs, slug = selected_slugs(request), request.POST.get("fiche", "")[:200]
        action = request.POST.get("action")
        if action == "vider":
            slugs = []
        elif action == "retirer":
            slugs = [s for s in slugs if s != slug]
        elif action == "ajouter":
            slugs = self.added(request, slugs, slug)
        else:
            return HttpResponseBadRequest(_("Action inconnue."))
        save_slugs(request, slugs)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("casestudies:case-list")
        return HttpResponseRedirect(target)

    @staticmethod
    def added(request, slugs, slug):
        if slug in slugs:
            return slugs
        if not CaseStudy.objects.published().filter(slug=slug).exists():
            messages.error(request, _("Cette fiche n'existe pas ou n'est pas publiée."))
            return slugs
        if len(slugs) >= MAX_SHEETS:
            messages.warning(
                request,
                _("La comparaison porte sur %(n)s fiches au plus : retirez-en une d'abord.")
                % {"n": MAX_SHEETS},
            )
            return slugs
        return [*slugs, slug]
