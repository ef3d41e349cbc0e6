"""Application.rows_digest: a save whose 岗位负责人 and 曾获荣誉 rows are unchanged writes none of them.
Empty on every existing application: its rows are replaced at its next save, as before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_number_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="rows_digest",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
    ]
