from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QhstaConfig(AppConfig):
    name = "qhsta"
    verbose_name = _("Portal")
