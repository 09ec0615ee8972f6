"""Signals that keep what is derived from the sheets current (see indexing.py).

Every change that reaches a sheet's search text, facets or partners schedules a refresh of
exactly the sheets concerned: a sheet's own save, its parties, instruments, citations, themes
and types, a rename or re-classification of a party, an instrument, a theme, a type or a
source, a change of a territory's placements, and ``events.sheets_changed`` for bulk updates.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_migrate,
    post_save,
    pre_delete,
)
from django.dispatch import receiver

from casestudies import indexing, search_index
from casestudies.events import sheets_changed
from casestudies.models import (
    CaseStudy,
    CatalogueGeneration,
    Citation,
    CooperationType,
    FacetEntry,
    Instrument,
    InstrumentUse,
    Organisation,
    Participation,
    SearchSynonym,
    SimilarCase,
    SourceDocument,
    Territory,
    Theme,
)
from casestudies.reference import normalise_placements


@receiver(sheets_changed)
def sheets_changed_in_bulk(sender, ids, **kwargs):
    indexing.schedule_refresh(ids)


@receiver(post_save, sender=CaseStudy)
def case_saved(sender, instance, raw=False, **kwargs):
    if raw:
        # loaddata: the row comes first and its relations afterwards; re-indexing now, from
        # half the relations, would corrupt the index: it is rewritten once the load commits.
        instance._loaded_raw = True
        indexing.refresh_after_commit([instance.pk])
    else:
        indexing.schedule_refresh([instance.pk])


@receiver(pre_delete, sender=CaseStudy)
def case_deleting(sender, instance, **kwargs):
    indexing.before_delete(instance)


@receiver(post_delete, sender=CaseStudy)
def case_deleted(sender, instance, origin=None, **kwargs):
    indexing.after_delete(instance, instance.pk)


@receiver(post_save, sender=Participation)
@receiver(post_delete, sender=Participation)
@receiver(post_save, sender=InstrumentUse)
@receiver(post_delete, sender=InstrumentUse)
@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
def case_child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        # A line moved to another sheet leaves the first one too.
        indexing.schedule_refresh({instance.case_id, getattr(instance, "_loaded_case_id", None)})
        instance._loaded_case_id = instance.case_id


@receiver(post_init, sender=Participation)
@receiver(post_init, sender=InstrumentUse)
@receiver(post_init, sender=Citation)
def remember_case(sender, instance, **kwargs):
    instance._loaded_case_id = instance.case_id


@receiver(m2m_changed, sender=CaseStudy.themes.through)
@receiver(m2m_changed, sender=CaseStudy.cooperation_types.through)
def case_vocabulary_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if getattr(instance, "_loaded_raw", False):
        return  # (a sheet being deserialised by loaddata sets its themes: see case_saved)
    if action == "pre_clear" and reverse:  # theme.cases.clear(): note them while they are there
        instance._cleared_ids = list(instance.cases.values_list("pk", flat=True))
    if not action.startswith("post_"):
        return
    if reverse:  # theme.cases.add(...)
        indexing.schedule_refresh(pk_set or getattr(instance, "_cleared_ids", []))
    else:
        indexing.schedule_refresh([instance.pk])


def placed(through) -> str:
    return "departements" if through is Territory.departements.through else "regions"


def cases_of_parties(**lookups):
    return Participation.objects.filter(**lookups).values_list("case_id", flat=True)


@receiver(post_save, sender=Territory)
@receiver(post_save, sender=Organisation)
def party_changed(sender, instance, created, raw=False, **kwargs):
    """A rename or a new kind reaches the search text and facets of the party's sheets."""
    if created or raw:
        return
    if sender is Organisation:
        indexing.schedule_refresh(cases_of_parties(organisation=instance))
        indexing.relist(cases_of_parties(organisation=instance))
        return
    indexing.relist(cases_of_parties(territory=instance))
    # A région or a département is also a facet value of the sheets of what is placed in it.
    placed = Q(territory=instance) | Q(territory__departements=instance)
    placed |= Q(territory__regions=instance)
    indexing.schedule_refresh(
        Participation.objects.filter(placed).values_list("case_id", flat=True).distinct()
    )


@receiver(m2m_changed, sender=Territory.departements.through)
@receiver(m2m_changed, sender=Territory.regions.through)
def placements_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:  # region.territories_in_region.clear()
        instance._cleared_ids = list(cases_of_parties(**{f"territory__{placed(sender)}": instance}))
    if not action.startswith("post_"):
        return
    if reverse:  # departement.territories_in_departement.add(...): pk_set are the territories
        if pk_set is None:
            indexing.schedule_refresh(getattr(instance, "_cleared_ids", []))
        else:
            indexing.schedule_refresh(cases_of_parties(territory_id__in=pk_set))
    else:
        indexing.schedule_refresh(cases_of_parties(territory=instance))


