"""/comparer/: two to four published sheets side by side (rows: casestudies/comparison.py)."""

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from casestudies.comparison import comparable, comparison_rows, shared_summary
from casestudies.models import CaseStudy
from casestudies.notes import PageNotes
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


class CompareView(TemplateView):
    template_name = "casestudies/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = self.requested_cases()
        rows = comparison_rows(cases) if len(cases) >= 2 else []
        context.update(
            cases=cases, rows=rows, shared=shared_summary(rows), notes=PageNotes.for_page()
        )
        return context

    def requested_cases(self) -> list[CaseStudy]:
        """The published sheets asked for, in the order asked, at most four; the rest is
        reported in a message."""
        slugs = requested_slugs(self.request.GET)
        published = CaseStudy.objects.published()
        found = set(published.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            messages.warning(
                self.request,
                _("Fiche(s) inconnue(s) ou non publiée(s), ignorée(s) : %s.") % ", ".join(unknown),
            )
        chosen = [slug for slug in slugs if slug in found]
        if len(chosen) > MAX_SHEETS:
            messages.warning(
                self.request,
                _("On compare au plus %(max)d fiches : seules les premières sont affichées.")
                % {"max": MAX_SHEETS},
            )
            chosen = chosen[:MAX_SHEETS]
        if slugs and len(chosen) < 2:
            messages.info(self.request, _("Choisissez au moins deux fiches publiées à comparer."))
        if len(chosen) < 2:
            return []
        cases = {case.slug: case for case in comparable(published.filter(slug__in=chosen))}
        return [cases[slug] for slug in chosen]


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
