# The recycle-bin proxies moved to the activities app (activities/models/recycle_bin.py), so that
# audit does not import activities. Proxies have no table: nothing but the migration state changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_import_action'),
        ('activities', '0008_i15_recycle_bin'),
    ]

    operations = [
        migrations.DeleteModel(name='DeletedActivity'),
        migrations.DeleteModel(name='DeletedRectificationItem'),
    ]
