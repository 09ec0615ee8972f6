"""Loading the catalogue's editorial content from the YAML files of ``fixtures/content/``.

The rule, so that a reload brings the content's corrections without ever destroying a staff
edit. For every field and relation of every record (looked up by slug), three values meet:
what the content says now (*wanted*), what the database holds (*have*), and what the content
said when the record was last loaded (*was*, kept in ``LoadedContent``):
- a record missing from the database is created, with its relations;
- *have* equals *wanted*: nothing to do;
- *have* is empty: it is filled;
- *have* still equals *was* (nobody touched it since it was loaded): it becomes *wanted* — a
  correction of the content reaches the installation;
- otherwise a person changed it: it is kept, and the report says so.
Each sheet that changes gets a version in its history (django-reversion). The publication status
is only set when a sheet is created. A sheet is deleted only when it was merged into another
(its slug is among that sheet's ``former_slugs``) and nobody changed it since it was loaded; the
old address then redirects to the sheet that replaced it.

Installations loaded before ``LoadedContent`` existed know no *was*: the files of
``fixtures/content-baseline/`` give, for the fields the content has corrected since, the value
the content had then (see scripts/content_baseline.py). Without either, *was* is *wanted*, which
is the old rule: fill what is empty, keep everything else.

The placements of a territory (``departements``, ``regions``) are only ever added to: the
database also holds the placements derived from the official reference and from containment.
Running the loader twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from casestudies import indexing, workflow
from casestudies.models import (
    CaseRedirect,
    CaseStudy,
    Citation,
    CooperationType,
    FinderRule,
    Instrument,
    InstrumentUse,
    Lesson,
    LessonCategory,
    LoadedContent,
    Organisation,
    Participation,
    PublicationStatus,
    SourceDocument,
    Territory,
    Theme,
)
from casestudies.reference import normalise_placements

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT_DIR = ROOT / "fixtures" / "content"
DEFAULT_BASELINE_DIR = ROOT / "fixtures" / "content-baseline"
LOAD_COMMENT = "Chargement du contenu de référence (fixtures/content)"
UPDATE_COMMENT = "Mise à jour du contenu de référence (fixtures/content) : {fields}"

TERRITORY_FIELDS = {
    "name", "kind", "siren", "insee_code", "population", "population_note", "country",
    "website", "description",
}  # fmt: skip
ORGANISATION_FIELDS = {"name", "acronym", "kind", "siren", "website", "description"}
SOURCE_FIELDS = {
    "title", "short_title", "reference", "publisher", "year", "date_note", "kind", "url",
    "licence", "summary", "key_figures", "line_count",
}  # fmt: skip
FINDER_RULE_FIELDS = {"name", "conditions", "weight", "explanation", "legal_reference", "position"}
INSTRUMENT_FIELDS = {
    "name", "family", "legal_basis", "definition", "distinctions", "triggers", "partners_scale",
    "stakes", "ambitions", "purpose", "actors", "examples", "links", "position",
}  # fmt: skip
CASE_FIELDS = {
    "title", "summary", "territory_context", "history", "objectives", "actions", "governance",
    "means", "commentary", "further_info", "bibliography", "editorial_note", "start_year",
    "end_year", "cooperation_status",
}  # fmt: skip


class ContentError(Exception):
    """A content file says something the model cannot hold; the message says where."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    filled: Counter = field(default_factory=Counter)
    corrected: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    # (label, slug, field) left as a person changed it.
    kept: list = field(default_factory=list)

    def lines(self):
        kinds = sorted(
            set(self.created) | set(self.filled) | set(self.corrected) | set(self.unchanged)
        )
        lines = [
            f"{kind} : {self.created[kind]} créé(s), {self.filled[kind]} complété(s), "
            f"{self.corrected[kind]} corrigé(s), {self.unchanged[kind]} inchangé(s)"
            + (
                f", {self.deleted[kind]} fusionné(s) dans une autre fiche"
                if self.deleted[kind]
                else ""
            )
            for kind in kinds
        ]
        lines += [
            f"Laissé tel quel (modifié depuis son chargement) : {label} « {slug} », {name}."
            for label, slug, name in self.kept
        ]
        return lines


