"""The QHSTA plan-management portal: project package and shared base."""

from .celery import app as celery_app

__all__ = ["celery_app"]
