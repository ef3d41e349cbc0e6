"""Indexes in the lists' orders: the 初审 queue (by submission), the city's list and a unit's 我的申报
(by last change, within a campaign), and a campaign's posts in one status. A page then reads its own
rows, not the whole campaign sorted."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_status_count"),
        ("gangwei", "0007_cache_tables"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["campaign", "status"], name="application_campaign_status"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["campaign", "submitted_at", "id"], name="application_queue_order"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["campaign", "updated_at", "id"], name="application_list_order"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["unit", "campaign", "updated_at", "id"], name="application_unit_list_order"),
        ),
    ]
