"""Forms of the societies' pages (validation only; the services write)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.models import Organization
from qhsta.forms import BootstrapFormMixin

from .choices import SocietyStatus
from .models import BrandConference, CouncilMember, CouncilTerm, EvaluationRound, Journal, Society
from .services import CONFERENCE_FIELDS, JOURNAL_FIELDS, MEMBER_FIELDS, REGISTRY_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SocietyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Society
        fields = REGISTRY_FIELDS
        widgets = {"founded_on": DATE}


class SocietyRegisterForm(SocietyForm):
    organization = forms.ModelChoiceField(
        label=_("Society (organisation)"), queryset=Organization.objects.none()
    )

    class Meta(SocietyForm.Meta):
        fields = ("organization", *REGISTRY_FIELDS)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class StatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=SocietyStatus.choices)
    status_note = forms.CharField(label=_("reason for the status"), max_length=300, required=False)


class TermForm(BootstrapFormMixin, forms.ModelForm):
    ends_on = forms.DateField(
        label=_("term ends on"),
        required=False,
        widget=DATE,
        help_text=_("Empty: the election date plus the charter's term length."),
    )
    copy_members = forms.BooleanField(
        label=_("Start from the previous council's serving members"), required=False
    )

    class Meta:
        model = CouncilTerm
        fields = ("starts_on", "ends_on")
        widgets = {"starts_on": DATE}


class MemberForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = MEMBER_FIELDS
        widgets = {"joined_on": DATE, "left_on": DATE}


class ConferenceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = BrandConference
        fields = CONFERENCE_FIELDS
        widgets = {"held_on": DATE}


class JournalForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Journal
        fields = JOURNAL_FIELDS


class CouncilImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class EvaluationRoundForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = EvaluationRound
        fields = ("year", "bottom_count", "warn_after", "exit_after")

    def clean(self):
        data = super().clean()
        warn, leave = data.get("warn_after"), data.get("exit_after")
        if warn and leave and leave < warn:
            self.add_error("exit_after", _("Exit proceedings cannot start before the warning."))
        return data


class CriterionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("criterion"), max_length=200)
    description = forms.CharField(label=_("what is scored"), max_length=500, required=False)
    max_score = forms.DecimalField(
        label=_("maximum score"), min_value=Decimal("0.01"), max_value=1000, decimal_places=2
    )
