"""Keep each sheet's search columns current when the sheet or what it shows changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from casestudies import search
from casestudies.models import (
    CaseStudy,
    Instrument,
    InstrumentUse,
    Organisation,
    Participation,
    Territory,
    Theme,
)


@receiver(post_save, sender=CaseStudy)
def case_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.schedule_refresh([instance.pk])


@receiver(post_save, sender=Participation)
@receiver(post_delete, sender=Participation)
@receiver(post_save, sender=InstrumentUse)
@receiver(post_delete, sender=InstrumentUse)
def case_child_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        search.schedule_refresh([instance.case_id])


@receiver(m2m_changed, sender=CaseStudy.themes.through)
def case_themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
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
