"""Kinds and states of venues, levels of science bases, kinds of event."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueKind(models.TextChoices):
    SCIENCE_MUSEUM = "science_museum", _("Science and technology museum")
    MOBILE_MUSEUM = "mobile_museum", _("Mobile science museum")
    SCHOOL_MUSEUM = "school_museum", _("Rural middle-school science museum")
    THEMED_MUSEUM = "themed_museum", _("Themed science museum")
    OTHER = "other", _("Other science venue")


class VenueStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Under construction")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class BaseLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    PREFECTURE = "prefecture", _("Prefecture")


class EventKind(models.TextChoices):
    SCIENCE_WEEK = "science_week", _("Science and technology week")
    SCIENCE_DAY = "science_day", _("National science popularisation day")
    LECTURE = "lecture", _("Lecture")
    EXHIBITION = "exhibition", _("Exhibition")
    RURAL_TOUR = "rural_tour", _("Rural and pastoral tour")
    CAMPUS = "campus", _("Science in schools")
    OTHER = "other", _("Other activity")
