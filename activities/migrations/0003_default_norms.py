# The default norms of docs/design.md §5, as data the admin may edit afterwards in Django admin.

from django.db import migrations

REGULATION = "《中国共产党支部工作条例（试行）》(2018)"
LOCAL = "本地惯例（县直机关工委）"

# kind, kinds_also, scope, period, minimum, only_secretary_speaker, source, is_local
DEFAULT_NORMS = [
    ("branch_assembly", "", "branch", "quarter", 1, False, REGULATION, False),
    ("branch_committee", "", "branch", "month", 1, False, REGULATION, False),
    ("party_group_meeting", "", "branch", "month", 1, False, REGULATION, False),
    ("theme_party_day", "", "branch", "month", 1, False, REGULATION, False),
    ("party_lecture", "", "branch", "year", 1, True, REGULATION, False),
    ("party_lecture", "", "branch", "quarter", 1, False, LOCAL, True),
    ("central_group_study", "central_group_seminar", "agency", "quarter", 1, False, LOCAL, True),
    ("central_group_study", "central_group_seminar", "agency", "year", 12, False, LOCAL, True),
]
FIELDS = ("kind", "kinds_also", "scope", "period", "minimum", "only_secretary_speaker", "source", "is_local")


def add_default_norms(apps, schema_editor):
    Norm = apps.get_model("activities", "Norm")
    for row in DEFAULT_NORMS:
        values = dict(zip(FIELDS, row))
        lookup = {key: values[key] for key in ("kind", "scope", "period", "only_secretary_speaker")}
        Norm.objects.get_or_create(**lookup, defaults=values)


def remove_default_norms(apps, schema_editor):
    Norm = apps.get_model("activities", "Norm")
    for row in DEFAULT_NORMS:
        values = dict(zip(FIELDS, row))
        Norm.objects.filter(**values).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_month_stats"),
    ]

    operations = [
        migrations.RunPython(add_default_norms, remove_default_norms),
    ]
