"""Shapes of official French identifiers, shared by model fields and database constraints."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

# Regexes are written for both Python's `re` and PostgreSQL's POSIX engine.
SIREN_PATTERN = r"^[0-9]{9}$"
COMMUNE_CODE_PATTERN = r"^([0-9]{5}|2[AB][0-9]{3})$"
DEPARTEMENT_CODE_PATTERN = r"^([0-9]{2}|2[AB]|97[1-8])$"
REGION_CODE_PATTERN = r"^[0-9]{2}$"
# Any of the three INSEE shapes; the per-kind shape is checked by the model and a constraint.
INSEE_CODE_PATTERN = r"^([0-9]{5}|2[AB][0-9]{3}|[0-9]{2}|2[AB]|97[1-8])$"

YEAR_MIN = 1950
YEAR_MAX = 2100

validate_siren = RegexValidator(
    SIREN_PATTERN,
    _("Un numéro SIREN compte exactement 9 chiffres, sans espace (exemple : 200065928)."),
    code="invalid_siren",
)

validate_insee_code = RegexValidator(
    INSEE_CODE_PATTERN,
    _(
        "Code INSEE invalide : 5 caractères pour une commune (63113, 2A004), "
        "2 ou 3 pour un département (63, 2B, 974), 2 chiffres pour une région (84)."
    ),
    code="invalid_insee_code",
)

year_validators = [
    MinValueValidator(YEAR_MIN, _("L'année doit être postérieure ou égale à %(limit_value)s.")),
    MaxValueValidator(YEAR_MAX, _("L'année doit être antérieure ou égale à %(limit_value)s.")),
]
