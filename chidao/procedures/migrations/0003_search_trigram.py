"""A trigram index on the folded search column (PostgreSQL only; nothing on SQLite): see chidao.core.trigram."""

from django.db import migrations

from chidao.core.trigram import trigram_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("procedures", "0002_procedure_procedure_code_ci_unique_and_more")]

    operations = [trigram_index("procedures_procedure", "search_text", "procedure_search_trgm")]
