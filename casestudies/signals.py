"""Keep each sheet's search columns (and SQLite's full-text index) current when the sheet or
what it shows changes, and bump the catalogue generation (the key of cached counts and pages) on
any change to what they show, the synonym list of search included."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from casestudies import search
from casestudies.models import (
    CaseStudy,
    CatalogueGeneration,
    Citation,
    CooperationType,
    Instrument,
    InstrumentUse,
    Lesson,
    LessonCategory,
    Organisation,
    Participation,
    SearchSynonym,
    SourceDocument,
    Territory,
    Theme,
)


@receiver(post_save, sender=CaseStudy)
def case_saved(sender, instance, raw=False, **kwargs):
    if raw:
        # loaddata: the row comes with its search columns, and its relations are loaded
        # afterwards; re-indexing now, from half the relations, would corrupt them. SQLite's
        # index is no column of the row: it is written once the load commits.
        instance._loaded_raw = True
        search.refresh_after_commit([instance.pk])
    else:
        search.schedule_refresh([instance.pk])


@receiver(post_delete, sender=CaseStudy)
def case_deleted(sender, instance, **kwargs):
    search.schedule_refresh([instance.pk])  # its row leaves SQLite's index


@receiver(post_save, sender=Participation)
@receiver(post_delete, sender=Participation)
@receiver(post_save, sender=InstrumentUse)
@receiver(post_delete, sender=InstrumentUse)
def case_child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        search.schedule_refresh([instance.case_id])


@receiver(m2m_changed, sender=CaseStudy.themes.through)
def case_themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") or getattr(instance, "_loaded_raw", False):
        return  # (a sheet being deserialised by loaddata sets its themes: see case_saved)
    if reverse:  # theme.cases.add(...)
        search.schedule_refresh(pk_set or instance.cases.values_list("pk", flat=True))
    else:
        search.schedule_refresh([instance.pk])


@receiver(post_save, sender=Territory)
@receiver(post_save, sender=Organisation)
def party_renamed(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    field = "territory" if sender is Territory else "organisation"
    search.schedule_refresh(
        Participation.objects.filter(**{field: instance}).values_list("case_id", flat=True)
    )


@receiver(post_save, sender=Instrument)
def instrument_renamed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        search.schedule_refresh(instance.uses.values_list("case_id", flat=True))


@receiver(post_save, sender=Theme)
def theme_renamed(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        search.schedule_refresh(instance.cases.values_list("pk", flat=True))


COUNTED = [
    CaseStudy,
    Participation,
    InstrumentUse,
    Citation,
    Territory,
    Organisation,
    Instrument,
    Theme,
    # Shown by cached pages: labels of the list's filters, the lessons page.
    CooperationType,
    SourceDocument,
    Lesson,
    LessonCategory,
    # What a search finds.
    SearchSynonym,
]
COUNTED_RELATIONS = [
    CaseStudy.themes.through,
    CaseStudy.cooperation_types.through,
    Territory.departements.through,
    Territory.regions.through,
    Territory.members.through,
]


def bump_generation(sender, raw=False, **kwargs):
    if not raw:
        CatalogueGeneration.bump()


def bump_on_relation_change(sender, action, **kwargs):
    if action.startswith("post_"):
        CatalogueGeneration.bump()


def renew_cached_pages(sender, **kwargs):
    """After ``migrate`` (every deployment runs it): pages cached by the previous release,
    with its templates, must not be served by the new one, even from a shared Redis."""
    if sender.name != "casestudies":
        return
    connection = connections[kwargs.get("using", DEFAULT_DB_ALIAS)]
    if CatalogueGeneration._meta.db_table in connection.introspection.table_names():
        CatalogueGeneration.bump()  # (absent after « migrate casestudies zero »)


def forget_flushed_sheets(sender, **kwargs):
    """« manage.py flush » empties the sheets without other signal than this one."""
    if sender.name == "casestudies":
        search.forget_deleted_sheets(connections[kwargs.get("using", DEFAULT_DB_ALIAS)])


post_migrate.connect(renew_cached_pages, dispatch_uid="renew-cached-pages")
post_migrate.connect(forget_flushed_sheets, dispatch_uid="forget-flushed-sheets")

for model in COUNTED:
    post_save.connect(bump_generation, sender=model, dispatch_uid=f"bump-{model.__name__}")
    post_delete.connect(bump_generation, sender=model, dispatch_uid=f"bump-del-{model.__name__}")
for through in COUNTED_RELATIONS:
    m2m_changed.connect(bump_on_relation_change, sender=through, dispatch_uid=f"bump-{through}")


# -- placements closed under containment (see reference.normalise_placements) ------------------


@receiver(post_save, sender=Territory)
def place_in_itself(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.kind == "departement":
        instance.departements.add(instance)
    elif instance.kind == "region":
        instance.regions.add(instance)


@receiver(m2m_changed, sender=Territory.departements.through)
def departements_added(sender, instance, action, reverse, pk_set, **kwargs):
    """A territory placed in a département is placed in that département's région too."""
    if action != "post_add" or not pk_set:
        return
    regions = Territory.regions.through.objects
    if reverse:  # departement.territories_in_departement.add(...)
        region_ids = list(
            regions.filter(from_territory=instance).values_list("to_territory", flat=True)
        )
        for territory in Territory.objects.filter(pk__in=pk_set):
            territory.regions.add(*region_ids)
    else:
        region_ids = regions.filter(from_territory_id__in=pk_set).values_list(
            "to_territory", flat=True
        )
        instance.regions.add(*region_ids)


@receiver(m2m_changed, sender=Territory.regions.through)
def departement_regions_added(sender, instance, action, reverse, pk_set, **kwargs):
    """A région given to a département reaches the territories placed in that département."""
    if action != "post_add" or reverse or not pk_set or instance.kind != "departement":
        return
    for territory in Territory.objects.filter(departements=instance).exclude(pk=instance.pk):
        territory.regions.add(*pk_set)
