"""The catalogue's domain model, one module per family of records."""

from .cases import CaseRedirect, CaseStudy, Citation, InstrumentUse, Lesson, Participation
from .choices import (
    CooperationStatus,
    InstrumentFamily,
    LessonKind,
    OrganisationKind,
    PublicationStatus,
    Role,
    SourceKind,
    TerritoryKind,
)
from .facets import FacetCount, FacetEntry, SimilarCase
from .finder import FinderRule
from .generation import CatalogueGeneration
from .instruments import Instrument
from .links import LinkCheck
from .loaded import LoadedContent
from .organisations import Organisation
from .pending import PendingRevision, PendingStatus
from .reference import EpciType, ReferenceArea, ReferenceKind
from .search import SearchSynonym, SearchWord
from .sources import SourceDocument
from .territories import Territory
from .themes import CooperationType, LessonCategory, Theme

__all__ = [
    "CaseRedirect",
    "CaseStudy",
    "CatalogueGeneration",
    "Citation",
    "CooperationStatus",
    "CooperationType",
    "EpciType",
    "FacetCount",
    "FacetEntry",
    "FinderRule",
    "Instrument",
    "InstrumentFamily",
    "InstrumentUse",
    "Lesson",
    "LessonCategory",
    "LessonKind",
    "LinkCheck",
    "LoadedContent",
    "Organisation",
    "OrganisationKind",
    "Participation",
    "PendingRevision",
    "PendingStatus",
    "PublicationStatus",
    "ReferenceArea",
    "ReferenceKind",
    "Role",
    "SearchSynonym",
    "SearchWord",
    "SimilarCase",
    "SourceDocument",
    "SourceKind",
    "Territory",
    "TerritoryKind",
    "Theme",
]
