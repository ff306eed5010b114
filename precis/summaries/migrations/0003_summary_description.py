from django.db import migrations, models


def mark_for_rerender(apps, schema_editor):
    """Every summary needs its description: ``manage.py rerender`` fills it, in
    resumable batches, and pages work it out meanwhile (``meta_description``)."""
    apps.get_model("summaries", "Summary").objects.update(renderer_version=0)


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0002_moderation"),
    ]

    operations = [
        migrations.AddField(
            model_name="summary",
            name="description",
            field=models.CharField(blank=True, default="", editable=False, max_length=250),
        ),
        migrations.RunPython(mark_for_rerender, migrations.RunPython.noop),
    ]
