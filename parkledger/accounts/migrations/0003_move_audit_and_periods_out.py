"""The audit log and closed periods have their own apps now; their tables stay (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('periods', '0001_initial'),
        ('audit', '0001_initial'),
        ('accounts', '0002_audit_append_only_trigger'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='AuditEntry',
            ),
            migrations.RemoveField(
                model_name='periodunlock',
                name='park',
            ),
            migrations.RemoveField(
                model_name='periodunlock',
                name='unlocked_by',
            ),
            migrations.RemoveField(
                model_name='periodunlock',
                name='user',
            ),
            migrations.DeleteModel(
                name='ClosedPeriod',
            ),
            migrations.DeleteModel(
                name='PeriodUnlock',
            ),
        ]),
    ]
