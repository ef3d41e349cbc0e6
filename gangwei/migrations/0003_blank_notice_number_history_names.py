# Written for issue 5 §5: a copied campaign has no notice number yet; history names in Chinese.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gangwei", "0002_choice_constraints"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="historicalcampaign",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "截止时间修改记录",
                "verbose_name_plural": "截止时间修改记录",
            },
        ),
        migrations.AlterModelOptions(
            name="historicaldeadlineextension",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "延期修改记录",
                "verbose_name_plural": "延期修改记录",
            },
        ),
        migrations.AlterField(
            model_name="campaign",
            name="notice_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="通知文号"),
        ),
        migrations.AlterField(
            model_name="historicalcampaign",
            name="notice_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="通知文号"),
        ),
    ]
