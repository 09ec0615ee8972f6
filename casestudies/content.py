"""Loading the catalogue's editorial content from the YAML files of ``fixtures/content/``.

The rule, so that reloading never destroys a staff edit:
- a record missing from the database (looked up by slug) is created, with its relations;
- a record that exists only gets the fields that are still empty (blank text, no number),
  and a relation (members, parties, instruments, citations, lessons, themes…) only when the
  record has none of that relation yet;
- nothing is ever deleted, and the publication status is only set when a sheet is created.
Running the loader twice therefore changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from casestudies import search, workflow
from casestudies.models import (
    CaseRedirect,
    CaseStudy,
    Citation,
    CooperationType,
    Instrument,
    InstrumentUse,
    Lesson,
    LessonCategory,
    Organisation,
    Participation,
    PublicationStatus,
    SourceDocument,
    Territory,
    Theme,
)
from casestudies.reference import normalise_placements

LOAD_COMMENT = "Chargement du contenu de référence (fixtures/content)"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "content"

TERRITORY_FIELDS = {
    "name", "kind", "siren", "insee_code", "population", "population_note", "country",
    "website", "description",
}  # fmt: skip
TERRITORY_RELATIONS = {"departements", "regions", "members"}
ORGANISATION_FIELDS = {"name", "acronym", "kind", "siren", "website", "description"}
SOURCE_FIELDS = {
    "title", "short_title", "reference", "publisher", "year", "date_note", "kind", "url",
    "licence", "summary", "key_figures", "line_count",
}  # fmt: skip
INSTRUMENT_FIELDS = {
    "name", "family", "legal_basis", "definition", "distinctions", "triggers", "partners_scale",
    "stakes", "ambitions", "purpose", "actors", "examples", "links", "position",
}  # fmt: skip
CASE_FIELDS = {
    "title", "summary", "territory_context", "history", "objectives", "actions", "governance",
    "means", "commentary", "further_info", "bibliography", "editorial_note", "start_year",
    "end_year", "cooperation_status",
}  # fmt: skip
CASE_RELATIONS = {
    "themes", "cooperation_types", "parties", "instruments", "citations", "lessons",
    "publication_status", "former_slugs", "monograph",
}  # fmt: skip


class ContentError(Exception):
    """A content file says something the model cannot hold; the message says where."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    filled: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def lines(self):
        kinds = sorted(set(self.created) | set(self.filled) | set(self.unchanged))
        return [
            f"{kind} : {self.created[kind]} créé(s), {self.filled[kind]} complété(s), "
            f"{self.unchanged[kind]} inchangé(s)"
            for kind in kinds
        ]


def read_documents(directory: Path) -> list[tuple[str, dict]]:
    documents = []
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        if not isinstance(data, dict):
            raise ContentError(f"{path.name} : le fichier doit contenir un dictionnaire.")
        documents.append((path.name, data))
    return documents


def is_empty(value) -> bool:
    return value is None or value == "" or value == []


