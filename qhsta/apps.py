"""App configs of the project package and of the portal's admin site."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class QhstaConfig(AppConfig):
    default = True
    name = "qhsta"
    verbose_name = _("Portal")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "qhsta.admin_site.PortalAdminSite"
