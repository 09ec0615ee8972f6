"""Closed vocabularies of the domain (stored as short codes, shown in French)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    # Collectivités
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    COMMUNE = "commune", _("Commune")
    COLLECTIVITE_SPECIALE = (
        "collectivite-statut-particulier",
        _("Collectivité à statut particulier"),
    )
    # EPCI à fiscalité propre et EPT
    METROPOLE = "metropole", _("Métropole")
    COMMUNAUTE_URBAINE = "communaute-urbaine", _("Communauté urbaine")
    COMMUNAUTE_AGGLOMERATION = "communaute-agglomeration", _("Communauté d'agglomération")
    COMMUNAUTE_COMMUNES = "communaute-communes", _("Communauté de communes")
    EPT = "ept", _("Établissement public territorial")
    # Territoires de projet et syndicats
    PETR = "petr", _("PETR (pôle d'équilibre territorial et rural)")
    PAYS = "pays", _("Pays")
    POLE_METROPOLITAIN = "pole-metropolitain", _("Pôle métropolitain")
    PNR = "pnr", _("Parc naturel régional")
    SYNDICAT_MIXTE = "syndicat-mixte", _("Syndicat mixte")
    # Ailleurs
    ETRANGER = "territoire-etranger", _("Territoire étranger")
    # A set of bodies a source names only collectively (« les EPCI voisins »): not a territory.
    COLLECTIF = "ensemble-de-territoires", _("Ensemble de territoires (désignés collectivement)")
    AUTRE = "autre", _("Autre territoire")


TERRITORY_KIND_GROUPS = {
    _("Collectivités"): [
        TerritoryKind.REGION,
        TerritoryKind.DEPARTEMENT,
        TerritoryKind.COMMUNE,
        TerritoryKind.COLLECTIVITE_SPECIALE,
    ],
    _("EPCI à fiscalité propre et EPT"): [
        TerritoryKind.METROPOLE,
        TerritoryKind.COMMUNAUTE_URBAINE,
        TerritoryKind.COMMUNAUTE_AGGLOMERATION,
        TerritoryKind.COMMUNAUTE_COMMUNES,
        TerritoryKind.EPT,
    ],
    _("Territoires de projet et syndicats"): [
        TerritoryKind.PETR,
        TerritoryKind.PAYS,
        TerritoryKind.POLE_METROPOLITAIN,
        TerritoryKind.PNR,
        TerritoryKind.SYNDICAT_MIXTE,
    ],
    _("Autres"): [TerritoryKind.ETRANGER, TerritoryKind.COLLECTIF, TerritoryKind.AUTRE],
}


class OrganisationKind(models.TextChoices):
    CHAMBRE_AGRICULTURE = "chambre-agriculture", _("Chambre d'agriculture")
    CHAMBRE_COMMERCE = "chambre-commerce-industrie", _("Chambre de commerce et d'industrie")
    CHAMBRE_METIERS = "chambre-metiers", _("Chambre de métiers et de l'artisanat")
    ASSOCIATION = "association", _("Association")
    ENTREPRISE = "entreprise", _("Entreprise")
    COOPERATIVE = "cooperative", _("Coopérative (SCOP, SCIC)")
    CLUSTER = "cluster", _("Cluster, grappe d'entreprises, pôle de compétitivité")
    PTCE = "ptce", _("Pôle territorial de coopération économique (PTCE)")
    GAL = "gal-leader", _("GAL LEADER")
    RECHERCHE = "recherche", _("Université, organisme de recherche")
    ETAT = "etat", _("État et ses agences")
    AGENCE = "agence", _("Agence d'urbanisme ou de développement")
    ETABLISSEMENT_PUBLIC = "etablissement-public", _("Établissement ou entreprise publics locaux")
    FONDATION = "fondation", _("Fondation")
    RESEAU = "reseau", _("Réseau national")
    ENSEIGNEMENT = "enseignement", _("Établissement d'enseignement")
    AUTRE = "autre", _("Autre organisation")


class Role(models.TextChoices):
    PORTEUR = "porteur", _("Porteur")
    COPILOTE = "copilote", _("Copilote")
    PARTENAIRE = "partenaire", _("Partenaire")
    MEMBRE = "membre", _("Membre")
    FINANCEUR = "financeur", _("Financeur")
    APPUI_TECHNIQUE = "appui-technique", _("Appui technique, ingénierie")
    RECHERCHE = "recherche-evaluation", _("Recherche, évaluation")
    AUTRE = "autre", _("Autre rôle")


class InstrumentFamily(models.TextChoices):
    CONTRACTUAL = "contractuel", _("Contractuel")
    CONVENTIONAL = "conventionnel", _("Conventionnel")
    STRUCTURE = "structure", _("Structure")
    PROGRAMME = "programme", _("Programme ou démarche")
    # A sheet whose sources name no tool: a value of its own rather than a guessed instrument.
    NONE = "sans-outil-formel", _("Sans outil formel")


class CooperationStatus(models.TextChoices):
    PLANNED = "en-projet", _("En projet")
    ACTIVE = "active", _("Active")
    ENDED = "achevee", _("Achevée")


class PublicationStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    IN_REVIEW = "a-relire", _("À relire")
    PUBLISHED = "publie", _("Publié")


class LessonKind(models.TextChoices):
    SUCCESS = "reussite", _("Condition de réussite")
    OBSTACLE = "frein", _("Frein ou difficulté")


class SourceKind(models.TextChoices):
    FICHE = "fiche", _("Fiche")
    VADEMECUM = "vademecum", _("Vadémécum")
    ETUDE = "etude", _("Étude")
    MEMENTO = "memento", _("Mémento")
    DIAPORAMA = "diaporama", _("Diaporama")
    AUTRE = "autre", _("Autre")