class ContentLoader:
    def __init__(self, directory: Path = DEFAULT_CONTENT_DIR):
        self.directory = Path(directory)
        self.report = LoadReport()
        # Sheets created or completed by this load: each gets a version in its history.
        self.touched_cases: set[int] = set()

    # -- entry point -------------------------------------------------------------------------
    def load(self) -> LoadReport:
        documents = read_documents(self.directory)
        sections = ("sources", "territories", "organisations", "instruments", "cases")
        for filename, data in documents:
            unknown = set(data) - set(sections)
            if unknown:
                raise ContentError(f"{filename} : sections inconnues {sorted(unknown)}.")
        with search.deferred_refresh(), transaction.atomic():
            for section in sections:
                entries = [
                    (filename, entry)
                    for filename, data in documents
                    for entry in data.get(section) or []
                ]
                getattr(self, f"load_{section}")(entries)
            normalise_placements()
            workflow.record_versions(
                CaseStudy.objects.filter(pk__in=self.touched_cases).order_by("pk"),
                comment=LOAD_COMMENT,
            )
        return self.report

    # -- helpers -----------------------------------------------------------------------------
    def upsert(self, model, where: str, entry: dict, allowed: set, extra: set = frozenset()):
        """Create the record or fill its empty fields; return (instance, created)."""
        slug = entry.get("slug")
        if not slug:
            raise ContentError(f"{where} : chaque entrée doit avoir un slug.")
        unknown = set(entry) - allowed - set(extra) - {"slug"}
        if unknown:
            raise ContentError(f"{where} [{slug}] : champs inconnus {sorted(unknown)}.")
        values = {key: value for key, value in entry.items() if key in allowed}
        for key, value in values.items():
            if isinstance(value, str):
                values[key] = value.strip()
        label = model._meta.verbose_name_plural
        instance = model.objects.filter(slug=slug).first()
        created = instance is None
        changed = False
        if created:
            instance = model(slug=slug, **values)
        else:
            for key, value in values.items():
                if is_empty(getattr(instance, key)) and not is_empty(value):
                    setattr(instance, key, value)
                    changed = True
        if created or changed:
            self.validate(instance, f"{where} [{slug}]")
            instance.save()
            if model is CaseStudy:
                self.touched_cases.add(instance.pk)
        bucket = self.report.created if created else (self.report.filled if changed else None)
        (bucket if bucket is not None else self.report.unchanged)[str(label)] += 1
        return instance, created

    @staticmethod
    def validate(instance: models.Model, where: str):
        try:
            instance.full_clean()
        except ValidationError as error:
            raise ContentError(f"{where} : {error.message_dict}") from error

    @staticmethod
    def lookup(model, slug, where: str):
        try:
            return model.objects.get(slug=slug)
        except model.DoesNotExist:
            raise ContentError(
                f"{where} : {model._meta.verbose_name} « {slug} » introuvable."
            ) from None

    # -- sections ----------------------------------------------------------------------------
    def load_sources(self, entries):
        for filename, entry in entries:
            self.upsert(SourceDocument, filename, entry, SOURCE_FIELDS)

    def load_territories(self, entries):
        loaded = []
        for filename, entry in entries:
            territory, _ = self.upsert(
                Territory, filename, entry, TERRITORY_FIELDS, TERRITORY_RELATIONS
            )
            loaded.append((filename, territory, entry))
        # Relations once every territory exists, whatever the file order.
        for filename, territory, entry in loaded:
            for relation in TERRITORY_RELATIONS:
                slugs = entry.get(relation) or []
                manager = getattr(territory, relation)
                if slugs and not manager.exists():
                    where = f"{filename} [{territory.slug}].{relation}"
                    manager.set([self.lookup(Territory, slug, where) for slug in slugs])

    def load_organisations(self, entries):
        for filename, entry in entries:
            organisation, _ = self.upsert(
                Organisation, filename, entry, ORGANISATION_FIELDS, {"territory"}
            )
            if entry.get("territory") and organisation.territory_id is None:
                organisation.territory = self.lookup(Territory, entry["territory"], filename)
                organisation.save(update_fields=["territory"])

    def load_instruments(self, entries):
        for filename, entry in entries:
            self.upsert(Instrument, filename, entry, INSTRUMENT_FIELDS)

    def load_cases(self, entries):
        loaded = []
        for filename, entry in entries:
            case, created = self.upsert(CaseStudy, filename, entry, CASE_FIELDS, CASE_RELATIONS)
            where = f"{filename} [{case.slug}]"
            if created:
                status = entry.get("publication_status", PublicationStatus.PUBLISHED)
                case.publication_status = status
                if status == PublicationStatus.PUBLISHED:
                    case.published_at = timezone.now()
                case.save(update_fields=["publication_status", "published_at"])
            self.load_case_relations(case, entry, where)
            loaded.append((case, entry, where))
        # Links between sheets once every sheet exists, whatever the file order.
        for case, entry, where in loaded:
            if entry.get("monograph") and case.monograph_id is None:
                case.monograph = self.lookup(CaseStudy, entry["monograph"], f"{where}.monograph")
                case.save(update_fields=["monograph"])
            for old_slug in entry.get("former_slugs") or []:
                CaseRedirect.objects.get_or_create(old_slug=old_slug, defaults={"case": case})

    def load_case_relations(self, case: CaseStudy, entry: dict, where: str):
        for name, model in (("themes", Theme), ("cooperation_types", CooperationType)):
            slugs = entry.get(name) or []
            if slugs and not getattr(case, name).exists():
                self.touched_cases.add(case.pk)
                getattr(case, name).set(
                    [self.lookup(model, slug, f"{where}.{name}") for slug in slugs]
                )

        builders = {
            "parties": (case.participations, self.build_participation),
            "instruments": (case.instrument_uses, self.build_instrument_use),
            "citations": (case.citations, self.build_citation),
            "lessons": (case.lessons, self.build_lesson),
        }
        for name, (manager, build) in builders.items():
            items = entry.get(name) or []
            if not items or manager.exists():
                continue
            self.touched_cases.add(case.pk)
            for position, item in enumerate(items):
                item_where = f"{where}.{name}[{position}]"
                child = build(case, item, item_where)
                if hasattr(child, "position"):
                    child.position = position
                self.validate(child, item_where)
                child.save()

    def check_keys(self, item: dict, allowed: set, where: str):
        if not isinstance(item, dict):
            raise ContentError(f"{where} : une entrée doit être un dictionnaire.")
        unknown = set(item) - allowed
        if unknown:
            raise ContentError(f"{where} : champs inconnus {sorted(unknown)}.")

    def build_participation(self, case, item, where):
        self.check_keys(item, {"territory", "organisation", "role", "note"}, where)
        return Participation(
            case=case,
            territory=self.lookup(Territory, item["territory"], where)
            if item.get("territory")
            else None,
            organisation=(
                self.lookup(Organisation, item["organisation"], where)
                if item.get("organisation")
                else None
            ),
            role=item.get("role", ""),
            note=(item.get("note") or "").strip(),
        )

    def build_instrument_use(self, case, item, where):
        self.check_keys(item, {"instrument", "signature_year", "note"}, where)
        return InstrumentUse(
            case=case,
            instrument=self.lookup(Instrument, item.get("instrument"), where),
            signature_year=item.get("signature_year"),
            note=(item.get("note") or "").strip(),
        )

    def build_citation(self, case, item, where):
        self.check_keys(item, {"source", "lines", "pages", "note"}, where)
        lines = item.get("lines") or [None, None]
        if len(lines) != 2:
            raise ContentError(f"{where} : « lines » s'écrit [début, fin].")
        return Citation(
            case=case,
            source=self.lookup(SourceDocument, item.get("source"), where),
            line_start=lines[0],
            line_end=lines[1],
            pages=str(item.get("pages") or ""),
            note=(item.get("note") or "").strip(),
        )

    def build_lesson(self, case, item, where):
        self.check_keys(item, {"kind", "category", "text", "inferred"}, where)
        return Lesson(
            case=case,
            kind=item.get("kind", ""),
            category=self.lookup(LessonCategory, item.get("category"), where),
            text=(item.get("text") or "").strip(),
            inferred=bool(item.get("inferred", False)),
        )
