"""Reference vocabularies of the domain guide: instruments, themes, cooperation types, lesson categories.

Rows are created only when their slug is missing, so staff edits survive re-running migrations.
The data is written here (not imported from app code) so that this migration never changes.
"""

from django.db import migrations

INSTRUMENTS = [
    # (slug, name, family, legal basis)
    ("contrat-de-reciprocite", "Contrat de réciprocité ville–campagne", "contractuel", ""),
    (
        "contrat-de-cooperation-metropolitaine",
        "Contrat de coopération métropolitaine (pacte État–métropole)",
        "contractuel",
        "",
    ),
    ("accord-cadre", "Accord-cadre de coopération", "contractuel", ""),
    (
        "contrat-de-transition-ecologique",
        "Contrat de transition écologique (CTE, CRTE)",
        "contractuel",
        "",
    ),
    ("plan-de-cooperation", "Plan de coopération", "contractuel", ""),
    (
        "entente-intercommunale",
        "Entente intercommunale ou interterritoriale",
        "conventionnel",
        "Code général des collectivités territoriales, art. L5221-1 et L5221-2",
    ),
    (
        "convention-territoires-partenaires",
        "Convention « territoires partenaires »",
        "conventionnel",
        "",
    ),
    ("convention-d-articulation", "Convention d'articulation", "conventionnel", ""),
    ("convention-de-mutualisation", "Convention de mutualisation", "conventionnel", ""),
    ("convention-de-delegation", "Convention de délégation", "conventionnel", ""),
    ("engagement-commun-de-cooperation", "Engagement commun de coopération", "conventionnel", ""),
    (
        "groupement-d-autorites-concedantes",
        "Groupement d'autorités concédantes",
        "conventionnel",
        "",
    ),
    ("groupement-d-interet-public", "Groupement d'intérêt public (GIP)", "structure", ""),
    ("pole-metropolitain", "Pôle métropolitain", "structure", ""),
    ("petr-pays", "PETR et Pays", "structure", ""),
    ("syndicat-mixte", "Syndicat mixte", "structure", ""),
    ("societe-publique-locale", "Société publique locale (SPL)", "structure", ""),
    ("association-de-cooperation", "Association de coopération", "structure", ""),
    ("cooperative-scic-scop", "Coopérative (SCIC, SCOP)", "structure", ""),
    ("ptce", "Pôle territorial de coopération économique (PTCE)", "structure", ""),
    ("fondation-territoriale", "Fondation territoriale", "structure", ""),
    ("projet-alimentaire-territorial", "Projet alimentaire territorial (PAT)", "programme", ""),
    ("leader-gal", "Programme LEADER et groupe d'action locale (GAL)", "programme", ""),
    (
        "appel-a-projets",
        "Appel à projets (PNA, PIA « Territoires d'innovation », DRAAF…)",
        "programme",
        "",
    ),
    ("territoire-d-industrie", "Territoire d'industrie", "programme", ""),
    ("scot-inter-scot", "SCoT et démarche inter-SCoT", "programme", ""),
    ("gtec", "Gestion territoriale des emplois et des compétences (GTEC)", "programme", ""),
    (
        "cooperation-europeenne",
        "Coopération européenne (Interreg, coopération LEADER)",
        "programme",
        "",
    ),
    (
        "label-territorial",
        "Label territorial (Vignobles & Découvertes, Pôle Pleine Nature…)",
        "programme",
        "",
    ),
]

