# Every entry gets the HMAC of its hash under the audit key (keys.py). The entries written before are
# sealed here once, as they stand: their hashes are unchanged (so the import closing entries, which
# digest them, still match), and a break in them stays as visible to audit_verify as it was.

from django.db import migrations, models

from studyportal.audit.keys import audit_key, entry_mac


def seal(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    key = audit_key()
    batch = []
    for entry in AuditEntry.objects.only("seq", "hash").order_by("seq").iterator(chunk_size=2000):
        entry.mac = entry_mac(entry.hash, key)
        batch.append(entry)
        if len(batch) == 2000:
            AuditEntry.objects.bulk_update(batch, ["mac"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["mac"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_i15_recycle_bin_to_activities"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="mac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
