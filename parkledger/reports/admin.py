"""Django admin of report templates (versions read-only) and the issued-report archive (read-only)."""
from __future__ import annotations

from django.contrib import admin

from parkledger.reports.models import IssuedReport, ReportTemplate, ReportTemplateVersion


class VersionInline(admin.TabularInline):
    model = ReportTemplateVersion
    fk_name = "template"
    fields = ("number", "note", "author", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "park", "current_version", "last_updated")
    list_filter = ("park",)
    search_fields = ("name",)
    raw_id_fields = ("park", "current_version")
    inlines = [VersionInline]


@admin.register(ReportTemplateVersion)
class ReportTemplateVersionAdmin(admin.ModelAdmin):
    """Versions are history: they are read, never changed (new text is saved as a new version)."""

    list_display = ("template", "number", "author", "created", "note")
    readonly_fields = ("template", "number", "text", "author", "created", "note")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IssuedReport)
class IssuedReportAdmin(admin.ModelAdmin):
    list_display = ("park", "period", "format", "filename", "issued_by", "issued_at", "checksum")
    list_filter = ("format", "park")
    exclude = ("content",)
    readonly_fields = ("park", "period", "format", "filename", "checksum", "template_version", "template_text",
                       "figures", "omitted", "issued_by", "issued_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
