"""/carte/: the links between départements of the sheets selected by the list's FilterSet
(``?vue=liens``, the default), or the number of sheets per département (``?vue=densite``)."""

from django.db.models import Count
from django.views.generic import TemplateView

from casestudies.maps import CREDIT, france_map, link_map, shade_classes
from casestudies.models import Participation, Territory, TerritoryKind
from casestudies.network import Network, place_links
from casestudies.statistics import list_url
from casestudies.views.filtered import FilteredSelectionMixin

VIEWS = ("liens", "densite")


class MapView(FilteredSelectionMixin, TemplateView):
    template_name = "casestudies/map.html"
    page_parameters = ("vue",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, selected = self.selection()
        view = self.request.GET.get("vue") if self.request.GET.get("vue") in VIEWS else "liens"
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
        query.pop("vue", None)
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
        links = place_links(Network.of(filterset))
        context.update(self.base_context(filterset, total))
        context.update(
            view=view,
            france_map=outlines,
            links=link_map(
                links, outlines.outlines if outlines else (), names | abroad(links), counts
            ),
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


def abroad(links) -> dict[str, str]:
    """Names of the territories abroad (« X<id> ») among the places of ``links``."""
    ids = {int(place[1:]) for link in links for place in (link.a, link.b) if place[0] == "X"}
    territories = Territory.objects.filter(pk__in=ids).values_list("pk", "name", "country")
    return {
        f"X{pk}": f"{name} ({country})" if country else name for pk, name, country in territories
    }
