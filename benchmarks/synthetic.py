"""A deterministic synthetic catalogue, sized like a national observatory, for benchmarks.

Everything generated carries the slug prefix « gen- », so it can be removed without touching
the real content. Names and texts are French-looking combinations of real words; the pool of
parties is sized like France (1,255 intercommunalités, 35,000 communes, organisations).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from reversion.models import Revision

from casestudies import facet_index, search, search_index, similarity
from casestudies.models import (
    CaseStudy,
    CatalogueGeneration,
    Citation,
    CooperationType,
    FacetEntry,
    Instrument,
    InstrumentUse,
    Lesson,
    LessonCategory,
    LessonKind,
    Organisation,
    OrganisationKind,
    Participation,
    PublicationStatus,
    Role,
    SimilarCase,
    SourceDocument,
    Territory,
    TerritoryKind,
    Theme,
)
from casestudies.text import fold

PREFIX = "gen-"
# The comment of the revisions that the benchmark's saves leave (benchmarks/editing.py).
REVISION_PREFIX = "Banc d'essai"
EPCI_KINDS = [
    TerritoryKind.COMMUNAUTE_COMMUNES,
    TerritoryKind.COMMUNAUTE_AGGLOMERATION,
    TerritoryKind.METROPOLE,
]
BATCH = 5000
SIMILAR_SAMPLE = 200
POOL = {"communes": 35000, "epci": 1255, "petr": 300, "pnr": 58, "organisations": 6000}

ROOTS = [
    "Val",
    "Mont",
    "Bois",
    "Pont",
    "Champ",
    "Roche",
    "Fontaine",
    "Ville",
    "Saint-Martin",
    "Saint-Pierre",
    "Sainte-Marie",
    "Beau",
    "Clair",
    "Châtel",
    "Mesnil",
    "Neuf",
    "Vieux",
    "Haut",
    "Bas",
    "Grand",
    "Petit",
    "Long",
    "Font",
    "Chêne",
    "Orme",
    "Pré",
    "Lac",
    "Puy",
]
SUFFIXES = [
    "sur-Loire",
    "sur-Marne",
    "en-Auge",
    "les-Bains",
    "le-Château",
    "en-Forez",
    "sur-Mer",
    "la-Forêt",
    "en-Vexin",
    "d'Oc",
    "de-Bretagne",
    "du-Lac",
    "aux-Bois",
    "sur-Seine",
    "le-Haut",
    "la-Vallée",
    "en-Auvergne",
    "sous-Bois",
]
OBJECTS = [
    "contrat de réciprocité",
    "entente sur les mobilités",
    "projet alimentaire partagé",
    "convention de mutualisation",
    "coopération sur la filière bois",
    "plateforme de covoiturage",
    "démarche touristique commune",
    "pôle d'économie sociale et solidaire",
    "stratégie énergétique",
    "observatoire partagé",
]
SENTENCES = [
    "Les élus des deux territoires se réunissent chaque trimestre en comité de pilotage.",
    "La coopération s'appuie sur une chargée de mission partagée à mi-temps.",
    "Le projet associe la chambre d'agriculture, des associations et des entreprises locales.",
    "Les premières actions portent sur la restauration collective et les circuits courts.",
    "Un diagnostic commun a précédé la signature de la convention.",
    "Le financement combine des crédits régionaux, européens et des contributions des membres.",
    "Les partenaires soulignent la confiance construite au fil des années.",
    "La démarche s'est heurtée au manque d'ingénierie dans les petites intercommunalités.",
]


def refresh_planner_statistics() -> None:
    """Row counts and value distributions for the query planner, right after a bulk load.

    Without them PostgreSQL still believes the tables hold the few rows it last analysed and
    picks nested loops over 100 000 sheets (a filtered list took 100 s instead of 3 s the
    first time); autovacuum would only catch up minutes later. VACUUM also marks the pages
    all-visible, which index-only scans need; it cannot run inside a transaction (tests).
    """
    from django.apps import apps

    tables = sorted(
        model._meta.db_table
        for model in apps.get_app_config("casestudies").get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        cursor.execute(f"{command} {', '.join(tables)}")


def name(rng) -> str:
    return f"{rng.choice(ROOTS)}-{rng.choice(SUFFIXES)}"


@dataclass
class Report:
    territories: int = 0
    organisations: int = 0
    sheets: int = 0
    relations: int = 0


class SyntheticCatalogue:
    def __init__(self, sheets: int, seed: int = 1, progress=None, pool_scale: float = 1.0):
        """``pool_scale`` shrinks the pool of parties (1.0: sized like France)."""
        self.sheets = sheets
        self.pool_sizes = {key: max(10, int(size * pool_scale)) for key, size in POOL.items()}
        self.rng = random.Random(seed)
        self.progress = progress or (lambda message: None)
        self.report = Report()

    @staticmethod
    def clear():
        """Remove everything generated (and only that), table by table.

        Set-based deletes, children first: the ORM's cascade would load every row and send its
        signals (search refresh, generation bump) one by one — hours for a national catalogue.
        """
        cases = CaseStudy.objects.filter(slug__startswith=PREFIX).values("pk")
        territories = Territory.objects.filter(slug__startswith=PREFIX).values("pk")
        organisations = Organisation.objects.filter(slug__startswith=PREFIX).values("pk")
        placed = (
            Territory.departements.through,
            Territory.regions.through,
            Territory.members.through,
        )
        steps = [
            Participation.objects.filter(
                Q(case__in=cases) | Q(territory__in=territories) | Q(organisation__in=organisations)
            ),
            *(
                model.objects.filter(case__in=cases)
                for model in (InstrumentUse, Citation, Lesson, FacetEntry)
            ),
            SimilarCase.objects.filter(Q(case__in=cases) | Q(other__in=cases)),
            CaseStudy.themes.through.objects.filter(casestudy__in=cases),
            CaseStudy.cooperation_types.through.objects.filter(casestudy__in=cases),
            *(
                through.objects.filter(
                    Q(from_territory__in=territories) | Q(to_territory__in=territories)
                )
                for through in placed
            ),
            CaseStudy.objects.filter(slug__startswith=PREFIX),
            Organisation.objects.filter(slug__startswith=PREFIX),
            Territory.objects.filter(slug__startswith=PREFIX),
        ]
        with transaction.atomic():
            for queryset in steps:
                queryset._raw_delete(queryset.db)  # set-based DELETE, no per-row signals
            facet_index.rebuild_counters()
            # The history of the benchmark's saves: a few hundred rows.
            Revision.objects.filter(comment__startswith=REVISION_PREFIX).delete()
            CatalogueGeneration.bump()

    @classmethod
    def grow_to(cls, total: int, seed: int = 1, progress=None, pool_scale: float = 1.0) -> int:
        """Generate what is missing for ``total`` synthetic sheets; the seed moves with the
        count, so growing in steps gives other sheets than starting again. Returns the number
        of sheets generated."""
        present = CaseStudy.objects.filter(slug__startswith=PREFIX).count()
        if present >= total:
            return 0
        if progress:
            progress(f"Génération de {total - present} fiches (vers {total})…")
        cls(total - present, seed=seed + present, progress=progress, pool_scale=pool_scale).run()
        return total - present

    def run(self) -> Report:
        with transaction.atomic():
            territories, organisations = self.pool()
            self.generate_sheets(territories, organisations)
            self.progress("Index des facettes et fiches proches…")
            facet_index.rebuild()
            # « Fiches proches » are computed sheet by sheet when sheets change; for a generated
            # catalogue, only the first sheets (those the benchmark opens) get their list now
            # (« manage.py refresh_similar » computes every list, a few minutes at 100 000).
            first = CaseStudy.objects.filter(slug__startswith=PREFIX).order_by("pk")
            similarity.store(first.values_list("pk", flat=True)[:SIMILAR_SAMPLE])
            CatalogueGeneration.bump()
        self.progress("Statistiques du planificateur…")
        refresh_planner_statistics()
        return self.report

    # -- parties -------------------------------------------------------------------------------
    def pool(self):
        existing = list(
            Territory.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True)
        )
        if existing:
            self.progress(f"Réserve de parties déjà générée ({len(existing)} territoires).")
            organisations = list(
                Organisation.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True)
            )
            return existing, organisations
        departements = list(Territory.objects.departements().values_list("pk", flat=True))
        rng = self.rng
        kinds = (
            [TerritoryKind.COMMUNE] * self.pool_sizes["communes"]
            + [
                rng.choice(
                    [
                        TerritoryKind.COMMUNAUTE_COMMUNES,
                        TerritoryKind.COMMUNAUTE_AGGLOMERATION,
                        TerritoryKind.METROPOLE,
                    ]
                )
                for _ in range(self.pool_sizes["epci"])
            ]
            + [TerritoryKind.PETR] * self.pool_sizes["petr"]
            + [TerritoryKind.PNR] * self.pool_sizes["pnr"]
        )
        self.progress(f"Réserve de {len(kinds)} territoires…")
        territories = Territory.objects.bulk_create(
            (
                Territory(
                    name=f"{kind.label} {name(rng)} {index}", slug=f"{PREFIX}t-{index}", kind=kind
                )
                for index, kind in enumerate(kinds)
            ),
            batch_size=BATCH,
        )
        if departements:
            through = Territory.departements.through
            through.objects.bulk_create(
                (
                    through(from_territory_id=t.pk, to_territory_id=rng.choice(departements))
                    for t in territories
                ),
                batch_size=BATCH,
            )
        self.progress(f"Réserve de {self.pool_sizes['organisations']} organisations…")
        organisation_kinds = list(OrganisationKind)
        organisations = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"Association {name(rng)} {index}",
                    slug=f"{PREFIX}o-{index}",
                    kind=rng.choice(organisation_kinds),
                )
                for index in range(self.pool_sizes["organisations"])
            ),
            batch_size=BATCH,
        )
        self.report.territories = len(territories)
        self.report.organisations = len(organisations)
        from casestudies.reference import normalise_placements

        normalise_placements()
        return [t.pk for t in territories], [o.pk for o in organisations]

    # -- sheets --------------------------------------------------------------------------------
    def generate_sheets(self, territories, organisations):
        rng = self.rng
        # What sheets draw from, read once.
        self.territories, self.organisations = territories, organisations
        self.instruments = list(Instrument.objects.values_list("pk", flat=True))
        self.themes = list(Theme.objects.values_list("pk", flat=True))
        self.types = list(CooperationType.objects.values_list("pk", flat=True))
        self.categories = list(LessonCategory.objects.values_list("pk", flat=True))
        self.sources = list(SourceDocument.objects.values_list("pk", "line_count"))
        start = CaseStudy.objects.filter(slug__startswith=PREFIX).count()
        now = timezone.now()
        done = 0
        while done < self.sheets:
            size = min(BATCH, self.sheets - done)
            cases = []
            for index in range(start + done, start + done + size):
                title = f"{name(rng)} – {name(rng)} : {rng.choice(OBJECTS)}"
                summary = " ".join(rng.sample(SENTENCES, 3))
                history = " ".join(rng.sample(SENTENCES, 2))
                published = rng.random() < 0.9
                cases.append(
                    CaseStudy(
                        title=title,
                        slug=f"{PREFIX}{index}",
                        summary=summary,
                        history=history,
                        governance=rng.choice(SENTENCES),
                        start_year=rng.randint(1995, 2025),
                        cooperation_status=rng.choice(
                            ["active", "active", "achevee", "en-projet", ""]
                        ),
                        publication_status=PublicationStatus.PUBLISHED
                        if published
                        else PublicationStatus.DRAFT,
                        published_at=now if published else None,
                        search_title=fold(title),
                        search_text=fold("\n".join([title, summary, history])),
                    )
                )
            cases = CaseStudy.objects.bulk_create(cases, batch_size=BATCH)
            self.relations(cases)
            done += size
            self.report.sheets = done
            self.progress(f"{done} fiches sur {self.sheets}…")
        if connection.vendor == "postgresql":
            self.progress("Vecteurs et vocabulaire de recherche…")
            new_rows = "slug LIKE %s AND search_vector IS NULL"
            search_index.record_vocabulary(new_rows, [PREFIX + "%"])
            # As search_index.refresh: compounds split (« ville-campagne » → « ville campagne »).
            vector = " || ".join(
                f"setweight(to_tsvector('{search.FTS_CONFIG}', regexp_replace({column}, "
                f"'([[:alpha:]])-(?=[[:alpha:]])', '\\1 ', 'g')), '{weight}')"
                for column, weight in (("title", "A"), ("summary", "B"), ("history", "C"))
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE casestudies_casestudy SET search_vector = {vector} "
                    "WHERE slug LIKE %s AND search_vector IS NULL",
                    [PREFIX + "%"],
                )
        else:
            self.progress("Index de recherche…")
            rows = list(
                CaseStudy.objects.filter(slug__startswith=PREFIX).values_list(
                    "pk", "title", "summary", "history"
                )
            )
            search_index.write_fts_rows(
                [row[0] for row in rows],
                [(pk, *map(fold, texts)) for pk, *texts in rows],
            )

    def relations(self, cases):
        rng = self.rng
        territories, organisations = self.territories, self.organisations
        instruments, themes, types = self.instruments, self.themes, self.types
        categories, sources, roles = self.categories, self.sources, list(Role)
        participations, uses, theme_links, type_links, lessons, citations = [], [], [], [], [], []
        theme_through = CaseStudy.themes.through
        type_through = CaseStudy.cooperation_types.through
        for case in cases:
            parties = rng.randint(2, 8)
            for position, territory in enumerate(rng.sample(territories, min(parties - 1, 7))):
                role = Role.PORTEUR if position == 0 else rng.choice(roles)
                participations.append(
                    Participation(case=case, territory_id=territory, role=role, position=position)
                )
            participations.append(
                Participation(
                    case=case,
                    organisation_id=rng.choice(organisations),
                    role=Role.PARTENAIRE,
                    position=parties,
                )
            )
            for instrument in rng.sample(instruments, rng.randint(1, 3)):
                uses.append(
                    InstrumentUse(
                        case=case,
                        instrument_id=instrument,
                        signature_year=rng.choice([None, case.start_year]),
                    )
                )
            for theme in rng.sample(themes, rng.randint(1, 3)):
                theme_links.append(theme_through(casestudy_id=case.pk, theme_id=theme))
            for kind in rng.sample(types, rng.randint(1, 2)):
                type_links.append(type_through(casestudy_id=case.pk, cooperationtype_id=kind))
            for position in range(rng.randint(0, 4)):
                lessons.append(
                    Lesson(
                        case=case,
                        kind=rng.choice(list(LessonKind)),
                        category_id=rng.choice(categories),
                        text=rng.choice(SENTENCES),
                        position=position,
                    )
                )
            if sources:
                source, lines = rng.choice(sources)
                first = rng.randint(1, max(1, (lines or 100) - 20))
                citations.append(
                    Citation(case=case, source_id=source, line_start=first, line_end=first + 15)
                )
        for model, rows in (
            (Participation, participations),
            (InstrumentUse, uses),
            (theme_through, theme_links),
            (type_through, type_links),
            (Lesson, lessons),
            (Citation, citations),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)
            self.report.relations += len(rows)
