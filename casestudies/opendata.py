"""Open data: the published sheets as a Frictionless Data Package of tidy tables.

One row per sheet in ``fiches``, one row per sheet × party, instrument, theme, type of
cooperation, lesson and citation in the other tables, and the territories, organisations and
source documents they name. Each table is declared once (``Table``: its columns with their
types and constraints, its keys, the query of its rows); the data package descriptor, the CSV
files of ``/donnees/`` and the XLSX workbook of ``/fiches/export.xlsx`` are all read from that
declaration, for the whole catalogue or for the selection of a filtered list.

Rows are read by one statement per table through ``iterator()`` (a server-side cursor on
PostgreSQL) and written out as they come: memory stays flat whatever the number of sheets.
Lists inside a cell exist only where the table's grain needs them (the départements and régions
of a sheet or a territory: INSEE codes separated by « ; »).
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casestudies.exports import EXPORT_CHUNK, csv_stream, places, sheet_places
from casestudies.models import (
    CaseStudy,
    Citation,
    CooperationStatus,
    InstrumentFamily,
    InstrumentUse,
    Lesson,
    LessonCategory,
    LessonKind,
    Organisation,
    OrganisationKind,
    Participation,
    Role,
    SourceDocument,
    SourceKind,
    Territory,
    TerritoryKind,
)
from casestudies.parties import organisation_kind_value, territory_kind_value

LICENCE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}
SEPARATOR = "; "  # between the INSEE codes of a cell


@dataclass(frozen=True)
class Column:
    """A column of a table and its Table Schema field."""

    name: str
    type: str  # a Table Schema type: string, integer, boolean, datetime
    title: str
    description: str = ""
    required: bool = False
    enum: Callable[[], list[str]] | None = None
    format: str = ""

    def descriptor(self) -> dict:
        field = {"name": self.name, "type": self.type, "title": str(self.title)}
        if self.format:
            field["format"] = self.format
        if self.description:
            field["description"] = str(self.description)
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = self.enum()
        if self.type == "integer":
            constraints["minimum"] = 0
        if constraints:
            field["constraints"] = constraints
        return field


@dataclass(frozen=True)
class Table:
    """A table of the data package: its columns, keys and rows for a selection of sheets."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[Selected], Iterable[tuple]]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, table, its column)

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def schema(self) -> dict:
        return {
            "fields": [column.descriptor() for column in self.columns],
            "primaryKey": list(self.primary_key),
            "foreignKeys": [
                {"fields": column, "reference": {"resource": table, "fields": target}}
                for column, table, target in self.foreign_keys
            ],
            "missingValues": [""],
        }


@dataclass(frozen=True)
class Selected:
    """The selected published sheets (a FilterSet's queryset) and the site's address."""

    sheets: object  # QuerySet[CaseStudy]
    base_url: str  # « https://example.org », no trailing slash

    @property
    def ids(self):
        """The selection as a subquery (its order and annotations dropped)."""
        return self.sheets.order_by().values("pk")

    def url(self, name: str, slug: str) -> str:
        return self.base_url + reverse(name, args=[slug])


def labels(choices) -> Callable[[], list[str]]:
    return lambda: list(choices.values)


def party_kinds() -> list[str]:
    return [territory_kind_value(kind) for kind in TerritoryKind.values] + [
        organisation_kind_value(kind) for kind in OrganisationKind.values
    ]


def streamed(queryset, *fields) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK)


# -- rows of each table ---------------------------------------------------------------------------


def sheet_rows(selected: Selected):
    status = dict(CooperationStatus.choices)
    rows = streamed(
        selected.sheets.order_by("slug").annotate(
            departements_codes=sheet_places("departements"),
            regions_codes=sheet_places("regions"),
        ),
        "slug", "title", "summary", "start_year", "end_year", "cooperation_status",
        "departements_codes", "regions_codes", "published_at", "updated_at",
    )  # fmt: skip
    for slug, title, summary, start, end, state, deps, regs, published, updated in rows:
        url = selected.url("casestudies:case-detail", slug)
        yield (slug, title, url, summary, start, end, state, status.get(state, state),
               deps, regs, published, updated)  # fmt: skip


