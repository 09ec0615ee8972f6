"""A small catalogue whose expected search and filter results are known by construction."""

from types import SimpleNamespace

from casestudies.models import (
    CaseRedirect,
    CooperationType,
    Instrument,
    LessonCategory,
    Role,
    Territory,
    TerritoryKind,
    Theme,
)
from casestudies.models.cases import SECTION_FIELDS as SECTIONS
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


# -- a catalogue as editors leave it: drafts, sheets under review, empty and full sheets --------

SECRET_TITLES = ("Brouillon confidentiel", "Fiche en relecture confidentielle")


def build_mixed_catalogue():
    """Published sheets with every optional field empty or every field full, beside a draft and
    a sheet under review that share their partners, instruments, themes and sources (and have
    citations and lessons of their own): what no public page may ever show."""
    region = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION, insee_code="53")
    departement = TerritoryFactory(
        name="Finistère", kind=TerritoryKind.DEPARTEMENT, insee_code="29"
    )
    departement.regions.add(region)
    brest = place("Brest métropole", TerritoryKind.METROPOLE, departement=departement)
    pays = place("Pays du Centre Ouest Bretagne", TerritoryKind.PETR, departement=departement)
    collective = TerritoryFactory(
        name="EPCI voisins de Brest métropole", kind=TerritoryKind.COLLECTIF
    )
    chamber = OrganisationFactory(
        name="Chambre d'agriculture du Finistère", kind="chambre-agriculture"
    )
    food = Theme.objects.get(slug="alimentation-et-agriculture")
    mobility = Theme.objects.get(slug="mobilite")
    reciprocity = Instrument.objects.get(slug="contrat-de-reciprocite")
    entente = Instrument.objects.get(slug="entente-intercommunale")
    study = SourceDocumentFactory(title="Étude d'essai", slug="etude-d-essai", reference="900")

    full = CaseStudyFactory(
        title="Brest métropole – Pays du Centre Ouest Bretagne : contrat de réciprocité",
        summary="Une métropole et un pays ont signé un contrat. Il couvre six domaines.",
        start_year=2016,
        end_year=2020,
        cooperation_status="achevee",
        **{name: f"**{name}** : un texte de section (source 900, l.1–2)." for name in SECTIONS},
    )
    ParticipationFactory(case=full, territory=brest, role=Role.PORTEUR, note="Signataire")
    ParticipationFactory(case=full, territory=pays, role=Role.COPILOTE)
    ParticipationFactory(case=full, territory=collective, role=Role.PARTENAIRE)
    ParticipationFactory(case=full, territory=None, organisation=chamber, role=Role.FINANCEUR)
    InstrumentUseFactory(case=full, instrument=reciprocity, signature_year=2016, note="Signé")
    InstrumentUseFactory(case=full, instrument=entente)
    full.themes.set([food, mobility])
    full.cooperation_types.set(CooperationType.objects.all())
    CitationFactory(case=full, source=study, line_start=1, line_end=40, note="Le contrat")
    CitationFactory(case=full, source=study, line_start=None, line_end=None, pages="12-14")
    for number in range(1, 9):
        LessonFactory(
            case=full,
            kind="reussite" if number % 2 else "frein",
            category=LessonCategory.objects.get(number=number),
            text=f"Enseignement n° {number} (source 900, l.{number})",
            inferred=number == 8,
        )
    empty = CaseStudyFactory(title="Fiche minimale", summary="Une seule phrase.")
    empty.themes.set([food])
    detail = CaseStudyFactory(title="Coopération détaillée", summary="Détail.", monograph=full)
    detail.themes.set([food])
    CaseRedirect.objects.create(old_slug="ancienne-adresse-de-la-fiche", case=full)

    hidden = []
    for title, status in zip(SECRET_TITLES, ("brouillon", "a-relire"), strict=True):
        case = CaseStudyFactory(
            title=title,
            summary=f"{title} : ne doit jamais paraître.",
            draft=True,
            publication_status=status,
            start_year=1999,
        )
        ParticipationFactory(case=case, territory=brest, role=Role.PORTEUR)
        ParticipationFactory(case=case, territory=None, organisation=chamber)
        InstrumentUseFactory(case=case, instrument=reciprocity)
        case.themes.set([food])
        CitationFactory(case=case, source=study)
        LessonFactory(case=case, text=f"{title} : enseignement caché")
        hidden.append(case)
    return SimpleNamespace(
        full=full,
        empty=empty,
        detail=detail,
        hidden=hidden,
        territory=brest,
        collective=collective,
        organisation=chamber,
        instrument=reciprocity,
        theme=food,
        source=study,
    )
