"""A small catalogue whose expected search and filter results are known by construction."""

from types import SimpleNamespace

from casestudies.models import (
    CooperationType,
    Instrument,
    LessonCategory,
    Role,
    Territory,
    TerritoryKind,
    Theme,
)
from tests.factories import (
    CaseStudyFactory,
    CitationFactory,
    InstrumentUseFactory,
    LessonFactory,
    OrganisationFactory,
    ParticipationFactory,
    SourceDocumentFactory,
    TerritoryFactory,
)


def place(name, kind, departement=None, region=None, **fields):
    territory = TerritoryFactory(name=name, kind=kind, **fields)
    if departement:
        territory.departements.add(departement)
    if region:
        territory.regions.add(region)
    return territory


def build_catalogue():
    occitanie = TerritoryFactory(name="Occitanie", kind=TerritoryKind.REGION, insee_code="76")
    bretagne = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION, insee_code="53")
    gers = TerritoryFactory(name="Gers", kind=TerritoryKind.DEPARTEMENT, insee_code="32")
    gers.regions.add(occitanie)
    finistere = TerritoryFactory(name="Finistère", kind=TerritoryKind.DEPARTEMENT, insee_code="29")
    finistere.regions.add(bretagne)

    toulouse = place("Toulouse Métropole", TerritoryKind.METROPOLE, region=occitanie)
    # Placed in a département only: its région must come through the département.
    gascogne = place("PETR Pays Portes de Gascogne", TerritoryKind.PETR, departement=gers)
    brest = place("Brest métropole", TerritoryKind.METROPOLE, departement=finistere)
    quimper = place("Quimper Bretagne Occidentale", TerritoryKind.COMMUNAUTE_AGGLOMERATION)
    nantes = place("Nantes Métropole", TerritoryKind.METROPOLE)
    retz = place("PETR du Pays de Retz", TerritoryKind.PETR)
    pays_bruche = place("Pays Bruche Mossig Piémont", TerritoryKind.PAYS)
    cluster = OrganisationFactory(name="Chambre d'agriculture de la Creuse", kind="cluster")

    food = Theme.objects.get(slug="alimentation-et-agriculture")
    mobility = Theme.objects.get(slug="mobilite")
    clusters = Theme.objects.get(slug="clusters-et-grappes")
    reciprocity = Instrument.objects.get(slug="contrat-de-reciprocite")
    entente = Instrument.objects.get(slug="entente-intercommunale")
    ptce = Instrument.objects.get(slug="ptce")
    urban_rural = CooperationType.objects.get(slug="urbain-rural")
    proximity = CooperationType.objects.get(slug="interterritoriale-de-proximite")
    study = SourceDocumentFactory(title="Étude ANCT", slug="etude-anct")
    vademecum = SourceDocumentFactory(title="Vadémécum ANPP", slug="vademecum-anpp")

    def sheet(title, summary, parties, instrument, themes, source, year, status, types=()):
        case = CaseStudyFactory(
            title=title, summary=summary, start_year=year, cooperation_status=status
        )
        for index, party in enumerate(parties):
            if isinstance(party, Territory):
                role = Role.PORTEUR if index == 0 else Role.PARTENAIRE
                ParticipationFactory(case=case, territory=party, role=role)
            else:
                ParticipationFactory(
                    case=case, territory=None, organisation=party, role=Role.PARTENAIRE
                )
        InstrumentUseFactory(case=case, instrument=instrument)
        case.themes.set(themes)
        case.cooperation_types.set(types)
        CitationFactory(case=case, source=source)
        LessonFactory(case=case, category=LessonCategory.objects.get(number=7))
        return case

    toulouse_case = sheet(
        "Toulouse Métropole – PETR Portes de Gascogne : contrat de réciprocité",
        "Un contrat qui relie la métropole et les producteurs gersois.",
        [toulouse, gascogne],
        reciprocity,
        [food],
        study,
        2015,
        "active",
        [urban_rural],
    )
    brest_case = sheet(
        "Brest – Quimper : entente",
        "Deux agglomérations bretonnes coopèrent sur les transports.",
        [brest, quimper],
        entente,
        [mobility],
        study,
        2012,
        "active",
        [proximity],
    )
    cluster_case = sheet(
        "Pays Bruche Mossig Piémont : un cluster de l'aménagement de la maison",
        "Un pays héberge un cluster d'entreprises.",
        [pays_bruche, cluster],
        ptce,
        [clusters],
        vademecum,
        2008,
        "achevee",
    )
    nantes_case = sheet(
        "Nantes Métropole – Pays de Retz : alimentation",
        "La métropole et le PETR voisin ont signé un contrat de réciprocité en 2019.",
        [nantes, retz],
        reciprocity,
        [food],
        vademecum,
        2019,
        "en-projet",
        [urban_rural],
    )
    draft = CaseStudyFactory(
        title="Brouillon : contrat de réciprocité secret", draft=True, start_year=2015
    )
    ParticipationFactory(case=draft, territory=toulouse)
    InstrumentUseFactory(case=draft, instrument=reciprocity)
    draft.themes.set([food])
    CitationFactory(case=draft, source=study)

    return SimpleNamespace(
        toulouse=toulouse_case,
        brest=brest_case,
        cluster=cluster_case,
        nantes=nantes_case,
        draft=draft,
        toulouse_metropole=toulouse,
        territories=SimpleNamespace(toulouse=toulouse, gascogne=gascogne, retz=retz),
    )
