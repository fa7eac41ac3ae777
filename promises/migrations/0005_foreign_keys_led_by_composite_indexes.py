"""Foreign keys that lead a composite index lose their own index: the composite serves
their look-ups and the checks of a delete, and each index costs every insert and
update. Only the indexes are dropped (the constraints stay as they are, unchecked
again), which takes a moment however many rows the tables hold."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('estates', '0006_property_labour_and_material_after_warranty'),
        ('promises', '0004_role_administrator'),
        ('tickets', '0012_open_jobs_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='deadline',
                    name='property',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='estates.property'),
                ),
                migrations.AlterField(
                    model_name='deadline',
                    name='ticket',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='deadlines', to='tickets.ticket'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [
                        'DROP INDEX IF EXISTS "promises_deadline_property_id_42ebd4fc"',
                        'DROP INDEX IF EXISTS "promises_deadline_ticket_id_c8d2dd5c"',
                    ],
                    [
                        'CREATE INDEX "promises_deadline_property_id_42ebd4fc" ON "promises_deadline" ("property_id")',
                        'CREATE INDEX "promises_deadline_ticket_id_c8d2dd5c" ON "promises_deadline" ("ticket_id")',
                    ],
                )
            ],
        )
    ]
