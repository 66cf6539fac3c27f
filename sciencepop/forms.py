"""Forms of the science-popularisation pages (validation only; services write)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.choices import OrganizationKind
from orgs.forms import ScopedOrganizationField
from orgs.models import Organization
from qhsta.forms import BootstrapFormMixin
from qhsta.register_views import reportable_orgs
from qhsta.scoping import Action

from .models import LiteracySurvey, ScienceBase, ScienceEvent, Venue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _OrgForm(BootstrapFormMixin, forms.ModelForm):
    org_kinds: tuple = ()
    organization = ScopedOrganizationField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = reportable_orgs(user, self.org_kinds)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.input_formats = ["%Y-%m-%d", "%Y/%m/%d"]

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organization"}


class LiteracySurveyForm(_OrgForm):
    org_kinds = (OrganizationKind.PREFECTURE_STA,)

    class Meta:
        model = LiteracySurvey
        fields = [
            "organization",
            "year",
            "sample_size",
            "sample_literate",
            "reported_rate",
            "population",
            "source",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "reported_rate": forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = _("Prefecture")

    def values(self) -> dict:
        values = super().values()
        values.pop("year")
        return values


class VenueForm(_OrgForm):
    org_kinds = (OrganizationKind.COUNTY_STA,)

    class Meta:
        model = Venue
        fields = [
            "organization",
            "name",
            "kind",
            "status",
            "opened_on",
            "floor_area",
            "address",
            "notes",
        ]
        widgets = {"opened_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = _("County")


class ScienceBaseForm(_OrgForm):
    class Meta:
        model = ScienceBase
        fields = [
            "organization",
            "name",
            "level",
            "theme",
            "recognised_year",
            "valid_until",
            "is_active",
        ]


class ScienceEventForm(_OrgForm):
    class Meta:
        model = ScienceEvent
        fields = [
            "organization",
            "title",
            "kind",
            "base",
            "starts_on",
            "ends_on",
            "location",
            "attendance",
            "online_views",
            "bilingual",
            "notes",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = _("Organiser")
        self.fields["base"].queryset = ScienceBase.objects.restrict(self.user, Action.VIEW)
