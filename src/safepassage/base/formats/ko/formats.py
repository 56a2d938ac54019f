# Django date format characters: https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
DATE_FORMAT = "Y년 n월 j일"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y년 n월 j일 H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y년 n월"
MONTH_DAY_FORMAT = "n월 j일"
