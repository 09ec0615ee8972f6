"""/carte/: the map of France counts the sheets selected by the list's FilterSet."""

from django.db.models import Count
from django.views.generic import TemplateView

from casestudies.maps import CREDIT, france_map, shade_classes
from casestudies.models import Participation, Territory, TerritoryKind
from casestudies.statistics import list_url
from casestudies.views.filtered import FilteredSelectionMixin


class MapView(FilteredSelectionMixin, TemplateView):
    template_name = "casestudies/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, selected = self.selection()
        departements = list(
            Territory.objects.departements().exclude(insee_code="").order_by("insee_code")
        )
        names = {d.insee_code: d.name for d in departements}
        total = selected.count()
        counts = filterset.counts(["departement"], total)["departement"]
        outlines = france_map()
        shown = {o.code for o in outlines.outlines} if outlines else set()
        classes, legend = shade_classes({code: counts.get(code, 0) for code in shown})
        query = self.request.GET.copy()
        query.pop("departement", None)
        rows = [
            {
                "code": code,
                "name": names[code],
                "count": counts.get(code, 0),
                "url": list_url(query, departement=code),
                "on_map": code in shown,
            }
            for code in names
        ]
        context.update(self.base_context(filterset, total))
        context.update(
            france_map=outlines,
            outlines=[
                {
                    "outline": outline,
                    "count": counts.get(outline.code, 0),
                    "shade": classes.get(outline.code, 0),
                    "url": list_url(query, departement=outline.code),
                }
                for outline in (outlines.outlines if outlines else ())
            ],
            legend=legend,
            rows=rows,
            elsewhere=[row for row in rows if not row["on_map"] and row["count"]],
            foreign=(
                Participation.objects.filter(
                    case__in=selected.values("pk"), territory__kind=TerritoryKind.ETRANGER
                )
                .values("territory__country")
                .annotate(count=Count("case", distinct=True))
                .order_by("-count", "territory__country")
            ),
            credit=CREDIT,
            selected_departements=filterset.selected("departement"),
        )
        return context
