"""A trigram index on the folded search column (PostgreSQL only; nothing on SQLite): see chidao.core.trigram."""

from django.db import migrations

from chidao.core.trigram import trigram_index


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [("programs", "0006_attachment_signature_check")]

    operations = [trigram_index("programs_deliverable", "search_text", "deliverable_search_trgm")]
