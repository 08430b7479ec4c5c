"""The outcome categories the Keihin caravan reports, as the defaults an association starts from."""

from django.db import migrations

DEFAULTS = [
    ("課題解決支援", "Problem-solving support"),
    ("助成金等活用支援", "Help with subsidies"),
    ("産学連携", "Industry–academia link"),
    ("受発注支援・企業間マッチング", "Orders and firm-to-firm matching"),
    ("メディア紹介", "Media introduction"),
]


def create_defaults(apps, schema_editor):
    OutcomeCategory = apps.get_model("events", "OutcomeCategory")
    for position, (name, name_en) in enumerate(DEFAULTS, start=1):
        OutcomeCategory.objects.get_or_create(name=name, defaults={"name_en": name_en, "position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
