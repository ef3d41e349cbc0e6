"""Fill the holiday table from the chinesecalendar library (the years it knows; admins add later
ones). Reversing leaves the table as it is: an admin's entries are not the migration's to remove."""

from django.db import migrations


def load(apps, schema_editor):
    from gangwei.workdays import load_library_calendar

    load_library_calendar(apps.get_model("gangwei", "CalendarYear"), apps.get_model("gangwei", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("gangwei", "0005_campaign_city_rules_calendar")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
