"""The societies' resources: registry (with council figures), terms, council members, the
annual evaluation, conferences and journals. Reads are scoped like the pages; every write goes
through societies.services, where societies.rules decides who may."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from qhsta.params import parse_int
from qhsta.scoping import Action
from qhsta.scoping.api import ScopedReadOnlyViewSet, ScopedViewSetMixin

from .. import services
from ..models import (
    BrandConference,
    CouncilMember,
    CouncilTerm,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    Journal,
    Society,
)
from ..selectors import society_overview
from .serializers import (
    ConferenceSerializer,
    CouncilMemberSerializer,
    CouncilShareSerializer,
    CouncilTermSerializer,
    EvaluationResultSerializer,
    EvaluationRoundSerializer,
    EvaluationScoreSerializer,
    JournalSerializer,
    SocietySerializer,
    council_figure,
)


def _param(request, name: str) -> str:
    return (request.query_params.get(name) or "").strip()


def _int_param(request, name: str) -> int | None:
    """A whole-number query parameter; None when absent or not a sensible id or year."""
    return parse_int(_param(request, name))


class SocietyViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Learned societies with their council figures (`council`); `?status=`. Officers PATCH their
    society's registry figures; `council-share/` gives the share across the societies in scope
    and those below the target."""

    queryset = Society.objects.all()
    serializer_class = SocietySerializer
    write_action = Action.REPORT
    http_method_names = ["get", "patch", "head", "options"]

    def narrow(self, queryset):
        queryset = queryset.select_related("organization").order_by("organization__path")
        if status_ := _param(self.request, "status"):
            queryset = queryset.filter(status=status_)
        return queryset

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = society_overview(Society.objects.filter(pk__in=[s.pk for s in page])).rows
        context = {**self.get_serializer_context(), "council_rows": {r.society.pk: r for r in rows}}
        return self.get_paginated_response(SocietySerializer(page, many=True, context=context).data)

    def perform_update(self, serializer):
        fields = {
            k: v for k, v in serializer.validated_data.items() if k in services.REGISTRY_FIELDS
        }
        society = Society.objects.get(pk=serializer.instance.pk)
        serializer.instance = services.society_update(
            actor=self.request.user, society=society, **fields
        )

    @extend_schema(responses=CouncilShareSerializer)
    @action(detail=False, url_path="council-share", pagination_class=None)
    def council_share(self, request):
        overview = society_overview(self.get_queryset())
        totals = overview.totals
        data = {
            "as_of": overview.day,
            "target": overview.targets.council,
            "standing_target": overview.targets.standing,
            "qualifying": totals.qualifying,
            "members": totals.total,
            "share": totals.share,
            "standing_qualifying": totals.standing_qualifying,
            "standing_members": totals.standing_total,
            "standing_share": totals.standing_share,
            "council_met": bool(overview.bodies[0].reaches),
            "standing_met": bool(overview.bodies[1].reaches),
            "target_met": overview.met,
            "societies": len(overview.rows),
            "below_target": [
                {"code": r.society.organization.code, **council_figure(r)} for r in overview.below
            ],
            "reelection_overdue": [r.society.organization.code for r in overview.overdue],
        }
        return Response(CouncilShareSerializer(data).data)


class CouncilTermViewSet(ScopedReadOnlyViewSet):
    """Council terms (届); `?society=<code>`."""

    queryset = CouncilTerm.objects.all()
    serializer_class = CouncilTermSerializer

    def narrow(self, queryset):
        queryset = queryset.select_related("society__organization").order_by("society", "-number")
        if code := _param(self.request, "society"):
            queryset = queryset.filter(society__organization__code=code)
        return queryset


class CouncilMemberViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Council members; `?term=<id>` or `?society=<code>`. Every change refreshes the plan's
    council indicator."""

    queryset = CouncilMember.objects.all()
    serializer_class = CouncilMemberSerializer
    write_action = Action.REPORT
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def narrow(self, queryset):
        queryset = queryset.select_related("term").order_by("term", "position", "name", "pk")
        if _param(self.request, "term"):
            term = _int_param(self.request, "term")
            queryset = queryset.filter(term_id=term) if term is not None else queryset.none()
        if code := _param(self.request, "society"):
            queryset = queryset.filter(term__society__organization__code=code)
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        term = data.pop("term")
        serializer.instance = services.council_member_save(
            actor=self.request.user, term=term, **data
        )

    def perform_update(self, serializer):
        member = CouncilMember.objects.select_related("term__society").get(
            pk=serializer.instance.pk
        )
        data = {k: v for k, v in serializer.validated_data.items() if k != "term"}
        fields = {name: getattr(member, name) for name in services.MEMBER_FIELDS} | data
        serializer.instance = services.council_member_save(
            actor=self.request.user, term=member.term, member=member, **fields
        )

    def perform_destroy(self, instance):
        services.council_member_remove(actor=self.request.user, member=instance)


class EvaluationRoundViewSet(ScopedReadOnlyViewSet):
    """The years' evaluations with their criteria."""

    queryset = EvaluationRound.objects.all()
    serializer_class = EvaluationRoundSerializer

    def narrow(self, queryset):
        return queryset.select_related("organization").prefetch_related("criteria")


class EvaluationScoreViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Scores by society and criterion; `?year=`. POST sets a score (the province only: a
    society sees its scores but never enters them)."""

    queryset = EvaluationScore.objects.all()
    serializer_class = EvaluationScoreSerializer
    write_action = Action.REVIEW

    def narrow(self, queryset):
        queryset = queryset.select_related("criterion__round").order_by("criterion", "society")
        if (year := _int_param(self.request, "year")) is not None:
            queryset = queryset.filter(criterion__round__year=year)
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        score = services.evaluation_score_set(
            actor=request.user,
            criterion=data["criterion"],
            society=data["society"],
            score=data["score"],
            comment=data.get("comment", ""),
        )
        return Response(self.get_serializer(score).data, status=status.HTTP_201_CREATED)


class EvaluationResultViewSet(ScopedReadOnlyViewSet):
    """Ranks and outcomes of closed evaluations; `?year=`."""

    queryset = EvaluationResult.objects.all()
    serializer_class = EvaluationResultSerializer

    def narrow(self, queryset):
        queryset = queryset.select_related("round", "society__organization").order_by(
            "-round__year", "rank"
        )
        if (year := _int_param(self.request, "year")) is not None:
            queryset = queryset.filter(round__year=year)
        return queryset


class SocietyRecordViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    write_action = Action.REPORT
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    fields: tuple[str, ...] = ()
    save = remove = None
    keyword = ""

    def narrow(self, queryset):
        queryset = queryset.select_related("society__organization")
        if code := _param(self.request, "society"):
            queryset = queryset.filter(society__organization__code=code)
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        society = data.pop("society")
        serializer.instance = type(self).save(actor=self.request.user, society=society, **data)

    def perform_update(self, serializer):
        record = type(self).queryset.model.objects.get(pk=serializer.instance.pk)
        data = {k: v for k, v in serializer.validated_data.items() if k != "society"}
        fields = {name: getattr(record, name) for name in self.fields} | data
        serializer.instance = type(self).save(
            actor=self.request.user, society=record.society, **{self.keyword: record}, **fields
        )

    def perform_destroy(self, instance):
        type(self).remove(actor=self.request.user, **{self.keyword: instance})


class ConferenceViewSet(SocietyRecordViewSet):
    """Conferences per society (`is_brand`: the society's brand conference); `?society=<code>`."""

    queryset = BrandConference.objects.all()
    serializer_class = ConferenceSerializer
    fields = services.CONFERENCE_FIELDS
    save = staticmethod(services.conference_save)
    remove = staticmethod(services.conference_remove)
    keyword = "conference"


class JournalViewSet(SocietyRecordViewSet):
    """Journals per society; `?society=<code>`."""

    queryset = Journal.objects.all()
    serializer_class = JournalSerializer
    fields = services.JOURNAL_FIELDS
    save = staticmethod(services.journal_save)
    remove = staticmethod(services.journal_remove)
    keyword = "journal"
