"""The append-only, hash-chained audit log."""
from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AuditAction", "AuditResult", "AuditEntry", "AuditLogIsAppendOnly"]


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    CHANGE = "change", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账户锁定")
    UNLOCK_ACCOUNT = "account_unlock", _("账户解锁")
    LOGOUT = "logout", _("退出")
    SESSION_TIMEOUT = "session_timeout", _("会话超时")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    TOTP_ENROL = "totp_enrol", _("启用动态口令")
    TOTP_RESET = "totp_reset", _("重置动态口令")
    ACCOUNT_CREATE = "account_create", _("创建账户")
    ACCOUNT_DISABLE = "account_disable", _("停用账户")
    PERM_GRANT = "perm_grant", _("授权")
    PERM_REVOKE = "perm_revoke", _("撤销授权")
    PERM_DENIED = "perm_denied", _("越权访问")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    REPORT_ISSUE = "report_issue", _("签发报告")
    PERIOD_CLOSE = "period_close", _("封账")
    PERIOD_REOPEN = "period_reopen", _("取消封账")
    PERIOD_UNLOCK = "period_unlock", _("更正解锁")
    PERIOD_REFUSED = "period_refused", _("封账期拒绝修改")
    AUDIT_EXPORT = "audit_export", _("导出审计日志")
    AUDIT_PURGE = "audit_purge", _("清理过期审计日志")
    AUDIT_REKEY = "audit_rekey", _("启用审计密钥")
    BACKUP = "backup", _("备份")
    RESTORE = "restore", _("恢复")
    OTHER = "other", _("其他")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes (the purge goes through `parkledger.audit.log`)."""

    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """One audit event. Entries are chained: `hash` = HMAC-SHA256 under the audit key (kept
    outside the database, `parkledger.audit.keys`) of the entry's canonical JSON, which includes
    `prev_hash`, the MAC of the entry before it (`parkledger.audit.log`).

    The user is kept as id and name (no foreign key), so deleting an account changes no entry.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    time = models.DateTimeField(_("时间"), db_index=True)
    user_id = models.BigIntegerField(_("用户ID"), null=True, blank=True)
    username = models.CharField(_("用户"), max_length=150)
    ip = models.CharField(_("IP地址"), max_length=45, blank=True)
    action = models.CharField(_("事件"), max_length=32, choices=AuditAction.choices)
    object_kind = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_pk = models.CharField(_("对象ID"), max_length=64, blank=True)
    natural_key = models.CharField(_("对象标识"), max_length=255, blank=True)
    result = models.CharField(_("结果"), max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    detail = models.JSONField(_("详情"), null=True, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    # not indexed: nothing looks an entry up by its MAC (the chain is checked by `seq`), and an
    # index of random keys would cost every imported row a write at a random place
    hash = models.CharField(_("哈希"), max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        db_table = "accounts_auditentry"  # the table kept its name when the audit log got its own app
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["seq"]
        # plain B-trees (no PostgreSQL pattern index: the user filter matches by icontains,
        # which no index serves)
        indexes = [models.Index(fields=["object_kind", "object_pk"], name="accounts_audit_object"),
                   models.Index(fields=["username"], name="audit_username"),
                   models.Index(fields=["action"], name="audit_action")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly(_("审计日志只能追加，不能修改（#%(seq)s）") % {"seq": self.seq})
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise AuditLogIsAppendOnly(_("审计日志只能追加，不能删除（#%(seq)s）") % {"seq": self.seq})
