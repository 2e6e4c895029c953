"""The indicator engine's app: fills the registry from each chapter app's `indicators` module."""
from __future__ import annotations

import importlib
import importlib.util

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The apps whose `indicators` module declares figures, in the order of the report's chapters.
CHAPTER_APPS = ("core", "investment", "economy", "construction", "governance", "finance", "party", "plans")


class IndicatorsConfig(AppConfig):
    name = "parkledger.indicators"
    label = "indicators"
    verbose_name = _("指标")

    def ready(self) -> None:
        for app in CHAPTER_APPS:
            module = f"parkledger.{app}.indicators"
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
