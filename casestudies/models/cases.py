"""The case sheet ("fiche") and what hangs off it: parties, instruments, citations, lessons."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casestudies.events import sheets_changed
from casestudies.validators import YEAR_MAX, YEAR_MIN, year_validators

from .choices import (
    CooperationStatus,
    LessonKind,
    OrganisationKind,
    PublicationStatus,
    Role,
    TerritoryKind,
)
from .territories import Territory

# Narrative sections in the order of the model sheet (Terres en villes, Grand Clermont).
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


def new_token() -> int:
    """A random key part: never the key of another sheet's cached card after ids are reused."""
    return secrets.randbits(62) + 1


def year_range_check(field: str, name: str):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": YEAR_MIN, f"{field}__lte": YEAR_MAX}),
        name=name,
        violation_error_message=_("Une année doit être comprise entre 1950 et 2100."),
    )


class CaseStudyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def involving_territory(self, territory):
        return self.filter(
            Exists(Participation.objects.filter(case=OuterRef("pk"), territory=territory))
        )

    def involving_organisation(self, organisation):
        return self.filter(
            Exists(Participation.objects.filter(case=OuterRef("pk"), organisation=organisation))
        )

    def for_cards(self):
        """What a sheet's card shows (parties with their kinds and régions, instruments,
        themes), in a fixed number of queries."""
        return self.prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related(
                    "territory", "organisation"
                ).prefetch_related(
                    Prefetch("territory__regions", queryset=Territory.objects.only("name"))
                ),
            ),
            Prefetch(
                "instrument_uses", queryset=InstrumentUse.objects.select_related("instrument")
            ),
            "themes",
        )

    def with_related(self):
        """Everything the sheet page and the exports show, in a fixed number of queries."""
        return self.for_cards().prefetch_related(
            "cooperation_types",
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
            Prefetch("lessons", queryset=Lesson.objects.select_related("category")),
        )

    def publish(self):
        """Publish in one UPDATE, keeping the date of a first publication."""
        return self._update_and_bump(
            publication_status=PublicationStatus.PUBLISHED,
            published_at=Coalesce(F("published_at"), timezone.now()),
            last_reviewed_at=timezone.now(),
            updated_at=timezone.now(),
            version=F("version") + 1,
        )

    def submit_for_review(self):
        """Drafts of the selection go to review (« à relire »); other statuses are left alone."""
        return self.filter(publication_status=PublicationStatus.DRAFT)._update_and_bump(
            publication_status=PublicationStatus.IN_REVIEW,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )

    def stale(self, days: int):
        """Published sheets not reviewed for ``days`` days (or never)."""
        limit = timezone.now() - timedelta(days=days)
        return self.published().filter(
            Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=limit)
        )

    def mark_reviewed(self):
        """« Relue » today: no count changes, nothing to re-index."""
        return self.update(last_reviewed_at=timezone.now())

    def unpublish(self):
        return self._update_and_bump(
            publication_status=PublicationStatus.DRAFT,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )

    def _update_and_bump(self, **values):
        # UPDATE sends no model signal: what is derived from the sheets (counters, search,
        # « fiches proches », cached pages) is refreshed here, in the same transaction.
        with transaction.atomic():
            ids = list(self.values_list("pk", flat=True))
            count = self.model.objects.filter(pk__in=ids).update(**values)
            sheets_changed.send(sender=self.model, ids=ids)
        return count


