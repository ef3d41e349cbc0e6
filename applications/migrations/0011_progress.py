"""Application.progress (review.progress): where a post stands in the city's later work, and
StatusCount counted by it too, so that the city's to-do list reads counts instead of every post.
The applications already there get their progress from their records, and are counted again."""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import Count


def fill_progress(apps, schema_editor):
    """Each application's progress from its records, then the counts again (as tally.recount would)."""
    from review.progress import computed

    Application = apps.get_model("applications", "Application")
    StatusCount = apps.get_model("applications", "StatusCount")
    by_progress = defaultdict(list)
    for pk, progress in computed(Application.objects.all(), lambda name: apps.get_model("review", name)).items():
        if progress:
            by_progress[progress].append(pk)
    for progress, pks in by_progress.items():
        Application.objects.filter(pk__in=pks).update(progress=progress)
    _recount(Application, StatusCount)


def _recount(Application, StatusCount):
    grouped = (
        Application.objects.exclude(status="draft")
        .order_by()
        .values("campaign_id", "unit__parent_id", "category", "status", "progress")
        .annotate(n=Count("pk"))
    )
    StatusCount.objects.all().delete()
    StatusCount.objects.bulk_create(
        StatusCount(
            campaign_id=row["campaign_id"],
            body_id=row["unit__parent_id"] or 0,
            category=row["category"],
            status=row["status"],
            progress=row["progress"],
            count=row["n"],
        )
        for row in grouped
    )


def count_without_progress(apps, schema_editor):
    """Back to 0010: one count per (campaign, body, category, status) again, before the constraint
    on those four returns."""
    Application = apps.get_model("applications", "Application")
    StatusCount = apps.get_model("applications", "StatusCount")
    Application.objects.exclude(progress="").update(progress="")
    _recount(Application, StatusCount)
    if schema_editor.connection.vendor == "postgresql":
        # The new rows' foreign-key checks now, not at commit: PostgreSQL alters no table with
        # checks pending, and the constraints are altered next in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_list_order_indexes"),
        ("review", "0002_city_stages"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="progress",
            field=models.CharField(blank=True, default="", editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name="statuscount",
            name="progress",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="城市环节进度"),
        ),
        migrations.RemoveConstraint(model_name="statuscount", name="status_count_unique"),
        migrations.AddConstraint(
            model_name="statuscount",
            constraint=models.UniqueConstraint(
                fields=("campaign", "body", "category", "status", "progress"), name="status_count_unique"
            ),
        ),
        migrations.RunPython(fill_progress, count_without_progress),
    ]
