"""The 申报编号 counter per (campaign, 初审 body), seeded from the numbers already given."""

import django.db.models.deletion
from django.db import migrations, models


def seed_counters(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    NumberCounter = apps.get_model("applications", "NumberCounter")
    highest: dict[tuple[int, int], int] = {}
    numbered = Application.objects.exclude(number="").values_list("campaign_id", "unit__parent_id", "number")
    for campaign_id, body_id, number in numbered.iterator():
        if body_id is None:
            continue
        try:
            sequence = int(number.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            continue
        key = (campaign_id, body_id)
        highest[key] = max(highest.get(key, 0), sequence)
    NumberCounter.objects.bulk_create(
        NumberCounter(campaign_id=campaign_id, body_id=body_id, last=last)
        for (campaign_id, body_id), last in highest.items()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0006_message_city_kinds"),
        ("gangwei", "0006_load_holiday_calendar"),
    ]

    operations = [
        migrations.CreateModel(
            name="NumberCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="已用到的序号")),
                (
                    "body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="gangwei.organisation",
                        verbose_name="初审单位",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="gangwei.campaign",
                        verbose_name="创建年度",
                    ),
                ),
            ],
            options={
                "verbose_name": "申报编号计数",
                "verbose_name_plural": "申报编号计数",
                "constraints": [
                    models.UniqueConstraint(fields=("campaign", "body"), name="number_counter_unique_campaign_body")
                ],
            },
        ),
        migrations.RunPython(seed_counters, migrations.RunPython.noop),
    ]
