# The recycle-bin proxies, moved here from the audit app (see audit 0003_i15). No table changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0007_activity_list_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeletedActivity',
            fields=[],
            options={
                'verbose_name': 'deleted activity',
                'verbose_name_plural': 'deleted activities',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('activities.activity',),
        ),
        migrations.CreateModel(
            name='DeletedRectificationItem',
            fields=[],
            options={
                'verbose_name': 'deleted rectification item',
                'verbose_name_plural': 'deleted rectification items',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('activities.rectificationitem',),
        ),
    ]
