"""Django's own date display (admin lists, {{ moment }} in a template) in the site's one format,
gangwei.dates: 2020年9月20日 23:59:59, seconds always. Input formats stay Django's zh_Hans ones."""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i:s"
DATETIME_FORMAT = "Y年n月j日 H:i:s"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i:s"
MONTH_DAY_FORMAT = "n月j日"