def read_documents(directory: Path) -> list[tuple[str, dict]]:
    documents = []
    for path in sorted(Path(directory).glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        if not isinstance(data, dict):
            raise ContentError(f"{path.name} : le fichier doit contenir un dictionnaire.")
        documents.append((path.name, data))
    return documents


class Fingerprint(str):
    """The digest of a value (see ``fingerprint``): baselines compare, they need not read."""


def fingerprint(value) -> Fingerprint:
    canonical = json.dumps(normal(value), sort_keys=True, ensure_ascii=False)
    return Fingerprint(hashlib.sha256(canonical.encode()).hexdigest()[:20])


def read_baseline(directory: Path) -> dict:
    """{section: {slug: {field: Fingerprint}}} from the baseline files (the latest file wins)."""
    baseline: dict = defaultdict(dict)
    if not Path(directory).is_dir():
        return baseline
    for _, data in read_documents(directory):
        for section, records in data.items():
            for slug, values in (records or {}).items():
                baseline[section].setdefault(slug, {}).update(
                    {key: Fingerprint(digest) for key, digest in values.items()}
                )
    return baseline


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def normal(value):
    """The comparable form of a value: stripped text, None for anything empty."""
    if isinstance(value, str):
        value = value.strip()
    return None if is_empty(value) else value


def same(a, b) -> bool:
    if isinstance(b, Fingerprint):
        return fingerprint(a) == b
    return json.dumps(normal(a), sort_keys=True) == json.dumps(normal(b), sort_keys=True)


# -- relations: how each one is read from the database, wanted from a file, and written --------


class Relation:
    """A relation of a record, compared as a canonical, JSON-comparable value."""

    additive = False  # True: only ever add to it (territory placements)

    def __init__(self, name):
        self.name = name

    def wanted(self, loader, entry, where):
        raise NotImplementedError

    def have(self, instance):
        raise NotImplementedError

    def write(self, loader, instance, value, where):
        raise NotImplementedError


class SlugSet(Relation):
    """A many-to-many relation to records found by slug (themes, members…)."""

    def __init__(self, name, model, additive=False):
        super().__init__(name)
        self.model, self.additive = model, additive

    def wanted(self, loader, entry, where):
        slugs = entry.get(self.name) or []
        for slug in slugs:
            loader.lookup(self.model, slug, f"{where}.{self.name}")
        return sorted(set(slugs))

    def have(self, instance):
        return sorted(item.slug for item in getattr(instance, self.name).all())

    def write(self, loader, instance, value, where):
        targets = [loader.lookup(self.model, slug, where) for slug in value]
        manager = getattr(instance, self.name)
        manager.add(*targets) if self.additive else manager.set(targets)


class SlugLink(Relation):
    """A foreign key to a record found by slug (an organisation's territory, a monograph)."""

    def __init__(self, name, model):
        super().__init__(name)
        self.model = model

    def wanted(self, loader, entry, where):
        slug = entry.get(self.name)
        if slug:
            loader.lookup(self.model, slug, f"{where}.{self.name}")
        return slug or None

    def have(self, instance):
        linked = getattr(instance, self.name)
        return linked.slug if linked else None

    def write(self, loader, instance, value, where):
        setattr(instance, self.name, loader.lookup(self.model, value, where) if value else None)
        instance.save(update_fields=[self.name])


class FormerSlugs(Relation):
    def wanted(self, loader, entry, where):
        return sorted(set(entry.get("former_slugs") or []))

    def have(self, instance):
        return sorted(redirect.old_slug for redirect in instance.redirects.all())

    def write(self, loader, instance, value, where):
        for old_slug in value:
            CaseRedirect.objects.update_or_create(old_slug=old_slug, defaults={"case": instance})


class Rows(Relation):
    """Lines of a sheet (parties, instruments, citations, lessons), replaced as a whole."""

    ordered = True  # the position of each line is part of it

    def __init__(self, name, related_name, keys):
        super().__init__(name)
        self.related_name, self.keys = related_name, keys

    def canonical(self, rows):
        return rows if self.ordered else sorted(rows, key=lambda row: json.dumps(row))

    def wanted(self, loader, entry, where):
        rows = []
        for position, item in enumerate(entry.get(self.name) or []):
            item_where = f"{where}.{self.name}[{position}]"
            if not isinstance(item, dict):
                raise ContentError(f"{item_where} : une entrée doit être un dictionnaire.")
            unknown = set(item) - self.keys
            if unknown:
                raise ContentError(f"{item_where} : champs inconnus {sorted(unknown)}.")
            rows.append(self.row_from_item(loader, item, item_where))
        return self.canonical(rows)

    def have(self, instance):
        return self.canonical(
            [self.row_from_line(line) for line in getattr(instance, self.related_name).all()]
        )

    def write(self, loader, instance, value, where):
        getattr(instance, self.related_name).all().delete()
        for position, row in enumerate(value):
            line = self.line_from_row(loader, instance, row, f"{where}[{position}]")
            if hasattr(line, "position"):
                line.position = position
            loader.validate(line, f"{where}[{position}]")
            line.save()


class Parties(Rows):
    def row_from_item(self, loader, item, where):
        kind = "territory" if item.get("territory") else "organisation"
        model = Territory if kind == "territory" else Organisation
        loader.lookup(model, item.get(kind), where)
        return {kind: item[kind], "role": item.get("role", ""), "note": text(item.get("note"))}

    def row_from_line(self, line):
        kind = "territory" if line.territory_id else "organisation"
        return {kind: getattr(line, kind).slug, "role": line.role, "note": line.note}

    def line_from_row(self, loader, case, row, where):
        return Participation(
            case=case,
            territory=loader.lookup(Territory, row["territory"], where)
            if row.get("territory")
            else None,
            organisation=loader.lookup(Organisation, row["organisation"], where)
            if row.get("organisation")
            else None,
            role=row["role"],
            note=row["note"],
        )


class InstrumentUses(Rows):
    ordered = False

    def row_from_item(self, loader, item, where):
        loader.lookup(Instrument, item.get("instrument"), where)
        return {
            "instrument": item["instrument"],
            "signature_year": item.get("signature_year"),
            "note": text(item.get("note")),
        }

    def row_from_line(self, line):
        return {
            "instrument": line.instrument.slug,
            "signature_year": line.signature_year,
            "note": line.note,
        }

    def line_from_row(self, loader, case, row, where):
        return InstrumentUse(
            case=case,
            instrument=loader.lookup(Instrument, row["instrument"], where),
            signature_year=row["signature_year"],
            note=row["note"],
        )


class Citations(Rows):
    ordered = False

    def row_from_item(self, loader, item, where):
        loader.lookup(SourceDocument, item.get("source"), where)
        lines = item.get("lines") or [None, None]
        if len(lines) != 2:
            raise ContentError(f"{where} : « lines » s'écrit [début, fin].")
        return {
            "source": item["source"],
            "lines": list(lines),
            "pages": str(item.get("pages") or ""),
            "note": text(item.get("note")),
        }

    def row_from_line(self, line):
        return {
            "source": line.source.slug,
            "lines": [line.line_start, line.line_end],
            "pages": line.pages,
            "note": line.note,
        }

    def line_from_row(self, loader, case, row, where):
        return Citation(
            case=case,
            source=loader.lookup(SourceDocument, row["source"], where),
            line_start=row["lines"][0],
            line_end=row["lines"][1],
            pages=row["pages"],
            note=row["note"],
        )


class Lessons(Rows):
    def canonical(self, rows):
        # Shown grouped by kind (the model orders by kind, then position): keep each kind's order.
        return sorted(rows, key=lambda row: row["kind"])

    def row_from_item(self, loader, item, where):
        loader.lookup(LessonCategory, item.get("category"), where)
        return {
            "kind": item.get("kind", ""),
            "category": item["category"],
            "text": text(item.get("text")),
            "inferred": bool(item.get("inferred", False)),
        }

    def row_from_line(self, line):
        return {
            "kind": line.kind,
            "category": line.category.slug,
            "text": line.text,
            "inferred": line.inferred,
        }

    def line_from_row(self, loader, case, row, where):
        return Lesson(
            case=case,
            kind=row["kind"],
            category=loader.lookup(LessonCategory, row["category"], where),
            text=row["text"],
            inferred=row["inferred"],
        )


def text(value) -> str:
    return (value or "").strip()


@dataclass
class Section:
    """A section of the content files: its model, fields and relations."""

    name: str
    model: type[models.Model]
    fields: set
    relations: list
    prefetch: tuple = ()
    create_only: frozenset = frozenset()


SECTIONS = [
    Section("sources", SourceDocument, SOURCE_FIELDS, []),
    Section(
        "territories",
        Territory,
        TERRITORY_FIELDS,
        [
            SlugSet("departements", Territory, additive=True),
            SlugSet("regions", Territory, additive=True),
            SlugSet("members", Territory),
        ],
        prefetch=("departements", "regions", "members"),
    ),
    Section(
        "organisations",
        Organisation,
        ORGANISATION_FIELDS,
        [SlugLink("territory", Territory)],
        prefetch=("territory",),
    ),
    Section("instruments", Instrument, INSTRUMENT_FIELDS, []),
    Section(
        "cases",
        CaseStudy,
        CASE_FIELDS,
        [
            SlugSet("themes", Theme),
            SlugSet("cooperation_types", CooperationType),
            Parties("parties", "participations", {"territory", "organisation", "role", "note"}),
            InstrumentUses(
                "instruments", "instrument_uses", {"instrument", "signature_year", "note"}
            ),
            Citations("citations", "citations", {"source", "lines", "pages", "note"}),
            Lessons("lessons", "lessons", {"kind", "category", "text", "inferred"}),
            SlugLink("monograph", CaseStudy),
            FormerSlugs("former_slugs"),
        ],
        prefetch=(
            "themes",
            "cooperation_types",
            "participations__territory",
            "participations__organisation",
            "instrument_uses__instrument",
            "citations__source",
            "lessons__category",
            "monograph",
            "redirects",
        ),
        create_only=frozenset({"publication_status"}),
    ),
    Section(
        "finder_rules",
        FinderRule,
        FINDER_RULE_FIELDS,
        [SlugSet("favours", Instrument), SlugSet("excludes", Instrument)],
        prefetch=("favours", "excludes"),
    ),
]


class ContentLoader:
    def __init__(self, directory: Path = DEFAULT_CONTENT_DIR, baseline=DEFAULT_BASELINE_DIR):
        self.directory = Path(directory)
        self.legacy = read_baseline(Path(baseline)) if baseline else {}
        self.report = LoadReport()
        # Sheet pk → what changed in it (None: created), for its version in the history.
        self.changed_cases: dict[int, set | None] = {}
        self.cache: dict = {}

    # -- entry point -------------------------------------------------------------------------
    def load(self) -> LoadReport:
        documents = read_documents(self.directory)
        names = {section.name for section in SECTIONS}
        for filename, data in documents:
            unknown = set(data) - names
            if unknown:
                raise ContentError(f"{filename} : sections inconnues {sorted(unknown)}.")
        entries = {section.name: self.merged_entries(section, documents) for section in SECTIONS}
        with transaction.atomic(), indexing.deferred_refresh():
            stored = {(row.section, row.slug): row.data for row in LoadedContent.objects.all()}
            records = {}
            for section in SECTIONS:  # fields first: every record exists before any link
                for slug, (where, entry) in entries[section.name].items():
                    records[section.name, slug] = self.load_fields(
                        section, slug, where, entry, stored
                    )
            for section in SECTIONS:
                for slug, (where, entry) in entries[section.name].items():
                    self.load_relations(section, records[section.name, slug], where, entry, stored)
            self.remove_merged_sheets(entries["cases"], stored)
            self.remember(entries)
            normalise_placements()
            self.record_versions()
        return self.report

    def merged_entries(self, section, documents) -> dict:
        """slug → (where, entry); a record described in several files is merged, each field
        taken from the first file that gives it, and two different values are an error."""
        merged = {}
        allowed = section.fields | {rel.name for rel in section.relations} | section.create_only
        for filename, data in documents:
            for entry in data.get(section.name) or []:
                slug = entry.get("slug") if isinstance(entry, dict) else None
                if not slug:
                    raise ContentError(f"{filename} : chaque entrée doit avoir un slug.")
                unknown = set(entry) - allowed - {"slug"}
                if unknown:
                    raise ContentError(f"{filename} [{slug}] : champs inconnus {sorted(unknown)}.")
                if slug not in merged:
                    merged[slug] = (f"{filename} [{slug}]", dict(entry))
                    continue
                where, first = merged[slug]
                for key, value in entry.items():
                    if is_empty(first.get(key)):
                        first[key] = value
                    elif not is_empty(value) and not same(first[key], value):
                        raise ContentError(
                            f"{filename} [{slug}] : « {key} » diffère de sa valeur dans {where}."
                        )
        return merged

    # -- fields ------------------------------------------------------------------------------
    def load_fields(self, section, slug, where, entry, stored):
        model = section.model
        values = {key: normal_field(entry[key]) for key in section.fields if key in entry}
        instance = model.objects.filter(slug=slug).prefetch_related(*section.prefetch).first()
        if instance is None:
            instance = model(slug=slug, **{k: v for k, v in values.items() if v is not None})
            if model is CaseStudy:
                status = entry.get("publication_status", PublicationStatus.PUBLISHED)
                instance.publication_status = status
                if status == PublicationStatus.PUBLISHED:
                    instance.published_at = timezone.now()
            self.validate(instance, where)
            instance.save()
            instance._content_created, instance._content_changes = True, {}
            return instance
        changes = {}
        for key, wanted in values.items():
            outcome = self.merge(section, slug, key, getattr(instance, key), wanted, stored)
            if outcome:
                changes[key] = outcome
                setattr(instance, key, wanted if wanted is not None else empty_value(model, key))
        if changes:
            self.validate(instance, where)
            instance.save()
        instance._content_created, instance._content_changes = False, changes
        return instance

    def merge(self, section, slug, key, have, wanted, stored) -> str | None:
        """'fill', 'correct' or None (nothing to do, or kept because a person changed it)."""
        if same(have, wanted):
            return None
        if is_empty(normal(have)):
            return "fill"
        if same(have, self.was(section, slug, key, wanted, stored)):
            return "correct"
        self.report.kept.append((str(section.model._meta.verbose_name), slug, key))
        return None

    def was(self, section, slug, key, wanted, stored):
        """What the content said when the record was last loaded (``wanted`` if unknown)."""
        record = stored.get((section.name, slug))
        if record is not None and key in record:
            return record[key]
        return self.legacy.get(section.name, {}).get(slug, {}).get(key, wanted)

    # -- relations ---------------------------------------------------------------------------
    def load_relations(self, section, instance, where, entry, stored):
        created, changes = instance._content_created, instance._content_changes
        for relation in section.relations:
            if relation.additive and relation.name not in entry:
                continue  # (an absent relation is an empty one: the content says « none »)
            wanted = relation.wanted(self, entry, where)
            have = relation.have(instance)
            if relation.additive:
                wanted = sorted(set(wanted) - set(have))
                outcome = "fill" if wanted else None
            elif created:
                outcome = None if same(have, wanted) else "fill"
            else:
                outcome = self.merge(section, instance.slug, relation.name, have, wanted, stored)
            if outcome:
                relation.write(self, instance, wanted, f"{where}.{relation.name}")
                changes[relation.name] = outcome
        check = getattr(instance, "clean_relations", None)
        if check is not None:
            try:
                check()
            except ValidationError as error:
                raise ContentError(f"{where} : {' '.join(error.messages)}") from error
        self.count(section, instance, created, changes)

    def count(self, section, instance, created, changes):
        label = str(section.model._meta.verbose_name_plural)
        if created:
            bucket = self.report.created
        elif "correct" in changes.values():
            bucket = self.report.corrected
        else:
            bucket = self.report.filled if changes else self.report.unchanged
        bucket[label] += 1
        if section.model is CaseStudy and (created or changes):
            self.changed_cases[instance.pk] = None if created else set(changes)

    # -- merged sheets -----------------------------------------------------------------------
    def remove_merged_sheets(self, case_entries, stored):
        """A sheet merged into another (its slug in that sheet's former_slugs) is deleted if
        nobody changed it since it was loaded; its address then redirects."""
        section = next(s for s in SECTIONS if s.model is CaseStudy)
        claimed = {
            old for _, entry in case_entries.values() for old in entry.get("former_slugs") or []
        }
        for case in CaseStudy.objects.filter(slug__in=claimed).prefetch_related(*section.prefetch):
            was = stored.get(("cases", case.slug)) or self.legacy.get("cases", {}).get(case.slug)
            if not was or not self.unchanged_since_loaded(section, case, was):
                self.report.kept.append(
                    (str(CaseStudy._meta.verbose_name), case.slug, "fusion dans une autre fiche")
                )
                continue
            workflow.record_versions([case], comment="Fusionnée dans une autre fiche")
            LoadedContent.objects.filter(section="cases", slug=case.slug).delete()
            case.delete()
            self.report.deleted[str(CaseStudy._meta.verbose_name_plural)] += 1

    @staticmethod
    def unchanged_since_loaded(section, case, was) -> bool:
        for key in section.fields:
            if key in was and not same(getattr(case, key), was[key]):
                return False
        return all(
            same(relation.have(case), was[relation.name])
            for relation in section.relations
            if relation.name in was and not relation.additive
        )

    # -- memory of what was loaded -----------------------------------------------------------
    def remember(self, entries):
        rows = []
        for section in SECTIONS:
            for slug, (where, entry) in entries[section.name].items():
                data = {key: normal_field(entry[key]) for key in section.fields if key in entry}
                for relation in section.relations:
                    if not relation.additive:
                        data[relation.name] = relation.wanted(self, entry, where)
                rows.append(LoadedContent(section=section.name, slug=slug, data=data))
        LoadedContent.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["section", "slug"],
            update_fields=["data", "loaded_at"],
        )

    def record_versions(self):
        cases = CaseStudy.objects.in_bulk(list(self.changed_cases))
        for pk, changed in sorted(self.changed_cases.items()):
            if pk not in cases:
                continue
            comment = (
                LOAD_COMMENT
                if changed is None
                else UPDATE_COMMENT.format(fields=", ".join(sorted(changed)))
            )
            workflow.record_versions([cases[pk]], comment=comment)

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def validate(instance: models.Model, where: str):
        try:
            instance.full_clean()
        except ValidationError as error:
            raise ContentError(f"{where} : {error.message_dict}") from error

    def lookup(self, model, slug, where: str):
        key = (model, slug)
        if key not in self.cache:
            try:
                self.cache[key] = model.objects.get(slug=slug)
            except model.DoesNotExist:
                raise ContentError(
                    f"{where} : {model._meta.verbose_name} « {slug} » introuvable."
                ) from None
        return self.cache[key]


def normal_field(value):
    return value.strip() if isinstance(value, str) else value


def empty_value(model, key):
    return None if model._meta.get_field(key).null else ""
