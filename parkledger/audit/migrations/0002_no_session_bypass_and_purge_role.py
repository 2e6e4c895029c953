"""No session setting lets anyone change or delete audit entries on PostgreSQL; the retention
purge deletes through a SECURITY DEFINER function owned by a role of its own.

Before: the append-only trigger let a DELETE through whenever the session had set
`parkledger.audit_purge = 'on'`, which anyone with SQL access can do. Now the trigger refuses
UPDATE and DELETE for every role but `parkledger_audit_purger`, a role nobody logs in as
(NOLOGIN) and no login role is a member of. The only way to act as it is the function
`parkledger_audit_purge(first_kept bigint)`, which it owns (SECURITY DEFINER, fixed
search_path): it deletes the entries before `first_kept` and refuses when any of them is
younger than 180 days. `parkledger audit purge` calls it and then appends the MAC'd checkpoint;
a direct call without the key leaves no valid checkpoint, which `audit verify` reports.

The role is created here when the migrating role is a superuser (a development or test
database). Otherwise the function is created owned by the migrating role, so the trigger
refuses the purge, and a superuser finishes the set-up once (README, "审计日志"):

    CREATE ROLE parkledger_audit_purger NOLOGIN;
    GRANT USAGE ON SCHEMA public TO parkledger_audit_purger;
    GRANT SELECT, DELETE ON accounts_auditentry TO parkledger_audit_purger;
    ALTER FUNCTION parkledger_audit_purge(bigint) OWNER TO parkledger_audit_purger;

(A role with CREATEROLE could make itself a member of any role on PostgreSQL 15, so the
application's role should have neither SUPERUSER nor CREATEROLE.) The table's owner can still
disable the trigger or TRUNCATE (test databases are emptied that way): what protects the log
against its owner is the MAC chain and the anchors outside the database.
"""
import logging

from django.db import migrations, models

PURGER = "parkledger_audit_purger"
log = logging.getLogger(__name__)

TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION accounts_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = '{PURGER}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""

OLD_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION accounts_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('parkledger.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def purge_function(schema: str) -> str:
    table = f'"{schema}".accounts_auditentry'
    return f"""
CREATE OR REPLACE FUNCTION "{schema}".parkledger_audit_purge(first_kept bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    deleted bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM {table} WHERE seq < first_kept AND "time" >= now() - interval '180 days') THEN
        RAISE EXCEPTION 'audit purge refused: entries before #% are younger than 180 days', first_kept;
    END IF;
    DELETE FROM {table} WHERE seq < first_kept;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
        schema, superuser = cursor.fetchone()
        cursor.execute(TRIGGER_FUNCTION)
        cursor.execute(purge_function(schema))
        cursor.execute(f'REVOKE ALL ON FUNCTION "{schema}".parkledger_audit_purge(bigint) FROM PUBLIC')
        cursor.execute(f'GRANT EXECUTE ON FUNCTION "{schema}".parkledger_audit_purge(bigint) TO CURRENT_USER')
        if not superuser:
            log.warning("audit purge: role %s not created (not a superuser); see the README", PURGER)
            return
        # several databases of one cluster may migrate at once: the role is the cluster's
        cursor.execute(f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PURGER}') THEN
        CREATE ROLE {PURGER} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$""")
        cursor.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {PURGER}')
        cursor.execute(f'GRANT SELECT, DELETE ON "{schema}".accounts_auditentry TO {PURGER}')
        cursor.execute(f'ALTER FUNCTION "{schema}".parkledger_audit_purge(bigint) OWNER TO {PURGER}')


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION IF EXISTS parkledger_audit_purge(bigint)")
        cursor.execute(OLD_TRIGGER_FUNCTION)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('create', '新增'), ('change', '修改'), ('delete', '删除'), ('login', '登录'), ('login_failed', '登录失败'), ('lockout', '账户锁定'), ('account_unlock', '账户解锁'), ('logout', '退出'), ('session_timeout', '会话超时'), ('password_change', '修改密码'), ('password_reset', '重置密码'), ('totp_enrol', '启用动态口令'), ('totp_reset', '重置动态口令'), ('account_create', '创建账户'), ('account_disable', '停用账户'), ('perm_grant', '授权'), ('perm_revoke', '撤销授权'), ('perm_denied', '越权访问'), ('export', '导出'), ('import', '导入'), ('report_issue', '签发报告'), ('period_close', '封账'), ('period_reopen', '取消封账'), ('period_unlock', '更正解锁'), ('period_refused', '封账期拒绝修改'), ('audit_export', '导出审计日志'), ('audit_purge', '清理过期审计日志'), ('audit_rekey', '启用审计密钥'), ('backup', '备份'), ('restore', '恢复'), ('other', '其他')], db_index=True, max_length=32, verbose_name='事件'),
        ),
    ]
