"""Foreign keys that lead a composite index lose their own index: the composite serves
their look-ups and the checks of a delete, and each index costs every insert and
update. Only the indexes are dropped (the constraints stay as they are, unchecked
again), which takes a moment however many rows the tables hold."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('estates', '0006_property_labour_and_material_after_warranty'),
        ('people', '0006_sessions_account_backend'),
        ('tickets', '0012_open_jobs_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='idempotencykey',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='assignee',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_tickets', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='building',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='estates.building'),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='household',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='estates.household'),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='property',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='estates.property'),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='team',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tickets', to='people.team'),
                ),
                migrations.AlterField(
                    model_name='ticket',
                    name='unit',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='estates.unit'),
                ),
                migrations.AlterField(
                    model_name='ticketevent',
                    name='ticket',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='tickets.ticket'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [
                        'DROP INDEX IF EXISTS "tickets_idempotencykey_user_id_527780a5"',
                        'DROP INDEX IF EXISTS "tickets_ticket_assignee_id_3a5aa407"',
                        'DROP INDEX IF EXISTS "tickets_ticket_building_id_d34e80ca"',
                        'DROP INDEX IF EXISTS "tickets_ticket_household_id_8fb2a6da"',
                        'DROP INDEX IF EXISTS "tickets_ticket_property_id_0f8eabe4"',
                        'DROP INDEX IF EXISTS "tickets_ticket_team_id_5a4e7469"',
                        'DROP INDEX IF EXISTS "tickets_ticket_unit_id_1af5ff64"',
                        'DROP INDEX IF EXISTS "tickets_ticketevent_ticket_id_b572d14b"',
                    ],
                    [
                        'CREATE INDEX "tickets_idempotencykey_user_id_527780a5" ON "tickets_idempotencykey" ("user_id")',
                        'CREATE INDEX "tickets_ticket_assignee_id_3a5aa407" ON "tickets_ticket" ("assignee_id")',
                        'CREATE INDEX "tickets_ticket_building_id_d34e80ca" ON "tickets_ticket" ("building_id")',
                        'CREATE INDEX "tickets_ticket_household_id_8fb2a6da" ON "tickets_ticket" ("household_id")',
                        'CREATE INDEX "tickets_ticket_property_id_0f8eabe4" ON "tickets_ticket" ("property_id")',
                        'CREATE INDEX "tickets_ticket_team_id_5a4e7469" ON "tickets_ticket" ("team_id")',
                        'CREATE INDEX "tickets_ticket_unit_id_1af5ff64" ON "tickets_ticket" ("unit_id")',
                        'CREATE INDEX "tickets_ticketevent_ticket_id_b572d14b" ON "tickets_ticketevent" ("ticket_id")',
                    ],
                )
            ],
        )
    ]
