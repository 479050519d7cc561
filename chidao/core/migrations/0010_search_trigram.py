"""A trigram index on the folded search column (PostgreSQL only; nothing on SQLite): see chidao.core.trigram."""

from django.db import migrations

from chidao.core.trigram import trigram_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("core", "0009_outgoing_register")]

    operations = [trigram_index("core_outgoingdocument", "search_text", "outgoingdocument_search_trgm")]
