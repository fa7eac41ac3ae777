from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("estates", "0003_building_builder"),
    ]

    operations = [
        migrations.AddField(
            model_name="property",
            name="desk_phone",
            field=models.CharField(
                blank=True,
                help_text="The number residents call, shown on their pages.",
                max_length=20,
                verbose_name="service desk phone",
            ),
        ),
        migrations.AddField(
            model_name="property",
            name="sign_off_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="A completed repair the customer has neither signed off nor refused within these days is taken as signed off (R2.11); 0: never.",
                verbose_name="days to sign off",
            ),
        ),
    ]
