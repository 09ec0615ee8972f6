"""The search vocabulary (typo tolerance on PostgreSQL) replaces the trigram index on the whole
folded text: « search_text %> word » had to recheck nearly every sheet (seconds at 10 000
sheets), whereas a trigram query on the short words of the vocabulary stays a few milliseconds
and the search itself keeps to the GIN index of the search vector."""

from django.db import migrations, models

FORWARDS = [
    "DROP INDEX IF EXISTS casestudy_search_text_trgm",
    "CREATE INDEX IF NOT EXISTS searchword_word_trgm "
    "ON casestudies_searchword USING gin (word gin_trgm_ops)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS searchword_word_trgm",
    "CREATE INDEX IF NOT EXISTS casestudy_search_text_trgm "
    "ON casestudies_casestudy USING gin (search_text gin_trgm_ops)",
]


def run_on_postgresql(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


# As casestudies.search.VOCABULARY_SQL when this migration was written.
FILL = """
    INSERT INTO casestudies_searchword (word)
    SELECT DISTINCT token FROM casestudies_casestudy,
        regexp_split_to_table(search_text, '[^a-z]+') AS token
    WHERE length(token) BETWEEN 4 AND 40
    ON CONFLICT (word) DO NOTHING
"""


def fill_vocabulary(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("casestudies", "0008_closed_placements"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40, unique=True)),
            ],
            options={
                "verbose_name": "mot du vocabulaire de recherche",
                "verbose_name_plural": "vocabulaire de recherche",
            },
        ),
        migrations.RunPython(run_on_postgresql(FORWARDS), run_on_postgresql(BACKWARDS)),
        migrations.RunPython(fill_vocabulary, migrations.RunPython.noop),
    ]
