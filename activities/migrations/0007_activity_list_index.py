from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_summary_rows"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["-date", "-id"],
                name="activity_list_order",
                condition=models.Q(deleted_at__isnull=True),
            ),
        ),
    ]
