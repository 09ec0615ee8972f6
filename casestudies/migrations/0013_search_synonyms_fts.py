"""Search knows the field's synonyms on both engines; SQLite gets real full-text search.

- ``SearchSynonym``, seeded with the field's acronyms and expressions; the Rédacteur and
  Éditeur groups may keep the list current (an Éditeur may also delete a group).
- SQLite: the FTS5 table of the sheets (title, chapeau and names, sections; accents folded;
  prefix index) and its vocabulary, filled from the sheets. Nothing on PostgreSQL.
- PostgreSQL: the search vectors rebuilt with compounds split (« ville-campagne » indexed as
  « ville campagne »), so that a phrase matches across a hyphen. Nothing on SQLite.

The sheets are read through the historical models, with the section fields and the names as
they were when this migration was written, so that it runs the same whatever comes after it.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models import Value

from casestudies.text import compounds_split, fold

FTS_CONFIG = "french_unaccent"
SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS casestudies_search_fts USING fts5("
    "title, middle, sections, tokenize = 'unicode61 remove_diacritics 2', prefix = '4 5')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS casestudies_search_fts_vocab "
    "USING fts5vocab(casestudies_search_fts, row)",
]
SQLITE_BACKWARDS = [
    "DROP TABLE IF EXISTS casestudies_search_fts_vocab",
    "DROP TABLE IF EXISTS casestudies_search_fts",
]
SECTION_FIELDS = (
    "territory_context",
    "history",
    "objectives",
    "actions",
    "governance",
    "means",
    "commentary",
    "further_info",
    "bibliography",
    "editorial_note",
)

SYNONYMS = [
    ("PAT — projet alimentaire territorial",
     ["PAT", "projet alimentaire territorial", "projets alimentaires territoriaux"]),
    ("PETR — pôle d'équilibre territorial et rural",
     ["PETR", "pôle d'équilibre territorial et rural", "pôles d'équilibre territorial et rural"]),
    ("SCoT — schéma de cohérence territoriale",
     ["SCoT", "schéma de cohérence territoriale", "schémas de cohérence territoriale"]),
    ("EPCI — établissement public de coopération intercommunale",
     ["EPCI", "établissement public de coopération intercommunale",
      "établissements publics de coopération intercommunale"]),
    ("PNR — parc naturel régional", ["PNR", "parc naturel régional", "parcs naturels régionaux"]),
    ("CRTE — contrat de relance et de transition écologique",
     ["CRTE", "contrat de relance et de transition écologique"]),
    ("CTE — contrat de transition écologique", ["CTE", "contrat de transition écologique"]),
    ("PTCE — pôle territorial de coopération économique",
     ["PTCE", "pôle territorial de coopération économique",
      "pôles territoriaux de coopération économique"]),
    ("GAL / LEADER — groupe d'action locale",
     ["GAL", "LEADER", "groupe d'action locale", "groupes d'action locale"]),
    ("CLS — contrat local de santé", ["CLS", "contrat local de santé", "contrats locaux de santé"]),
    ("CPER — contrat de plan État-Région", ["CPER", "contrat de plan État-Région"]),
    ("CPIER — contrat de plan interrégional", ["CPIER", "contrat de plan interrégional"]),
    ("SPL — société publique locale", ["SPL", "société publique locale"]),
    ("GIP — groupement d'intérêt public", ["GIP", "groupement d'intérêt public"]),
    ("SCIC — société coopérative d'intérêt collectif",
     ["SCIC", "société coopérative d'intérêt collectif"]),
    ("GTEC — gestion territoriale des emplois et des compétences",
     ["GTEC", "gestion territoriale des emplois et des compétences"]),
    ("ESS — économie sociale et solidaire", ["ESS", "économie sociale et solidaire"]),
    ("Ville-campagne — urbain-rural", ["ville-campagne", "urbain-rural", "ville campagne"]),
]  # fmt: skip


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("casestudies", "SearchSynonym")
    for label, expressions in SYNONYMS:
        SearchSynonym.objects.get_or_create(
            label=label, defaults={"expressions": "\n".join(expressions)}
        )


def allow_editorial_groups(apps, schema_editor):
    app_config = apps.get_app_config("casestudies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    actions = {
        "Rédacteur": ["add", "change", "view"],
        "Éditeur": ["add", "change", "view", "delete"],
    }
    for group in Group.objects.filter(name__in=actions):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="casestudies",
                codename__in=[f"{action}_searchsynonym" for action in actions[group.name]],
            )
        )


def run_on_sqlite(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


def sheet_texts(apps):
    """(id, title, chapeau and names, sections) of every sheet."""
    CaseStudy = apps.get_model("casestudies", "CaseStudy")
    cases = CaseStudy.objects.prefetch_related(
        "participations__territory",
        "participations__organisation",
        "instrument_uses__instrument",
        "themes",
    )
    for case in cases.iterator(chunk_size=500):
        names = []
        for participation in case.participations.all():
            party = participation.territory or participation.organisation
            acronym = getattr(party, "acronym", "")
            names.append(f"{party.name} ({acronym})" if acronym else party.name)
        names += [use.instrument.name for use in case.instrument_uses.all()]
        names += [theme.name for theme in case.themes.all()]
        middle = "\n".join([case.summary, *names])
        sections = "\n".join(getattr(case, name) for name in SECTION_FIELDS if getattr(case, name))
        yield case.pk, case.title, middle, sections


def index_sheets(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM casestudies_search_fts")
            for pk, title, middle, sections in sheet_texts(apps):
                cursor.execute(
                    "INSERT INTO casestudies_search_fts (rowid, title, middle, sections) "
                    "VALUES (%s, %s, %s, %s)",
                    [pk, fold(title), fold(middle), fold(sections)],
                )
    elif connection.vendor == "postgresql":
        CaseStudy = apps.get_model("casestudies", "CaseStudy")
        for pk, title, middle, sections in sheet_texts(apps):
            CaseStudy.objects.filter(pk=pk).update(
                search_vector=(
                    SearchVector(Value(compounds_split(title)), weight="A", config=FTS_CONFIG)
                    + SearchVector(Value(compounds_split(middle)), weight="B", config=FTS_CONFIG)
                    + SearchVector(Value(compounds_split(sections)), weight="C", config=FTS_CONFIG)
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0012_loaded_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="Pour retrouver le groupe dans la liste : « PAT — projet alimentaire ».",
                        max_length=120,
                        unique=True,
                        verbose_name="libellé",
                    ),
                ),
                (
                    "expressions",
                    models.TextField(
                        help_text="Une expression par ligne : le sigle, le nom développé, leurs variantes. Accents, majuscules et traits d'union sont sans effet (« ville-campagne » = « ville campagne »).",
                        verbose_name="expressions équivalentes",
                    ),
                ),
            ],
            options={
                "verbose_name": "synonyme de recherche",
                "verbose_name_plural": "synonymes de recherche",
                "ordering": ["label"],
            },
        ),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(allow_editorial_groups, migrations.RunPython.noop),
        migrations.RunPython(run_on_sqlite(SQLITE_FORWARDS), run_on_sqlite(SQLITE_BACKWARDS)),
        migrations.RunPython(index_sheets, migrations.RunPython.noop),
    ]
