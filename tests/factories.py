"""factory_boy factories for the domain model."""

import factory
from django.utils import timezone
from django.utils.text import slugify

from casestudies.models import (
    CaseStudy,
    Citation,
    Instrument,
    InstrumentFamily,
    InstrumentUse,
    Lesson,
    LessonCategory,
    LessonKind,
    Organisation,
    OrganisationKind,
    Participation,
    PublicationStatus,
    Role,
    SourceDocument,
    SourceKind,
    Territory,
    TerritoryKind,
    Theme,
)


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Communauté de communes n° {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = TerritoryKind.COMMUNAUTE_COMMUNES


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association n° {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.ASSOCIATION


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    name = factory.Sequence(lambda n: f"Outil d'essai n° {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    family = InstrumentFamily.CONTRACTUAL


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Thème d'essai n° {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument

    title = factory.Sequence(lambda n: f"Document d'essai n° {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    publisher = "Éditeur d'essai"
    kind = SourceKind.ETUDE
    line_count = 500


class CaseStudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Coopération d'essai n° {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Deux territoires voisins coopèrent sur l'alimentation."
    publication_status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(publication_status=PublicationStatus.DRAFT, published_at=None)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    case = factory.SubFactory(CaseStudyFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = Role.PARTENAIRE


class InstrumentUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentUse

    case = factory.SubFactory(CaseStudyFactory)
    instrument = factory.SubFactory(InstrumentFactory)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    case = factory.SubFactory(CaseStudyFactory)
    source = factory.SubFactory(SourceDocumentFactory)
    line_start = 1
    line_end = 10


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    case = factory.SubFactory(CaseStudyFactory)
    kind = LessonKind.SUCCESS
    category = factory.LazyFunction(lambda: LessonCategory.objects.order_by("number").first())
    text = "Les élus se connaissent et se font confiance."


def complete_case(**kwargs):
    """A published sheet with two parties, an instrument, a theme, a citation and a lesson."""
    case = CaseStudyFactory(**kwargs)
    ParticipationFactory(case=case, role=Role.PORTEUR)
    ParticipationFactory(case=case, territory=None, organisation=OrganisationFactory())
    InstrumentUseFactory(case=case)
    case.themes.add(ThemeFactory())
    CitationFactory(case=case)
    LessonFactory(case=case)
    return case