@receiver(post_save, sender=Instrument)
def instrument_renamed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        indexing.schedule_refresh(instance.uses.values_list("case_id", flat=True))
        indexing.relist(instance.uses.values_list("case_id", flat=True))


def cases_of_theme(theme):
    """Sheets of a theme or of its sub-themes (whose root it is in the facet index)."""
    return CaseStudy.themes.through.objects.filter(
        Q(theme=theme) | Q(theme__parent=theme)
    ).values_list("casestudy_id", flat=True)


@receiver(post_save, sender=Theme)
def theme_changed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        indexing.schedule_refresh(cases_of_theme(instance))
        indexing.relist(cases_of_theme(instance))


@receiver(post_save, sender=CooperationType)
def cooperation_type_renamed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        indexing.schedule_refresh(instance.cases.values_list("pk", flat=True))


@receiver(post_save, sender=SourceDocument)
def source_renamed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        indexing.schedule_refresh(instance.citations.values_list("case_id", flat=True))


@receiver(pre_delete, sender=Theme)
@receiver(pre_delete, sender=CooperationType)
@receiver(pre_delete, sender=Territory)
def vocabulary_deleting(sender, instance, **kwargs):
    """Deleting a theme, a type or a département or région (which others are placed in)
    removes links without m2m signal: note the sheets concerned…"""
    if sender is Theme:
        cases = cases_of_theme(instance)
    elif sender is CooperationType:
        cases = instance.cases.values_list("pk", flat=True)
    else:
        cases = Participation.objects.filter(
            Q(territory__departements=instance) | Q(territory__regions=instance)
        ).values_list("case_id", flat=True)
    instance._sheet_ids = list(cases)


@receiver(post_delete, sender=Theme)
@receiver(post_delete, sender=CooperationType)
@receiver(post_delete, sender=Territory)
def vocabulary_deleted(sender, instance, **kwargs):
    """… and refresh them once the links are gone, in the same transaction."""
    indexing.schedule_refresh(getattr(instance, "_sheet_ids", []))


@receiver(post_save, sender=SearchSynonym)
@receiver(post_delete, sender=SearchSynonym)
def synonyms_changed(sender, raw=False, **kwargs):
    """Searches read the synonym list from the cache, under the generation."""
    if not raw:
        CatalogueGeneration.bump()


def renew_cached_pages(sender, **kwargs):
    """After ``migrate`` (every deployment runs it): pages cached by the previous release,
    with its templates, must not be served by the new one, even from a shared Redis."""
    if sender.name != "casestudies":
        return
    connection = connections[kwargs.get("using", DEFAULT_DB_ALIAS)]
    if CatalogueGeneration._meta.db_table in connection.introspection.table_names():
        CatalogueGeneration.renew_release()  # (absent after « migrate casestudies zero »)


def forget_flushed_sheets(sender, **kwargs):
    """« manage.py flush » empties the sheets without other signal than this one."""
    if sender.name == "casestudies":
        search_index.forget_deleted_sheets(connections[kwargs.get("using", DEFAULT_DB_ALIAS)])


def build_missing_indexes(sender, **kwargs):
    """After ``migrate``: a catalogue whose facet index or « fiches proches » were never built
    (they came with migration 0015) gets them now, with the code and schema of this release."""
    if sender.name != "casestudies":
        return
    connection = connections[kwargs.get("using", DEFAULT_DB_ALIAS)]
    if SimilarCase._meta.db_table not in connection.introspection.table_names():
        return  # (« migrate casestudies zero »)
    sheets = CaseStudy.objects.using(connection.alias)
    if sheets.exists() and not (
        FacetEntry.objects.using(connection.alias).exists()
        and SimilarCase.objects.using(connection.alias).exists()
    ):
        with transaction.atomic(using=connection.alias):
            indexing.rebuild()


post_migrate.connect(renew_cached_pages, dispatch_uid="renew-cached-pages")
post_migrate.connect(build_missing_indexes, dispatch_uid="build-missing-indexes")
post_migrate.connect(forget_flushed_sheets, dispatch_uid="forget-flushed-sheets")


# -- placements closed under containment: the rule is reference.normalise_placements ---------


@receiver(post_save, sender=Territory)
def place_in_itself(sender, instance, raw=False, **kwargs):
    if not raw and instance.kind in ("departement", "region"):
        normalise_placements([instance.pk])


@receiver(m2m_changed, sender=Territory.departements.through)
@receiver(m2m_changed, sender=Territory.regions.through)
def placements_added(sender, instance, action, reverse, pk_set, **kwargs):
    """A territory placed in a département is placed in its région too; a région given to a
    département reaches the territories placed in it."""
    if action == "post_add" and pk_set:
        normalise_placements(pk_set if reverse else [instance.pk])
