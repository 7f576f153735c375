"""The funding-source vocabulary exists on every database (the secretariat edits it later)."""

from django.db import migrations

FUNDING_SOURCES = [
    ("interreg", "Interreg", "Interreg", "Interreg"),
    ("horizon-europe", "Horizon Europe", "Horizon Europe", "Horizont Europa"),
    (
        "single-market-programme",
        "Single Market Programme",
        "Programme pour le marché unique",
        "Binnenmarktprogramm",
    ),
    (
        "erdf",
        "European Regional Development Fund",
        "Fonds européen de développement régional",
        "Europäischer Fonds für regionale Entwicklung",
    ),
    (
        "national-or-regional-budget",
        "National or regional budget",
        "Budget national ou régional",
        "Nationaler oder regionaler Haushalt",
    ),
    ("other", "Other", "Autre", "Sonstige"),
]


def add_funding_sources(apps, schema_editor):
    FundingSource = apps.get_model("initiatives", "FundingSource")
    for slug, name, name_fr, name_de in FUNDING_SOURCES:
        FundingSource.objects.using(schema_editor.connection.alias).get_or_create(
            slug=slug, defaults={"name": name, "name_fr": name_fr, "name_de": name_de}
        )


def remove_funding_sources(apps, schema_editor):
    FundingSource = apps.get_model("initiatives", "FundingSource")
    FundingSource.objects.using(schema_editor.connection.alias).filter(
        slug__in=[slug for slug, *_names in FUNDING_SOURCES], initiatives__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(add_funding_sources, remove_funding_sources)]
