"""The audit log's model moved here from the accounts app; its table keeps its name (state only)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_audit_append_only_trigger'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='AuditEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('seq', models.BigIntegerField(unique=True, verbose_name='序号')),
                    ('time', models.DateTimeField(db_index=True, verbose_name='时间')),
                    ('user_id', models.BigIntegerField(blank=True, null=True, verbose_name='用户ID')),
                    ('username', models.CharField(db_index=True, max_length=150, verbose_name='用户')),
                    ('ip', models.CharField(blank=True, max_length=45, verbose_name='IP地址')),
                    ('action', models.CharField(choices=[('create', '新增'), ('change', '修改'), ('delete', '删除'), ('login', '登录'), ('login_failed', '登录失败'), ('lockout', '账户锁定'), ('account_unlock', '账户解锁'), ('logout', '退出'), ('session_timeout', '会话超时'), ('password_change', '修改密码'), ('password_reset', '重置密码'), ('totp_enrol', '启用动态口令'), ('totp_reset', '重置动态口令'), ('account_create', '创建账户'), ('account_disable', '停用账户'), ('perm_grant', '授权'), ('perm_revoke', '撤销授权'), ('perm_denied', '越权访问'), ('export', '导出'), ('import', '导入'), ('report_issue', '签发报告'), ('period_close', '封账'), ('period_reopen', '取消封账'), ('period_unlock', '更正解锁'), ('period_refused', '封账期拒绝修改'), ('audit_export', '导出审计日志'), ('audit_purge', '清理过期审计日志'), ('backup', '备份'), ('restore', '恢复'), ('other', '其他')], db_index=True, max_length=32, verbose_name='事件')),
                    ('object_kind', models.CharField(blank=True, max_length=64, verbose_name='对象类型')),
                    ('object_pk', models.CharField(blank=True, max_length=64, verbose_name='对象ID')),
                    ('natural_key', models.CharField(blank=True, max_length=255, verbose_name='对象标识')),
                    ('result', models.CharField(choices=[('success', '成功'), ('failure', '失败'), ('denied', '拒绝')], default='success', max_length=16, verbose_name='结果')),
                    ('before', models.JSONField(blank=True, null=True, verbose_name='修改前')),
                    ('after', models.JSONField(blank=True, null=True, verbose_name='修改后')),
                    ('detail', models.JSONField(blank=True, null=True, verbose_name='详情')),
                    ('prev_hash', models.CharField(max_length=64, verbose_name='前一条哈希')),
                    ('hash', models.CharField(max_length=64, unique=True, verbose_name='哈希')),
                ],
                options={
                    'verbose_name': '审计日志',
                    'verbose_name_plural': '审计日志',
                    'db_table': 'accounts_auditentry',
                    'ordering': ['seq'],
                    'indexes': [models.Index(fields=['object_kind', 'object_pk'], name='accounts_audit_object')],
                },
            ),
        ]),
    ]
