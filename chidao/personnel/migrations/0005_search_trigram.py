"""A trigram index on the folded search column (PostgreSQL only; nothing on SQLite): see chidao.core.trigram."""

from django.db import migrations

from chidao.core.trigram import trigram_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("personnel", "0004_position_headcount")]

    operations = [trigram_index("personnel_person", "search_text", "person_search_trgm")]
