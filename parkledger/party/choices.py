"""Choice sets of the party-building ledgers."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    NIGHT_STUDY = "night_study", _("夜学")
    LECTURE = "lecture", _("专题党课")
    ACTIVITY = "activity", _("主题活动")
    TRAINING = "training", _("干部培训")
    DUTY = "duty", _("支援值守")
