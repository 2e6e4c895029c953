"""Closed periods and corrections moved here from the accounts app; their tables keep their names (state only)."""

import django.db.models.deletion
import django.utils.timezone
import parkledger.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_audit_append_only_trigger'),
        ('core', '0004_ordering_without_joins'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='PeriodUnlock',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.CharField(help_text='YYYY-MM', max_length=7, validators=[parkledger.core.validators.validate_month], verbose_name='月份')),
                    ('reason', models.TextField(verbose_name='更正原因')),
                    ('unlocked_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='解锁时间')),
                    ('expires_at', models.DateTimeField(verbose_name='到期时间')),
                    ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='提前结束时间')),
                    ('park', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.park', to_field='code', verbose_name='园区')),
                    ('unlocked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='解锁人')),
                    ('user', models.ForeignKey(blank=True, help_text='为空时任何有写权限的用户均可更正', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='限定用户')),
                ],
                options={
                    'verbose_name': '更正解锁',
                    'verbose_name_plural': '更正解锁',
                    'db_table': 'accounts_periodunlock',
                    'ordering': ['-unlocked_at'],
                },
            ),
            migrations.CreateModel(
                name='ClosedPeriod',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.CharField(help_text='YYYY-MM', max_length=7, validators=[parkledger.core.validators.validate_month], verbose_name='月份')),
                    ('closed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='封账时间')),
                    ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                    ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='封账人')),
                    ('park', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.park', to_field='code', verbose_name='园区')),
                ],
                options={
                    'verbose_name': '封账月份',
                    'verbose_name_plural': '封账月份',
                    'db_table': 'accounts_closedperiod',
                    'ordering': ['park', 'month'],
                    'constraints': [models.UniqueConstraint(fields=('park', 'month'), name='accounts_closedperiod_unique_park_month')],
                },
            ),
        ]),
    ]
