"""The database cache table that rate limits count in (CACHES, unless REDIS_URL is set).

`migrate` is the one step every install runs (`make run`, a deployment, the test database), so
the table comes with it. With Redis configured this does nothing; switching back to the
database cache later needs `manage.py createcachetable`.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_alter_generateddocument_kind_reportjob")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