# Where a party is: the territory itself, or an organisation's territory of establishment.
PLACED_TERRITORY = (
    "COALESCE(casestudies_participation.territory_id, (SELECT territory_id FROM "
    "casestudies_organisation WHERE id = casestudies_participation.organisation_id))"
)


def party_rows(selected: Selected):
    roles = dict(Role.choices)
    territory_kinds = dict(TerritoryKind.choices)
    organisation_kinds = dict(OrganisationKind.choices)
    rows = streamed(
        Participation.objects.filter(case__in=selected.ids)
        .order_by("case__slug", "position", "pk")
        .annotate(
            departements_codes=places(PLACED_TERRITORY, "departements"),
            regions_codes=places(PLACED_TERRITORY, "regions"),
        ),
        "case__slug", "territory__slug", "territory__name", "territory__kind", "territory__siren",
        "territory__insee_code", "organisation__slug", "organisation__name",
        "organisation__kind", "organisation__siren", "role", "note", "departements_codes",
        "regions_codes",
    )  # fmt: skip
    for (case, t_slug, t_name, t_kind, t_siren, insee, o_slug, o_name, o_kind, o_siren, role,
         note, deps, regs) in rows:  # fmt: skip
        if t_slug:
            key, name, kind = f"t-{t_slug}", t_name, territory_kind_value(t_kind)
            label, siren = territory_kinds.get(t_kind, t_kind), t_siren
        else:
            key, name, kind = f"o-{o_slug}", o_name, organisation_kind_value(o_kind)
            label, siren, insee = organisation_kinds.get(o_kind, o_kind), o_siren, ""
        yield (case, key, name, "territoire" if t_slug else "organisation", kind, str(label),
               role, str(roles.get(role, role)), note, siren, insee, deps, regs, t_slug,
               o_slug)  # fmt: skip


def instrument_rows(selected: Selected):
    families = dict(InstrumentFamily.choices)
    rows = streamed(
        InstrumentUse.objects.filter(case__in=selected.ids).order_by("case__slug", "pk"),
        "case__slug", "instrument__slug", "instrument__name", "instrument__family",
        "signature_year", "note",
    )  # fmt: skip
    for case, slug, name, family, year, note in rows:
        url = selected.url("casestudies:instrument-detail", slug)
        yield case, slug, name, url, family, str(families.get(family, family)), year, note


def theme_rows(selected: Selected):
    through = CaseStudy.themes.through
    return streamed(
        through.objects.filter(casestudy__in=selected.ids).order_by(
            "casestudy__slug", "theme__position", "theme__name"
        ),
        "casestudy__slug", "theme__slug", "theme__name", "theme__parent__slug",
        "theme__parent__name",
    )  # fmt: skip


def type_rows(selected: Selected):
    through = CaseStudy.cooperation_types.through
    return streamed(
        through.objects.filter(casestudy__in=selected.ids).order_by(
            "casestudy__slug", "cooperationtype__position", "cooperationtype__name"
        ),
        "casestudy__slug", "cooperationtype__slug", "cooperationtype__name",
    )  # fmt: skip


def lesson_rows(selected: Selected):
    kinds = dict(LessonKind.choices)
    rows = streamed(
        Lesson.objects.filter(case__in=selected.ids).order_by("case__slug", "position", "pk"),
        "pk", "case__slug", "position", "kind", "category__slug", "category__name", "text",
        "inferred",
    )  # fmt: skip
    for pk, case, position, kind, category, category_name, text, inferred in rows:
        yield (pk, case, position, kind, str(kinds.get(kind, kind)), category, category_name,
               text, inferred)  # fmt: skip


def territory_rows(selected: Selected):
    kinds = dict(TerritoryKind.choices)
    # « pk IN (…) »: the parties of the selection, computed once (an EXISTS per territory
    # took 80 s on SQLite at 10 000 sheets).
    in_selection = Participation.objects.filter(case__in=selected.ids).values("territory")
    rows = streamed(
        Territory.objects.filter(pk__in=in_selection)
        .order_by("slug")
        .annotate(
            departements_codes=places("casestudies_territory.id", "departements"),
            regions_codes=places("casestudies_territory.id", "regions"),
        ),
        "slug", "name", "kind", "siren", "insee_code", "population", "population_note",
        "country", "departements_codes", "regions_codes", "website",
    )  # fmt: skip
    for slug, name, kind, siren, insee, population, note, country, deps, regs, site in rows:
        url = selected.url("casestudies:territory-detail", slug)
        yield (slug, name, url, kind, str(kinds.get(kind, kind)), siren, insee, population,
               note, country, deps, regs, site)  # fmt: skip


