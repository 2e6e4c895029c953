"""API tokens: one per client system, with an expiry, revocable; only a hash of the key is kept."""
from __future__ import annotations

__all__ = ["ApiToken"]

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A user's API token. The key is shown once when created; the database holds its SHA-256."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    name = models.CharField(_("用途"), max_length=100, blank=True, help_text=_("如：统计局数据交换"))
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True, help_text=_("密钥的前几位，用于辨认"))
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    created = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created", "id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
