# Django date format characters: https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
# Day, abbreviated month, year: "2 Dec 2026" reads the same to British and American readers.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