def organisation_rows(selected: Selected):
    kinds = dict(OrganisationKind.choices)
    in_selection = Participation.objects.filter(case__in=selected.ids).values("organisation")
    rows = streamed(
        Organisation.objects.filter(pk__in=in_selection).order_by("slug"),
        "slug", "name", "acronym", "kind", "siren", "territory__slug", "website",
    )  # fmt: skip
    for slug, name, acronym, kind, siren, territory, site in rows:
        yield slug, name, acronym, kind, str(kinds.get(kind, kind)), siren, territory, site


def source_rows(selected: Selected):
    kinds = dict(SourceKind.choices)
    cited = Citation.objects.filter(case__in=selected.ids).values("source")
    rows = streamed(
        SourceDocument.objects.filter(pk__in=cited).order_by("slug"),
        "slug", "reference", "title", "publisher", "year", "kind", "url", "licence",
    )  # fmt: skip
    for slug, reference, title, publisher, year, kind, url, licence in rows:
        yield (
            slug,
            reference,
            title,
            publisher,
            year,
            kind,
            str(kinds.get(kind, kind)),
            url,
            licence,
        )


def citation_rows(selected: Selected):
    return streamed(
        Citation.objects.filter(case__in=selected.ids).order_by(
            "case__slug", "source__reference", "line_start", "pk"
        ),
        "pk", "case__slug", "source__slug", "line_start", "line_end", "pages", "note",
    )  # fmt: skip


# -- the tables ----------------------------------------------------------------------------------

SHEET = Column("fiche", "string", _("Fiche"), _("Identifiant de la fiche (table fiches)."), True)
NOTE = Column("precision", "string", _("Précision"))


def categories() -> list[str]:
    return list(LessonCategory.objects.order_by("number").values_list("slug", flat=True))


