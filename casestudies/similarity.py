"""« Fiches proches »: published sheets that share the most with a sheet, and why.

What counts, in this order: the same partners (a territory or an organisation taking part in
both), then the same instruments, themes and kinds of partner. Score = 10 × shared partners +
3 × shared instruments + 2 × shared themes + 1 × shared kinds, so that one shared partner
outweighs everything else; each suggestion says what it shares (« 2 partenaires en commun :
… »). Each part is one GROUP BY over a relation table (no query per candidate), and the details
of the few suggestions come in three more queries: the page's query count stays constant.
"""

from collections import Counter, defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casestudies.models import CaseStudy, InstrumentUse, Participation, PublicationStatus

WEIGHTS = {"partners": 10, "instruments": 3, "themes": 2, "kinds": 1}
PUBLISHED = {"case__publication_status": PublicationStatus.PUBLISHED}


def counted(rows, case_field="case", distinct="pk") -> Counter:
    """Sheet → number of distinct ``distinct`` values among ``rows``."""
    return Counter(
        dict(
            rows.values(case_field)
            .annotate(n=Count(distinct, distinct=True))
            .order_by()
            .values_list(case_field, "n")
        )
    )


def similar_cases(case: CaseStudy, limit: int = 5) -> list[CaseStudy]:
    """Up to ``limit`` published sheets with a positive score, best first, each with a
    ``reasons`` list (uses the sheet's prefetched relations)."""
    parties = [p for p in case.participations.all() if p.party is not None]
    territories = {p.territory_id: p.territory.name for p in parties if p.territory_id}
    organisations = {p.organisation_id: str(p.organisation) for p in parties if p.organisation_id}
    instruments = {use.instrument_id: use.instrument.name for use in case.instrument_uses.all()}
    themes = {theme.pk: theme.name for theme in case.themes.all()}
    kinds = {p.party.kind for p in parties}
    themes_through = CaseStudy.themes.through.objects
    parts = {
        "partners": counted(
            Participation.objects.filter(territory_id__in=territories, **PUBLISHED),
            distinct="territory",
        )
        + counted(
            Participation.objects.filter(organisation_id__in=organisations, **PUBLISHED),
            distinct="organisation",
        ),
        "instruments": counted(
            InstrumentUse.objects.filter(instrument_id__in=instruments, **PUBLISHED)
        ),
        "themes": counted(
            themes_through.filter(
                theme_id__in=themes, casestudy__publication_status=PublicationStatus.PUBLISHED
            ),
            "casestudy",
        ),
        "kinds": counted(
            Participation.objects.filter(territory__kind__in=kinds, **PUBLISHED),
            distinct="territory__kind",
        )
        + counted(
            Participation.objects.filter(organisation__kind__in=kinds, **PUBLISHED),
            distinct="organisation__kind",
        ),
    }
    scores = Counter()
    for name, counts in parts.items():
        for pk, count in counts.items():
            scores[pk] += WEIGHTS[name] * count
    scores.pop(case.pk, None)
    best = [pk for pk, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]
    # [0] keeps the queries even without candidates: the page's query count stays constant.
    ids = best[: limit * 4] or [0]
    candidates = CaseStudy.objects.filter(pk__in=ids).only("title", "slug").in_bulk()
    ranked = sorted(candidates.values(), key=lambda c: (-scores[c.pk], c.title))[:limit]
    shown = [other.pk for other in ranked] or [0]
    details = shared_details(shown, territories, organisations, instruments, themes)
    for other in ranked:
        other.score = scores[other.pk]
        other.reasons = reasons(details[other.pk], parts["kinds"].get(other.pk, 0))
    return ranked


def shared_details(ids, territories, organisations, instruments, themes) -> dict:
    """For each sheet of ``ids``, the names of the partners, instruments and themes it shares."""
    details = defaultdict(lambda: {"partners": [], "instruments": [], "themes": []})
    for case_id, territory, organisation in Participation.objects.filter(
        case_id__in=ids
    ).values_list("case_id", "territory_id", "organisation_id"):
        name = territories.get(territory) or organisations.get(organisation)
        if name and name not in details[case_id]["partners"]:
            details[case_id]["partners"].append(name)
    for case_id, instrument in InstrumentUse.objects.filter(case_id__in=ids).values_list(
        "case_id", "instrument_id"
    ):
        if instrument in instruments:
            details[case_id]["instruments"].append(instruments[instrument])
    for case_id, theme in CaseStudy.themes.through.objects.filter(casestudy_id__in=ids).values_list(
        "casestudy_id", "theme_id"
    ):
        if theme in themes:
            details[case_id]["themes"].append(themes[theme])
    return details


def reasons(details: dict, kinds: int) -> list[str]:
    """What a suggestion shares, in French, most telling first."""
    lines = []
    if details["partners"]:
        n = len(details["partners"])
        lines.append(
            ngettext(
                "%(n)s partenaire en commun : %(names)s",
                "%(n)s partenaires en commun : %(names)s",
                n,
            )
            % {"n": n, "names": ", ".join(details["partners"])}
        )
    if details["instruments"]:
        lines.append(_("même outil : %s") % ", ".join(details["instruments"]))
    if details["themes"]:
        lines.append(_("même thématique : %s") % ", ".join(details["themes"]))
    if not lines and kinds:
        lines.append(
            ngettext(
                "%(n)s type de partenaire en commun", "%(n)s types de partenaires en commun", kinds
            )
            % {"n": kinds}
        )
    return lines
