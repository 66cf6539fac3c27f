"""API representation of societies, their councils and council share, evaluations, conferences and journals."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    BrandConference,
    CouncilMember,
    CouncilTerm,
    EvaluationCriterion,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    Journal,
    Society,
)
from ..services import CONFERENCE_FIELDS, JOURNAL_FIELDS, MEMBER_FIELDS, REGISTRY_FIELDS


class CouncilFigureSerializer(serializers.Serializer):
    term = serializers.IntegerField(allow_null=True)
    term_ends_on = serializers.DateField(allow_null=True)
    reelection_overdue = serializers.BooleanField()
    qualifying = serializers.IntegerField()
    members = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    standing_qualifying = serializers.IntegerField()
    standing_members = serializers.IntegerField()
    standing_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    council_below_target = serializers.BooleanField(
        help_text=_("The council's share is below the target.")
    )
    standing_below_target = serializers.BooleanField(
        help_text=_("The standing council's share is below the target.")
    )
    below_target = serializers.BooleanField(help_text=_("Below the target on either body."))
    target_met = serializers.BooleanField(
        help_text=_("Both the council and the standing council reach the target (task 14).")
    )


def council_figure(row) -> dict:
    c = row.counts
    return {
        "term": row.term.number if row.term else None,
        "term_ends_on": row.term.ends_on if row.term else None,
        "reelection_overdue": row.overdue,
        "qualifying": c.qualifying,
        "members": c.total,
        "share": c.share,
        "standing_qualifying": c.standing_qualifying,
        "standing_members": c.standing_total,
        "standing_share": c.standing_share,
        "council_below_target": row.council_below,
        "standing_below_target": row.standing_below,
        "below_target": row.below,
        "target_met": row.met,
    }


class SocietySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="organization.code", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    council = serializers.SerializerMethodField()

    class Meta:
        model = Society
        fields = ["id", "code", "name", *REGISTRY_FIELDS, "status", "status_note", "council"]
        read_only_fields = ["status", "status_note"]

    @extend_schema_field(CouncilFigureSerializer)
    def get_council(self, society) -> dict:
        rows = self.context.get("council_rows", {})
        row = rows.get(society.pk)
        if row is None:
            from ..selectors import society_overview

            row = society_overview(Society.objects.filter(pk=society.pk)).rows[0]
        return CouncilFigureSerializer(council_figure(row)).data


class CouncilTermSerializer(serializers.ModelSerializer):
    society = serializers.CharField(source="society.organization.code", read_only=True)

    class Meta:
        model = CouncilTerm
        fields = ["id", "society", "number", "starts_on", "ends_on"]


class BelowTargetSerializer(CouncilFigureSerializer):
    code = serializers.CharField()


class CouncilShareSerializer(serializers.Serializer):
    """The council share across the societies in the client's scope (the plan's "≥ 2/3")."""

    as_of = serializers.DateField()
    target = serializers.DecimalField(max_digits=5, decimal_places=1)
    standing_target = serializers.DecimalField(max_digits=5, decimal_places=1)
    qualifying = serializers.IntegerField()
    members = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    standing_qualifying = serializers.IntegerField()
    standing_members = serializers.IntegerField()
    standing_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    council_met = serializers.BooleanField(
        help_text=_("The councils' share across the societies reaches the target.")
    )
    standing_met = serializers.BooleanField(
        help_text=_("The standing councils' share across the societies reaches the target.")
    )
    target_met = serializers.BooleanField(
        help_text=_("Both shares reach the target (task 14: met only when both do).")
    )
    societies = serializers.IntegerField()
    below_target = BelowTargetSerializer(many=True)
    reelection_overdue = serializers.ListField(child=serializers.CharField())


class CouncilMemberSerializer(serializers.ModelSerializer):
    term = serializers.PrimaryKeyRelatedField(queryset=CouncilTerm.objects.none())
    is_standing = serializers.BooleanField(read_only=True)

    class Meta:
        model = CouncilMember
        fields = ["id", "term", *MEMBER_FIELDS, "is_standing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            from qhsta.scoping import Action

            self.fields["term"].queryset = CouncilTerm.objects.restrict(request.user, Action.REPORT)


class EvaluationCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCriterion
        fields = ["id", "number", "name", "description", "max_score"]


class EvaluationRoundSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    criteria = EvaluationCriterionSerializer(many=True, read_only=True)
    closed = serializers.BooleanField(source="is_closed", read_only=True)

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "organization",
            "year",
            "bottom_count",
            "warn_after",
            "exit_after",
            "closed",
            "closed_at",
            "criteria",
        ]


class EvaluationScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.PrimaryKeyRelatedField(queryset=EvaluationCriterion.objects.none())
    society = serializers.PrimaryKeyRelatedField(queryset=Society.objects.none())

    class Meta:
        model = EvaluationScore
        fields = ["id", "criterion", "society", "score", "comment", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []  # the service upserts a (criterion, society) pair

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["criterion"].queryset = EvaluationCriterion.objects.restrict(request.user)
            self.fields["society"].queryset = Society.objects.restrict(request.user)


class EvaluationResultSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True)
    society = serializers.CharField(source="society.organization.code", read_only=True)

    class Meta:
        model = EvaluationResult
        fields = [
            "id",
            "year",
            "society",
            "total",
            "rank",
            "at_bottom",
            "consecutive_bottom",
            "outcome",
        ]


@extend_schema_field(OpenApiTypes.STR)
class SocietyCodeField(serializers.SlugRelatedField):
    """A society by its organisation's code."""


class SocietyRecordSerializer(serializers.ModelSerializer):
    society = SocietyCodeField(slug_field="organization__code", queryset=Society.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            from qhsta.scoping import Action

            self.fields["society"].queryset = Society.objects.restrict(request.user, Action.REPORT)


class ConferenceSerializer(SocietyRecordSerializer):
    class Meta:
        model = BrandConference
        fields = ["id", "society", *CONFERENCE_FIELDS]


class JournalSerializer(SocietyRecordSerializer):
    class Meta:
        model = Journal
        fields = ["id", "society", *JOURNAL_FIELDS]
        validators = []