class CaseStudy(models.Model):
    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant d'URL"), max_length=200, unique=True)
    summary = models.TextField(
        _("chapeau"), help_text=_("Pourquoi ce cas mérite d'être lu, en 2 à 4 phrases.")
    )
    territory_context = models.TextField(_("le territoire et son organisation"), blank=True)
    history = models.TextField(_("historique de la coopération"), blank=True)
    objectives = models.TextField(_("orientations et objectifs"), blank=True)
    actions = models.TextField(_("actions menées"), blank=True)
    governance = models.TextField(_("gouvernance"), blank=True)
    means = models.TextField(_("moyens humains et financiers"), blank=True)
    commentary = models.TextField(
        _("commentaire"), blank=True, help_text=_("L'analyse propre à la source.")
    )
    further_info = models.TextField(_("pour en savoir plus"), blank=True)
    bibliography = models.TextField(_("bibliographie"), blank=True)
    editorial_note = models.TextField(
        _("note de la rédaction"),
        blank=True,
        help_text=_("Ambiguïtés ou contradictions de la source, et comment la fiche les traite."),
    )

    themes = models.ManyToManyField(
        "casestudies.Theme", related_name="cases", verbose_name=_("thématiques")
    )
    cooperation_types = models.ManyToManyField(
        "casestudies.CooperationType",
        related_name="cases",
        blank=True,
        verbose_name=_("types de coopération"),
    )
    instruments = models.ManyToManyField(
        "casestudies.Instrument",
        through="casestudies.InstrumentUse",
        related_name="cases",
        verbose_name=_("outils de coopération"),
    )
    start_year = models.PositiveSmallIntegerField(
        _("année de début"), null=True, blank=True, validators=year_validators, db_index=True
    )
    end_year = models.PositiveSmallIntegerField(
        _("année de fin"), null=True, blank=True, validators=year_validators
    )
    cooperation_status = models.CharField(
        _("état de la coopération"),
        max_length=20,
        choices=CooperationStatus.choices,
        blank=True,
        db_index=True,
        help_text=_("Laisser vide si la source ne permet pas de le dire."),
    )
    publication_status = models.CharField(
        _("statut de publication"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    # Set by each publication and by « Marquer comme relue » (admin): sheets not reviewed for
    # STALE_AFTER_DAYS are flagged « à revoir » in the admin.
    last_reviewed_at = models.DateTimeField(_("relue le"), null=True, blank=True, db_index=True)
    # What alerts send again (alerts/digest.py): a change of substance, not a correction.
    major_update_at = models.DateTimeField(
        _("dernière mise à jour importante"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "À renseigner quand une mise à jour change le fond de la fiche (nouvelle étape, "
            "nouveaux partenaires, bilan) : les abonnés aux alertes la reçoivent à nouveau. "
            "Pas pour une correction."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("modifiée par"),
    )
    monograph = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="detailed_cases",
        verbose_name=_("monographie du territoire"),
        help_text=_(
            "La fiche qui présente le territoire dans son ensemble, quand celle-ci détaille une "
            "coopération qui s'y déroule."
        ),
    )
    # Optimistic locking: the admin refuses a save based on an older version.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Search columns, derived from the sheet and its relations (see casestudies/search.py).
    search_title = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # Renewed (a random token) whenever the sheet or anything it shows changes
    # (indexing.refresh): the key of its card's cached HTML.
    derived_token = models.BigIntegerField(default=new_token, editable=False)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche de cas")
        verbose_name_plural = _("fiches de cas")
        ordering = ["title"]
        constraints = [
            year_range_check("start_year", "case_start_year_plausible"),
            year_range_check("end_year", "case_end_year_plausible"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="case_ends_after_it_starts",
                violation_error_message=_("L'année de fin précède l'année de début."),
            ),
            models.CheckConstraint(
                condition=~Q(publication_status=PublicationStatus.PUBLISHED)
                | Q(published_at__isnull=False),
                name="case_published_has_date",
                violation_error_message=_("Une fiche publiée doit avoir une date de publication."),
            ),
        ]
        # The latest sheets (list and home, ordered by -published_at, -id): a unique order that
        # the index serves without sorting.
        indexes = [
            models.Index(
                fields=["publication_status", "-published_at", "-id"], name="case_latest_published"
            ),
            # « Titre (A → Z) » without sorting the whole catalogue.
            models.Index(fields=["publication_status", "title", "id"], name="case_title_order"),
        ]
        permissions = [("publish_casestudy", _("Peut publier et dépublier les fiches"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.publication_status == PublicationStatus.PUBLISHED:
            self.published_at = self.published_at or timezone.now()
            self.last_reviewed_at = self.last_reviewed_at or self.published_at
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("casestudies:case-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    def sections(self):
        """(label, text) of the non-empty narrative sections, in the model sheet's order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in SECTION_FIELDS
            if getattr(self, name).strip()
        ]

    def narrative(self):
        """The non-empty narrative sections as (field name, label, text), without the editorial
        note (shown apart, as methodological notes)."""
        return [
            (name, self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in SECTION_FIELDS
            if name != "editorial_note" and getattr(self, name).strip()
        ]

    # -- what cards and the sheet page show about the parties (uses with_related()) -----------
    def partner_kinds(self) -> list[str]:
        """The kinds of the parties, each once, in the order of the parties."""
        kinds = [str(p.party_kind_display) for p in self.participations.all() if p.party]
        return list(dict.fromkeys(kinds))

    def regions(self) -> list[str]:
        """The régions of the territories taking part, each once, by name."""
        names = {
            region.name
            for participation in self.participations.all()
            if participation.territory_id
            and participation.territory.kind != TerritoryKind.COLLECTIF
            for region in participation.territory.regions.all()
        }
        return sorted(names)

    def lessons_of(self, kind) -> list:
        return [lesson for lesson in self.lessons.all() if lesson.kind == kind]

    def successes(self):
        return self.lessons_of(LessonKind.SUCCESS)

    def obstacles(self):
        return self.lessons_of(LessonKind.OBSTACLE)


class Participation(models.Model):
    """A party (territory or organisation) taking part in a case, with its role."""

    case = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="participations", verbose_name=_("fiche")
    )
    territory = models.ForeignKey(
        "casestudies.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("territoire"),
    )
    organisation = models.ForeignKey(
        "casestudies.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    note = models.CharField(_("précision"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("partie prenante")
        verbose_name_plural = _("parties prenantes")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(territory__isnull=False, organisation__isnull=True)
                | Q(territory__isnull=True, organisation__isnull=False),
                name="participation_exactly_one_party",
                violation_error_message=_(
                    "Choisissez soit un territoire, soit une organisation (un seul des deux)."
                ),
            ),
            # NULLs are distinct, so each constraint only bites for its kind of party.
            models.UniqueConstraint(
                fields=["case", "territory", "role"],
                name="participation_unique_territory_role",
                violation_error_message=_("Ce territoire figure déjà avec ce rôle dans la fiche."),
            ),
            models.UniqueConstraint(
                fields=["case", "organisation", "role"],
                name="participation_unique_organisation_role",
                violation_error_message=_(
                    "Cette organisation figure déjà avec ce rôle dans la fiche."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.party} — {self.get_role_display()}"

    @property
    def party(self):
        return self.territory or self.organisation

    @property
    def party_kind_display(self):
        # The label from the enumeration: get_kind_display() rebuilds the field's flattened
        # choices at every call (five times per card of the list).
        party = self.party
        if party is None:
            return ""
        kinds = TerritoryKind if self.territory_id else OrganisationKind
        return kinds(party.kind).label if party.kind in kinds.values else party.kind


class InstrumentUse(models.Model):
    case = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="instrument_uses", verbose_name=_("fiche")
    )
    instrument = models.ForeignKey(
        "casestudies.Instrument",
        on_delete=models.PROTECT,
        related_name="uses",
        verbose_name=_("outil"),
    )
    signature_year = models.PositiveSmallIntegerField(
        _("année de signature ou de création"), null=True, blank=True, validators=year_validators
    )
    note = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outil mobilisé")
        verbose_name_plural = _("outils mobilisés")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "instrument"],
                name="instrument_use_unique",
                violation_error_message=_("Cet outil figure déjà dans la fiche."),
            ),
            year_range_check("signature_year", "instrument_use_year_plausible"),
        ]

    def __str__(self):
        return str(self.instrument)


class Citation(models.Model):
    """Where in a source document the facts of a sheet come from."""

    case = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="citations", verbose_name=_("fiche")
    )
    source = models.ForeignKey(
        "casestudies.SourceDocument",
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("document source"),
    )
    line_start = models.PositiveIntegerField(_("de la ligne"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("à la ligne"), null=True, blank=True)
    pages = models.CharField(_("pages"), max_length=50, blank=True)
    note = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("citation de source")
        verbose_name_plural = _("citations de sources")
        ordering = ["source__reference", "line_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(line_start__isnull=True)
                | Q(line_end__isnull=True)
                | Q(line_end__gte=F("line_start")),
                name="citation_line_range_ordered",
                violation_error_message=_("La ligne de fin précède la ligne de début."),
            ),
            models.CheckConstraint(
                condition=Q(line_start__isnull=True) | Q(line_start__gte=1),
                name="citation_line_start_positive",
                violation_error_message=_("Les lignes sont numérotées à partir de 1."),
            ),
        ]

    def __str__(self):
        return f"{self.source} — {self.location}"

    @property
    def location(self):
        if self.line_start and self.line_end and self.line_end != self.line_start:
            return _("lignes %(start)s à %(end)s") % {
                "start": self.line_start,
                "end": self.line_end,
            }
        if self.line_start:
            return _("ligne %(line)s") % {"line": self.line_start}
        if self.pages:
            return _("pages %(pages)s") % {"pages": self.pages}
        return ""


class Lesson(models.Model):
    """One success factor or obstacle of a case, categorised."""

    case = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("fiche")
    )
    kind = models.CharField(_("nature"), max_length=10, choices=LessonKind.choices)
    category = models.ForeignKey(
        "casestudies.LessonCategory",
        on_delete=models.PROTECT,
        related_name="lessons",
        verbose_name=_("catégorie"),
    )
    text = models.TextField(_("enseignement"))
    inferred = models.BooleanField(
        _("déduit par la rédaction"),
        default=False,
        help_text=_(
            "À cocher quand la source n'énonce pas cet enseignement et que la rédaction le déduit "
            "des faits qu'elle rapporte."
        ),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("enseignement")
        verbose_name_plural = _("enseignements")
        ordering = ["kind", "position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.text[:60]}"


class CaseRedirect(models.Model):
    """A former address of a sheet (merged or renamed): it answers with a permanent redirect."""

    old_slug = models.SlugField(_("ancien identifiant d'URL"), max_length=200, unique=True)
    case = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("fiche")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("ancienne adresse")
        verbose_name_plural = _("anciennes adresses")
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.case.slug}"
