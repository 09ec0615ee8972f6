"""The finder's rules (/trouver/): which cooperation instruments fit which answers.

Rules are data that editors maintain in the admin and that the content loads
(fixtures/content/05_finder_rules.yaml). A rule has conditions on the answers of the finder's
questionnaire, written one clause per line or separated by « ; »:

    forme = reciprocite
    avec = metropole | petr-pays
    personnalite != oui

« = » holds when the answer is one of the values (for a question with several answers, when
one of them is); « != » when it is none of them (an unanswered question satisfies it). A rule
without conditions always applies. When its conditions hold, it favours instruments (its weight
added to their score, its explanation shown as a reason) or excludes them (shown as why not).
A rule that names an unknown question or answer, that contradicts itself, or that favours and
excludes the same instrument is refused with a French message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

YES_NO = {"oui": _("oui"), "non": _("non")}


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    answers: dict  # value → label; empty: the slugs of the root themes (read from the database)
    multiple: bool = False


QUESTIONS = {
    q.name: q
    for q in (
        Question(
            "nous",
            _("Nous sommes"),
            {
                "commune": _("une commune"),
                "communaute": _("une communauté (de communes, d'agglomération, urbaine)"),
                "metropole": _("une métropole"),
                "petr-pays": _("un PETR ou un Pays"),
                "pnr": _("un parc naturel régional"),
                "pole-metropolitain": _("un pôle métropolitain"),
                "syndicat-mixte": _("un syndicat mixte"),
                "departement": _("un département"),
                "region": _("une région"),
            },
        ),
        Question(
            "avec",
            _("Avec"),
            {
                "communaute": _("une ou plusieurs autres communautés"),
                "metropole": _("une métropole"),
                "petr-pays": _("un PETR ou un Pays"),
                "pnr": _("un parc naturel régional"),
                "commune": _("des communes"),
                "departement-region": _("un département ou une région"),
                "etat": _("l'État ou ses agences"),
                "entreprises": _("des entreprises, coopératives, chambres consulaires"),
                "associations": _("des associations ou fondations"),
                "recherche": _("une université, un organisme de recherche"),
                "etranger": _("des territoires étrangers"),
            },
            multiple=True,
        ),
        Question(
            "distance",
            _("Nos partenaires sont"),
            {"voisins": _("voisins"), "eloignes": _("éloignés")},
        ),
        Question("theme", _("Pour"), {}, multiple=True),
        Question(
            "forme",
            _("Nous cherchons"),
            {
                "echange": _("à échanger et à bâtir une stratégie commune"),
                "projet": _("à mener un projet commun"),
                "service": _("à partager un service ou du personnel"),
                "reciprocite": _("un contrat de réciprocité entre ville et campagne"),
                "structure": _("une structure commune, avec son budget et son personnel"),
            },
        ),
        Question("personnalite", _("Il faut une personne morale"), YES_NO),
        Question("budget", _("Il faut un budget commun"), YES_NO),
        Question("personnel", _("Il faut du personnel commun"), YES_NO),
        Question("prives", _("Des partenaires privés en font partie"), YES_NO),
        Question(
            "duree",
            _("Pour une durée"),
            {"limitee": _("limitée (un projet)"), "durable": _("durable")},
        ),
    )
}


@dataclass(frozen=True)
class Clause:
    question: str
    negated: bool
    values: frozenset

    def holds(self, answers: dict) -> bool:
        given = answers.get(self.question) or set()
        if self.negated:
            return not (given & self.values)
        return bool(given & self.values)


def known_answers(question: Question) -> set:
    if question.answers:
        return set(question.answers)
    from .themes import Theme

    return set(Theme.objects.filter(parent=None).values_list("slug", flat=True))


def read_conditions(text: str) -> list[Clause] | None:
    """The clauses of conditions already validated (what the finder reads at each answer);
    None when a line no longer reads (a question removed since): the rule then never applies,
    rather than applying to everyone."""
    clauses = []
    for raw in text.replace(";", "\n").splitlines():
        if not raw.strip():
            continue
        negated = "!=" in raw
        name, sep, values = raw.partition("!=" if negated else "=")
        if not sep or name.strip() not in QUESTIONS:
            return None
        wanted = frozenset(v.strip() for v in values.split("|") if v.strip())
        clauses.append(Clause(name.strip(), negated, wanted))
    return clauses


def parse_conditions(text: str) -> list[Clause]:
    """The clauses of ``text``; ValidationError (French) for anything unknown or contradictory."""
    clauses, errors = [], []
    for raw in text.replace(";", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        negated = "!=" in line
        name, sep, values = line.partition("!=" if negated else "=")
        name = name.strip()
        if not sep:
            errors.append(_("« %(line)s » : écrivez « question = valeur ».") % {"line": line})
            continue
        question = QUESTIONS.get(name)
        if question is None:
            errors.append(
                _("Question inconnue « %(name)s » (questions : %(known)s).")
                % {"name": name, "known": ", ".join(QUESTIONS)}
            )
            continue
        wanted = {value.strip() for value in values.split("|") if value.strip()}
        unknown = sorted(wanted - known_answers(question))
        if not wanted or unknown:
            errors.append(
                _("« %(line)s » : réponse inconnue %(values)s (réponses : %(known)s).")
                % {
                    "line": line,
                    "values": ", ".join(f"« {v} »" for v in unknown) or "« »",
                    "known": ", ".join(sorted(known_answers(question))),
                }
            )
            continue
        clauses.append(Clause(name, negated, frozenset(wanted)))
    errors += contradictions(clauses)
    if errors:
        raise ValidationError(errors)
    return clauses


def contradictions(clauses: list[Clause]) -> list[str]:
    """Clauses that no answers can satisfy together."""
    problems = []
    for name in dict.fromkeys(clause.question for clause in clauses):
        positive = [c.values for c in clauses if c.question == name and not c.negated]
        excluded = set().union(*(c.values for c in clauses if c.question == name and c.negated))
        if QUESTIONS[name].multiple:
            impossible = any(not (values - excluded) for values in positive)
        else:
            allowed = frozenset.intersection(*positive) if positive else None
            impossible = allowed is not None and not (allowed - excluded)
        if impossible:
            problems.append(
                _("Conditions contradictoires sur « %(name)s » : aucune réponse ne les satisfait.")
                % {"name": name}
            )
    return problems


class FinderRuleQuerySet(models.QuerySet):
    def for_answers(self):
        return self.prefetch_related("favours", "excludes").order_by("position", "pk")


class FinderRule(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom de la règle"), max_length=200)
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_(
            "Une condition par ligne : « question = valeur », « question != valeur », plusieurs "
            "valeurs séparées par « | ». Questions : nous, avec, distance, theme, forme, "
            "personnalite, budget, personnel, prives, duree. Vide : la règle s'applique toujours."
        ),
    )
    favours = models.ManyToManyField(
        "casestudies.Instrument",
        blank=True,
        related_name="+",
        verbose_name=_("outils favorisés"),
    )
    excludes = models.ManyToManyField(
        "casestudies.Instrument",
        blank=True,
        related_name="+",
        verbose_name=_("outils écartés"),
    )
    weight = models.PositiveSmallIntegerField(
        _("poids"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("De 1 à 5 : ce que la règle ajoute au score des outils qu'elle favorise."),
    )
    explanation = models.TextField(
        _("explication montrée"),
        help_text=_("La phrase qui dit pourquoi l'outil convient ou non, en français courant."),
    )
    legal_reference = models.CharField(
        _("référence juridique"),
        max_length=300,
        blank=True,
        help_text=_("Vérifiée sur Légifrance : code et article, loi (numéro et date)."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = FinderRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("règle de l'outil « Trouver »")
        verbose_name_plural = _("règles de l'outil « Trouver »")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=5),
                name="finder_rule_weight_range",
                violation_error_message=_("Le poids d'une règle va de 1 à 5."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            self.clauses()
        except ValidationError as error:
            raise ValidationError({"conditions": error.messages}) from None

    def clauses(self) -> list[Clause]:
        return parse_conditions(self.conditions)

    def applies(self, answers: dict) -> bool:
        clauses = read_conditions(self.conditions)
        return clauses is not None and all(clause.holds(answers) for clause in clauses)

    def clean_relations(self, favours=None, excludes=None):
        """The instruments: at least one, none both favoured and excluded."""
        favours = set(self.favours.all() if favours is None else favours)
        excludes = set(self.excludes.all() if excludes is None else excludes)
        if not favours and not excludes:
            raise ValidationError(_("Une règle favorise ou écarte au moins un outil."))
        both = sorted(str(instrument) for instrument in favours & excludes)
        if both:
            raise ValidationError(
                _("Une règle ne peut pas à la fois favoriser et écarter : %(names)s.")
                % {"names": ", ".join(both)}
            )