THEMES = [
    # (slug, name, parent slug)
    ("alimentation-et-agriculture", "Alimentation et agriculture", None),
    ("mobilite", "Mobilité", None),
    ("energie-et-climat", "Énergie et climat", None),
    ("developpement-economique-et-emploi", "Développement économique et emploi", None),
    ("animation-economique", "Animation économique", "developpement-economique-et-emploi"),
    (
        "clusters-et-grappes",
        "Clusters et grappes d'entreprises",
        "developpement-economique-et-emploi",
    ),
    (
        "economie-sociale-et-solidaire",
        "Économie sociale et solidaire",
        "developpement-economique-et-emploi",
    ),
    (
        "responsabilite-societale",
        "Responsabilité sociétale (RSE, RSET)",
        "developpement-economique-et-emploi",
    ),
    ("economie-circulaire", "Économie circulaire", "developpement-economique-et-emploi"),
    ("tourisme-et-patrimoine", "Tourisme et patrimoine", None),
    ("foret-et-filiere-bois", "Forêt et filière bois", None),
    ("eau-biodiversite-et-paysages", "Eau, biodiversité et paysages", None),
    ("amenagement-urbanisme-et-foncier", "Aménagement, urbanisme et foncier", None),
    ("sante-et-services-au-public", "Santé et services au public", None),
    ("culture", "Culture", None),
    ("numerique", "Numérique", None),
    ("habitat-et-renovation", "Habitat et rénovation", None),
    ("cohesion-sociale-jeunesse-et-solidarites", "Cohésion sociale, jeunesse et solidarités", None),
    ("attractivite-et-marketing-territorial", "Attractivité et marketing territorial", None),
]

COOPERATION_TYPES = [
    ("infraterritoriale", "Infraterritoriale", "Entre un groupement et ses membres."),
    (
        "interterritoriale-de-proximite",
        "Interterritoriale de proximité",
        "Entre territoires voisins.",
    ),
    ("interterritoriale-distante", "Interterritoriale distante", "Entre territoires non contigus."),
    (
        "urbain-rural",
        "Urbain–rural (ville–campagne)",
        "Entre un pôle urbain et des territoires ruraux.",
    ),
    (
        "public-prive",
        "Public–privé",
        "Entre collectivités et acteurs privés (entreprises, associations…).",
    ),
    (
        "transfrontaliere-europeenne",
        "Transfrontalière ou européenne",
        "Avec des territoires d'autres pays.",
    ),
]

LESSON_CATEGORIES = [
    (1, "connaissance-des-dynamiques", "Connaissance des dynamiques interterritoriales"),
    (2, "vision-strategique-partagee", "Vision stratégique partagée"),
    (3, "espaces-de-gouvernance", "Espaces de gouvernance adaptés"),
    (4, "competences-metiers", "Compétences métiers (ingénierie, animation)"),
    (5, "financements-specifiques", "Financements spécifiques"),
    (6, "cadre-juridique", "Cadre juridique"),
    (7, "confiance-et-interconnaissance", "Confiance et interconnaissance (la dimension humaine)"),
    (8, "equilibre-et-reciprocite", "Équilibre et réciprocité entre partenaires"),
]


def create_vocabularies(apps, schema_editor):
    Instrument = apps.get_model("casestudies", "Instrument")
    Theme = apps.get_model("casestudies", "Theme")
    CooperationType = apps.get_model("casestudies", "CooperationType")
    LessonCategory = apps.get_model("casestudies", "LessonCategory")

    for position, (slug, name, family, legal_basis) in enumerate(INSTRUMENTS, start=1):
        Instrument.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "family": family,
                "legal_basis": legal_basis,
                "position": position,
            },
        )
    for position, (slug, name, parent_slug) in enumerate(THEMES, start=1):
        parent = Theme.objects.get(slug=parent_slug) if parent_slug else None
        Theme.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": parent, "position": position}
        )
    for position, (slug, name, description) in enumerate(COOPERATION_TYPES, start=1):
        CooperationType.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for number, slug, name in LESSON_CATEGORIES:
        LessonCategory.objects.get_or_create(slug=slug, defaults={"name": name, "number": number})


class Migration(migrations.Migration):
    dependencies = [("casestudies", "0001_initial")]

    operations = [migrations.RunPython(create_vocabularies, migrations.RunPython.noop)]
