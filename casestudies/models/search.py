"""What search knows beyond the sheets: their vocabulary (typos) and the field's synonyms."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casestudies.text import tokens


class SearchWord(models.Model):
    """A folded word (« gascogne ») found in at least one sheet.

    A search word absent from the vocabulary is probably misspelt: it is matched against these
    short words by trigram similarity (an indexed query on a few thousand rows), and the closest
    ones join the full-text query. Each search stays one query on the GIN index of the search
    vector, whatever the size of the catalogue. Filled by ``casestudies.search_index.refresh``; a
    word is never removed (a word no sheet holds any more simply finds nothing).
    """

    MAX_LENGTH = 40

    word = models.CharField(max_length=MAX_LENGTH, unique=True)

    class Meta:
        verbose_name = "mot du vocabulaire de recherche"
        verbose_name_plural = "vocabulaire de recherche"

    def __str__(self):
        return self.word


class SearchSynonymQuerySet(models.QuerySet):
    def groups(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """Every group as its expressions' folded tokens, for ``search_query.Synonyms``."""
        return tuple(
            synonym.expression_tokens() for synonym in self.order_by("pk") if synonym.expressions
        )


class SearchSynonym(models.Model):
    """A group of equivalent expressions of the field: an acronym and its full name, variants.

    A search for any of them searches them all, on both engines (« PAT » finds the sheets that
    say « projet alimentaire territorial », and the other way round). An expression of one word
    is matched exactly: « PAT » never finds « patrimoine ». The staff keep the list current in
    the administration; migration 0013 seeds it with the field's vocabulary.
    """

    MAX_EXPRESSIONS = 12
    MAX_WORDS = 8

    label = models.CharField(
        _("libellé"),
        max_length=120,
        unique=True,
        help_text=_("Pour retrouver le groupe dans la liste : « PAT — projet alimentaire »."),
    )
    expressions = models.TextField(
        _("expressions équivalentes"),
        help_text=_(
            "Une expression par ligne : le sigle, le nom développé, leurs variantes. Accents, "
            "majuscules et traits d'union sont sans effet "
            "(« ville-campagne » = « ville campagne »)."
        ),
    )

    objects = SearchSynonymQuerySet.as_manager()

    class Meta:
        verbose_name = _("synonyme de recherche")
        verbose_name_plural = _("synonymes de recherche")
        ordering = ["label"]

    def __str__(self):
        return self.label

    def lines(self) -> list[str]:
        return [line.strip() for line in self.expressions.splitlines() if line.strip()]

    def expression_tokens(self) -> tuple[tuple[str, ...], ...]:
        """The distinct expressions as folded tokens, in the order of the list."""
        return tuple(dict.fromkeys(found for line in self.lines() if (found := tokens(line))))

    def clean(self):
        super().clean()
        lines = self.lines()
        for line in lines:
            if not 1 <= len(tokens(line)) <= self.MAX_WORDS:
                raise ValidationError(
                    {
                        "expressions": _(
                            "Chaque ligne compte d'un à %(n)s mots : « %(line)s » ne convient pas."
                        )
                        % {"n": self.MAX_WORDS, "line": line}
                    }
                )
        found = self.expression_tokens()
        if not 2 <= len(found) <= self.MAX_EXPRESSIONS:
            raise ValidationError(
                {
                    "expressions": _(
                        "Un groupe réunit au moins deux expressions différentes, au plus %(n)s."
                    )
                    % {"n": self.MAX_EXPRESSIONS}
                }
            )
        elsewhere = {
            expression: other.label
            for other in SearchSynonym.objects.exclude(pk=self.pk)
            for expression in other.expression_tokens()
        }
        for line in lines:
            if tokens(line) in elsewhere:
                raise ValidationError(
                    {
                        "expressions": _(
                            "« %(line)s » figure déjà dans le groupe « %(label)s » : une "
                            "expression n'appartient qu'à un groupe."
                        )
                        % {"line": line, "label": elsewhere[tokens(line)]}
                    }
                )
