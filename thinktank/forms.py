"""Forms of the think-tank pages (validation only; services write)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms import ScopedOrganizationField
from orgs.models import Organization
from qhsta.forms import BootstrapFormMixin
from qhsta.register_views import reportable_orgs
from qhsta.scoping import Action

from .choices import Recommendation, SuggestionOutcome
from .models import ConsultingTopic, Expert, ResearchResult, ResearchTopic, Suggestion, TopicCall

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _OrgForm(BootstrapFormMixin, forms.ModelForm):
    org_action = Action.REPORT
    organization = ScopedOrganizationField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.org_action == Action.REPORT:
            self.fields["organization"].queryset = reportable_orgs(user)
        else:
            self.fields["organization"].queryset = Organization.objects.restrict(
                user, self.org_action
            ).filter(is_active=True)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.input_formats = ["%Y-%m-%d", "%Y/%m/%d"]

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organization"}


class ExpertForm(_OrgForm):
    class Meta:
        model = Expert
        fields = [
            "organization",
            "name",
            "employer",
            "title",
            "expertise",
            "availability",
            "email",
            "phone",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ConsultingTopicForm(_OrgForm):
    class Meta:
        model = ConsultingTopic
        fields = ["organization", "title", "field", "year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class ResultForm(_OrgForm):
    class Meta:
        model = ResearchResult
        fields = ["organization", "title", "kind", "year", "summary", "adoption"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "adoption": forms.Textarea(attrs={"rows": 3}),
        }


class CallForm(_OrgForm):
    org_action = Action.MANAGE

    class Meta:
        model = TopicCall
        fields = [
            "organization",
            "year",
            "title",
            "guide",
            "application_deadline",
            "review_deadline",
            "midterm_deadline",
            "final_deadline",
        ]
        widgets = {
            "guide": forms.Textarea(attrs={"rows": 8}),
            "application_deadline": DATE,
            "review_deadline": DATE,
            "midterm_deadline": DATE,
            "final_deadline": DATE,
        }


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.expertise}）"


class ExpertsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class TopicForm(_OrgForm):
    principal = ExpertChoiceField(label=_("Principal investigator"), queryset=Expert.objects.none())
    team = ExpertsField(
        label=_("Team members"),
        queryset=Expert.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = ResearchTopic
        fields = ["organization", "title", "principal", "team", "summary", "budget"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = _("Applicant organisation")
        experts = Expert.objects.restrict(self.user).order_by("name")
        self.fields["principal"].queryset = experts
        self.fields["team"].queryset = experts

    def values(self) -> dict:
        values = super().values()
        values["team"] = list(values.get("team") or [])
        return values


class TopicReportForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 8}))


class TransitionForm(BootstrapFormMixin, forms.Form):
    move = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Opinion or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewAssignForm(BootstrapFormMixin, forms.Form):
    expert = ExpertChoiceField(label=_("Expert"), queryset=Expert.objects.none())

    def __init__(self, *args, user, topic, **kwargs):
        super().__init__(*args, **kwargs)
        # experts with a conflict of interest are not offered (the service refuses them too)
        assigned = topic.reviews.values("expert")
        self.fields["expert"].queryset = (
            Expert.objects.restrict(user)
            .exclude(pk__in=assigned)
            .exclude(availability="unavailable")
            .exclude(organization=topic.organization_id)
            .exclude(pk=topic.principal_id)
            .exclude(pk__in=topic.team.values("pk"))
            .order_by("name")
        )


class ReviewScoreForm(BootstrapFormMixin, forms.Form):
    score = forms.DecimalField(
        label=_("Score (0–100)"), min_value=0, max_value=100, decimal_places=1
    )
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    comment = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 4}))


class SuggestionForm(BootstrapFormMixin, forms.ModelForm):
    organization = ScopedOrganizationField(
        label=_("Submitted through"), queryset=Organization.objects.none()
    )

    class Meta:
        model = Suggestion
        fields = ["organization", "author", "title", "field", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = reportable_orgs(user)


class SuggestionHandleForm(BootstrapFormMixin, forms.Form):
    move = forms.ChoiceField(
        label=_("Step"),
        choices=[
            ("accept", _("Accept for handling")),
            ("answer", _("Answer")),
            ("decline", _("Decline")),
        ],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *SuggestionOutcome.choices], required=False
    )
    feedback = forms.CharField(
        label=_("Feedback to the submitter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
