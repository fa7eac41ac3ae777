"""Foreign keys that lead a composite index lose their own index: the composite serves
their look-ups and the checks of a delete, and each index costs every insert and
update. Only the indexes are dropped (the constraints stay as they are, unchecked
again), which takes a moment however many rows the tables hold."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('estates', '0006_property_labour_and_material_after_warranty'),
        ('repairs', '0005_workorder_misuse_quote_fee_basis'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='workorder',
                    name='property',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='estates.property'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [
                        'DROP INDEX IF EXISTS "repairs_workorder_property_id_b0008d5c"',
                    ],
                    [
                        'CREATE INDEX "repairs_workorder_property_id_b0008d5c" ON "repairs_workorder" ("property_id")',
                    ],
                )
            ],
        )
    ]
