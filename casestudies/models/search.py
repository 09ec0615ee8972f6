"""The vocabulary of the catalogue's text, for typo-tolerant search on PostgreSQL."""

from django.db import models


class SearchWord(models.Model):
    """A folded word (« gascogne ») found in at least one sheet.

    A search word absent from the vocabulary is probably misspelt: it is matched against these
    short words by trigram similarity (an indexed query on a few thousand rows), and the closest
    ones join the full-text query. Each search stays one query on the GIN index of the search
    vector, whatever the size of the catalogue. Filled by ``casestudies.search.refresh``; a
    word is never removed (a word no sheet holds any more simply finds nothing).
    """

    MAX_LENGTH = 40

    word = models.CharField(max_length=MAX_LENGTH, unique=True)

    class Meta:
        verbose_name = "mot du vocabulaire de recherche"
        verbose_name_plural = "vocabulaire de recherche"

    def __str__(self):
        return self.word