TABLES = (
    Table(
        "fiches",
        _("Fiches"),
        _("Une ligne par fiche publiée."),
        (
            Column("slug", "string", _("Identifiant"), required=True),
            Column("titre", "string", _("Titre"), required=True),
            Column("url", "string", _("Adresse de la fiche"), format="uri", required=True),
            Column("chapeau", "string", _("Résumé")),
            Column("annee_debut", "integer", _("Année de début")),
            Column("annee_fin", "integer", _("Année de fin")),
            Column(
                "etat",
                "string",
                _("État"),
                _("Vide quand les sources ne le disent pas."),
                enum=labels(CooperationStatus),
            ),
            Column("etat_libelle", "string", _("État (libellé)")),
            Column(
                "departements",
                "string",
                _("Départements"),
                _("Codes INSEE des départements de ses territoires, séparés par « ; »."),
            ),
            Column(
                "regions",
                "string",
                _("Régions"),
                _("Codes INSEE des régions de ses territoires, séparés par « ; »."),
            ),
            Column("publiee_le", "datetime", _("Publiée le")),
            Column("modifiee_le", "datetime", _("Modifiée le"), required=True),
        ),
        ("slug",),
        sheet_rows,
    ),
    Table(
        "parties",
        _("Parties prenantes"),
        _(
            "Une ligne par fiche et partie prenante (territoire ou organisation), dans l'ordre "
            "de la fiche."
        ),
        (
            SHEET,
            Column(
                "partie",
                "string",
                _("Partie"),
                _(
                    "« t- » suivi de l'identifiant d'un territoire, "
                    "« o- » de celui d'une organisation."
                ),
                required=True,
            ),
            Column("nom", "string", _("Nom"), required=True),
            Column(
                "nature",
                "string",
                _("Nature"),
                required=True,
                enum=lambda: ["territoire", "organisation"],
            ),
            Column("type", "string", _("Type"), required=True, enum=party_kinds),
            Column("type_libelle", "string", _("Type (libellé)")),
            Column("role", "string", _("Rôle"), required=True, enum=labels(Role)),
            Column("role_libelle", "string", _("Rôle (libellé)")),
            NOTE,
            Column("siren", "string", _("SIREN")),
            Column(
                "code_insee",
                "string",
                _("Code INSEE"),
                _("Pour une commune, un département ou une région."),
            ),
            Column(
                "departements",
                "string",
                _("Départements"),
                _(
                    "Codes INSEE, séparés par « ; » (pour une organisation : ceux de son "
                    "territoire d'implantation)."
                ),
            ),
            Column("regions", "string", _("Régions"), _("Codes INSEE, séparés par « ; ».")),
            Column(
                "territoire", "string", _("Territoire"), _("Identifiant dans la table territoires.")
            ),
            Column(
                "organisation",
                "string",
                _("Organisation"),
                _("Identifiant dans la table organisations."),
            ),
        ),
        ("fiche", "partie", "role"),
        party_rows,
        (
            ("fiche", "fiches", "slug"),
            ("territoire", "territoires", "slug"),
            ("organisation", "organisations", "slug"),
        ),
    ),
    Table(
        "outils",
        _("Outils de coopération"),
        _("Une ligne par fiche et outil juridique ou contractuel employé."),
        (
            SHEET,
            Column("outil", "string", _("Outil"), required=True),
            Column("nom", "string", _("Nom"), required=True),
            Column("url", "string", _("Adresse de la fiche outil"), format="uri"),
            Column("famille", "string", _("Famille"), enum=labels(InstrumentFamily)),
            Column("famille_libelle", "string", _("Famille (libellé)")),
            Column("annee_signature", "integer", _("Année de signature")),
            NOTE,
        ),
        ("fiche", "outil", "annee_signature", "precision"),
        instrument_rows,
        (("fiche", "fiches", "slug"),),
    ),
    Table(
        "thematiques",
        _("Thématiques"),
        _("Une ligne par fiche et thématique."),
        (
            SHEET,
            Column("thematique", "string", _("Thématique"), required=True),
            Column("nom", "string", _("Nom"), required=True),
            Column("thematique_parente", "string", _("Thématique parente")),
            Column("nom_parente", "string", _("Nom de la thématique parente")),
        ),
        ("fiche", "thematique"),
        theme_rows,
        (("fiche", "fiches", "slug"),),
    ),
    Table(
        "types_de_cooperation",
        _("Types de coopération"),
        _("Une ligne par fiche et type de coopération."),
        (
            SHEET,
            Column("type", "string", _("Type"), required=True),
            Column("nom", "string", _("Nom"), required=True),
        ),
        ("fiche", "type"),
        type_rows,
        (("fiche", "fiches", "slug"),),
    ),
    Table(
        "enseignements",
        _("Enseignements"),
        _(
            "Une ligne par enseignement d'une fiche : condition de réussite ou frein, et sa "
            "catégorie."
        ),
        (
            Column("id", "integer", _("Numéro"), required=True),
            SHEET,
            Column("ordre", "integer", _("Ordre dans la fiche"), required=True),
            Column("nature", "string", _("Nature"), required=True, enum=labels(LessonKind)),
            Column("nature_libelle", "string", _("Nature (libellé)")),
            Column("categorie", "string", _("Catégorie"), required=True, enum=categories),
            Column("categorie_libelle", "string", _("Catégorie (libellé)")),
            Column("texte", "string", _("Enseignement"), _("Texte en Markdown."), required=True),
            Column(
                "deduit",
                "boolean",
                _("Déduit par la rédaction"),
                _("Vrai quand la source ne le formule pas elle-même."),
            ),
        ),
        ("id",),
        lesson_rows,
        (("fiche", "fiches", "slug"),),
    ),
    Table(
        "territoires",
        _("Territoires"),
        _("Les territoires parties prenantes des fiches : une ligne par territoire."),
        (
            Column("slug", "string", _("Identifiant"), required=True),
            Column("nom", "string", _("Nom"), required=True),
            Column("url", "string", _("Adresse de la page du territoire"), format="uri"),
            Column("type", "string", _("Type"), required=True, enum=labels(TerritoryKind)),
            Column("type_libelle", "string", _("Type (libellé)")),
            Column("siren", "string", _("SIREN")),
            Column("code_insee", "string", _("Code INSEE")),
            Column("population", "integer", _("Population")),
            Column("precision_population", "string", _("Précision sur la population")),
            Column("pays", "string", _("Pays"), _("Vide pour la France.")),
            Column(
                "departements", "string", _("Départements"), _("Codes INSEE, séparés par « ; ».")
            ),
            Column("regions", "string", _("Régions"), _("Codes INSEE, séparés par « ; ».")),
            Column("site", "string", _("Site internet")),
        ),
        ("slug",),
        territory_rows,
    ),
    Table(
        "organisations",
        _("Organisations"),
        _("Les organisations parties prenantes des fiches : une ligne par organisation."),
        (
            Column("slug", "string", _("Identifiant"), required=True),
            Column("nom", "string", _("Nom"), required=True),
            Column("sigle", "string", _("Sigle")),
            Column("type", "string", _("Type"), required=True, enum=labels(OrganisationKind)),
            Column("type_libelle", "string", _("Type (libellé)")),
            Column("siren", "string", _("SIREN")),
            Column("territoire", "string", _("Territoire d'implantation")),
            Column("site", "string", _("Site internet")),
        ),
        ("slug",),
        organisation_rows,
    ),
    Table(
        "sources",
        _("Documents sources"),
        _("Les documents cités par les fiches : une ligne par document."),
        (
            Column("slug", "string", _("Identifiant"), required=True),
            Column("cote", "string", _("Cote")),
            Column("titre", "string", _("Titre"), required=True),
            Column("editeur", "string", _("Éditeur(s)")),
            Column("annee", "integer", _("Année")),
            Column("nature", "string", _("Nature"), enum=labels(SourceKind)),
            Column("nature_libelle", "string", _("Nature (libellé)")),
            Column("adresse", "string", _("Adresse")),
            Column("licence", "string", _("Licence ou conditions de réutilisation")),
        ),
        ("slug",),
        source_rows,
    ),
    Table(
        "citations",
        _("Citations"),
        _("Une ligne par passage d'un document source cité par une fiche."),
        (
            Column("id", "integer", _("Numéro"), required=True),
            SHEET,
            Column("source", "string", _("Document"), required=True),
            Column("ligne_debut", "integer", _("De la ligne")),
            Column("ligne_fin", "integer", _("À la ligne")),
            Column("pages", "string", _("Pages")),
            NOTE,
        ),
        ("id",),
        citation_rows,
        (("fiche", "fiches", "slug"), ("source", "sources", "slug")),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}


# -- writing ------------------------------------------------------------------------------------


def cell(value) -> str:
    """A value as Table Schema reads it: « » for none, ISO 8601 for datetimes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def table_lines(table: Table, selected: Selected) -> Iterator[list[str]]:
    yield table.header
    for row in table.rows(selected):
        yield [cell(value) for value in row]


def stream_table(table: Table, selected: Selected, delimiter: str = ",") -> Iterator[str]:
    return csv_stream(table_lines(table, selected), delimiter=delimiter, bom=False)


def xlsx_value(value):
    """Numbers stay numbers; dates and the rest become text (a spreadsheet's dates have no
    time zone)."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return cell(value)


def write_workbook(selected: Selected, tables: Iterable[Table] = TABLES):
    """An XLSX workbook with one sheet per table, in a temporary file (openpyxl's write-only
    mode keeps only the current row in memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        sheet.append(table.header)
        for row in table.rows(selected):
            sheet.append([xlsx_value(value) for value in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
    workbook.save(file)
    file.seek(0)
    return file


def package(selected: Selected, table_url: Callable[[Table], str], homepage: str) -> dict:
    """The Data Package descriptor (Frictionless « tabular-data-package » profile)."""
    return {
        "profile": "tabular-data-package",
        "name": "cooperations-territoriales",
        "title": str(_("Catalogue des coopérations territoriales")),
        "description": str(
            _(
                "Fiches de cas de coopérations entre territoires (collectivités, EPCI, PETR, "
                "parcs naturels régionaux…) : parties prenantes, outils, thématiques, "
                "enseignements et sources."
            )
        ),
        "homepage": homepage,
        "licenses": [LICENCE],
        "created": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "keywords": ["coopération territoriale", "intercommunalité", "PETR", "PNR"],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": str(table.title),
                "description": str(table.description),
                "path": table_url(table),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table.schema(),
            }
            for table in TABLES
        ],
    }
