"""StatusCount (applications.tally): the applications of each campaign counted by 初审 body, category
and status, so that the lists and the city's home read a few rows instead of counting them all. The
applications already there are counted here."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def count_existing(apps, schema_editor):
    """The applications already there, counted as applications.tally.recount would."""
    Application = apps.get_model("applications", "Application")
    StatusCount = apps.get_model("applications", "StatusCount")
    grouped = (
        Application.objects.exclude(status="draft")
        .order_by()
        .values("campaign_id", "unit__parent_id", "category", "status")
        .annotate(n=Count("pk"))
    )
    StatusCount.objects.bulk_create(
        StatusCount(
            campaign_id=row["campaign_id"],
            body_id=row["unit__parent_id"] or 0,
            category=row["category"],
            status=row["status"],
            count=row["n"],
        )
        for row in grouped
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_rows_digest"),
        ("gangwei", "0007_cache_tables"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("category", models.CharField(blank=True, max_length=20, verbose_name="创建对象类别")),
                ("status", models.CharField(max_length=20, verbose_name="状态")),
                ("count", models.IntegerField(default=0, verbose_name="份数")),
                (
                    "body",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="gangwei.organisation",
                        verbose_name="初审单位",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="gangwei.campaign"
                    ),
                ),
            ],
            options={
                "verbose_name": "申报表计数",
                "verbose_name_plural": "申报表计数",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "body", "category", "status"), name="status_count_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
