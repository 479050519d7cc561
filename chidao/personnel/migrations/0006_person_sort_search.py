"""The people list's order carrying the folded search text (PostgreSQL only; nothing on SQLite): see
chidao.core.trigram.covering_index."""

from django.db import migrations

from chidao.core.trigram import covering_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("personnel", "0005_search_trigram")]

    operations = [covering_index("personnel_person", ("sort_key", "id"), ("search_text",), "person_sort_search")]
