"""Excel imports of the science-popularisation registers: survey tables and venue lists."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs.choices import OrganizationKind
from orgs.models import Organization
from qhsta.scoping import Action
from qhsta.sheets import RowChecker, SheetSpec, run_import, template_workbook

from . import services
from .choices import VenueKind, VenueStatus
from .models import LiteracySurvey, Venue

SURVEY_SHEET = SheetSpec(
    title="公民科学素质调查结果",
    columns={
        "organization": "市(州)",
        "year": "调查年度",
        "sample_size": "调查样本量",
        "sample_literate": "具备科学素质人数",
        "reported_rate": "具备科学素质比例(%)",
        "population": "代表人口(人)",
        "source": "数据来源",
    },
    required=("organization", "year", "population"),
    notes={
        "organization": gettext_lazy("Required. The prefecture STA, by its code or exact name."),
        "year": gettext_lazy("Required. The survey year, for example 2025."),
        "sample_size": gettext_lazy("The number of people surveyed (with the next column)."),
        "sample_literate": gettext_lazy("How many of them have basic science literacy."),
        "reported_rate": gettext_lazy(
            "The rate in %, when the survey publishes a rate rather than its sample."
        ),
        "population": gettext_lazy(
            "Required. Residents aged 18–69 the result stands for, in people: the weight of the "
            "prefecture in the province's rate."
        ),
        "source": gettext_lazy("Optional. The survey report the figures come from."),
    },
    max_rows=200,
    widths={"organization": 22, "source": 40},
)

VENUE_SHEET = SheetSpec(
    title="科普场馆名录",
    columns={
        "organization": "县(市、区)",
        "name": "场馆名称",
        "kind": "类型",
        "status": "状态",
        "opened_on": "开放日期",
        "floor_area": "建筑面积(平方米)",
        "address": "地址",
        "notes": "备注",
    },
    required=("organization", "name", "kind"),
    notes={
        "organization": gettext_lazy("Required. The county STA, by its code or exact name."),
        "name": gettext_lazy(
            "Required. The venue's name; a row naming an existing venue of the county changes it."
        ),
        "kind": gettext_lazy(
            "Required. 科技馆, 流动科技馆, 农村中学科技馆, 专题科普馆 or 其他科普场馆."
        ),
        "status": gettext_lazy("Optional: 规划中, 在建, 开放 (the default) or 已关闭."),
        "opened_on": gettext_lazy("A date such as 2023-06-01; required for an open venue."),
        "floor_area": gettext_lazy("Optional. Square metres."),
        "address": gettext_lazy("Optional."),
        "notes": gettext_lazy("Optional."),
    },
    max_rows=1000,
    widths={"organization": 28, "name": 32, "address": 40},
)


VENUE_KINDS = {
    "科技馆": VenueKind.SCIENCE_MUSEUM,
    "流动科技馆": VenueKind.MOBILE_MUSEUM,
    "农村中学科技馆": VenueKind.SCHOOL_MUSEUM,
    "专题科普馆": VenueKind.THEMED_MUSEUM,
    "其他科普场馆": VenueKind.OTHER,
}
VENUE_STATUSES = {
    "规划中": VenueStatus.PLANNED,
    "在建": VenueStatus.BUILDING,
    "开放": VenueStatus.OPEN,
    "已关闭": VenueStatus.CLOSED,
}


def _model_errors(checker, row: int, instance, columns: dict) -> None:
    """The model's own validation, reported against the sheet's columns."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = name if name in columns else ""
            for message in messages:
                checker.error(row, key, message)


class SurveyChecker(RowChecker):
    spec = SURVEY_SHEET
    org_kinds = (OrganizationKind.PREFECTURE_STA,)

    def wrong_kind_message(self, org) -> str:
        return _("Survey results are entered per prefecture; %(name)s is not one.") % {
            "name": org.name
        }

    def check(self, row: int, cells: dict):
        if not self.required(row, cells):
            return None
        before = len(self.errors)
        org = self.organization(row, "organization", cells["organization"])
        year = self.integer(row, "year", cells["year"], minimum=2000, maximum=2100)
        values = {
            "sample_size": self.integer(row, "sample_size", cells.get("sample_size")),
            "sample_literate": self.integer(row, "sample_literate", cells.get("sample_literate")),
            "reported_rate": self.decimal(
                row, "reported_rate", cells.get("reported_rate"), maximum=100
            ),
            "population": self.integer(
                row, "population", cells.get("population"), minimum=1, maximum=2_000_000_000
            ),
            "source": self.text(row, "source", cells, 300),
        }
        if len(self.errors) > before:
            return None
        _model_errors(
            self, row, LiteracySurvey(organization=org, year=year, **values), self.spec.columns
        )
        if len(self.errors) > before:
            return None
        return {"row": row, "organization": org, "year": year, **values}

    def finish(self, rows: list) -> None:
        seen = {}
        for item in rows:
            key = (item["organization"].pk, item["year"])
            if key in seen:
                self.error(
                    item["row"],
                    "year",
                    _("The same prefecture and year are already in row %(row)s.")
                    % {"row": seen[key]},
                )
            seen.setdefault(key, item["row"])
        existing = LiteracySurvey.objects.filter(
            organization__in=[i["organization"] for i in rows], year__in={i["year"] for i in rows}
        )
        self.existing = {(s.organization_id, s.year): s for s in existing}


def import_surveys(*, user, upload):
    """Read, check and save a survey table; raises ImportRejected with nothing saved."""
    checker = SurveyChecker(user=user)

    def save(item, result):
        survey = checker.existing.get((item["organization"].pk, item["year"]))
        fields = {k: item[k] for k in services.SURVEY_FIELDS if k in item}
        if survey is not None and all(getattr(survey, k) == v for k, v in fields.items()):
            result.unchanged += 1
            return
        services.literacy_survey_save(
            actor=user,
            organization=item["organization"],
            year=item["year"],
            survey=survey,
            **fields,
        )
        if survey is None:
            result.created += 1
        else:
            result.updated += 1

    return run_import(checker=checker, upload=upload, save=save)


class VenueChecker(RowChecker):
    spec = VENUE_SHEET
    org_kinds = (OrganizationKind.COUNTY_STA,)

    def wrong_kind_message(self, org) -> str:
        return _("Venues are listed per county; %(name)s is not a county.") % {"name": org.name}

    def check(self, row: int, cells: dict):
        if not self.required(row, cells):
            return None
        before = len(self.errors)
        org = self.organization(row, "organization", cells["organization"])
        values = {
            "name": self.text(row, "name", cells, 200),
            "kind": self.choice(row, "kind", cells["kind"], VenueKind.choices, VENUE_KINDS),
            "status": self.choice(
                row, "status", cells.get("status"), VenueStatus.choices, VENUE_STATUSES
            )
            or VenueStatus.OPEN,
            "opened_on": self.date(row, "opened_on", cells.get("opened_on")),
            "floor_area": self.decimal(
                row, "floor_area", cells.get("floor_area"), maximum=10_000_000, places=1
            ),
            "address": self.text(row, "address", cells, 300),
            "notes": self.text(row, "notes", cells, 2000),
        }
        if len(self.errors) > before:
            return None
        _model_errors(self, row, Venue(organization=org, **values), self.spec.columns)
        if len(self.errors) > before:
            return None
        return {"row": row, "organization": org, **values}

    def finish(self, rows: list) -> None:
        seen = {}
        for item in rows:
            key = (item["organization"].pk, item["name"])
            if key in seen:
                self.error(
                    item["row"],
                    "name",
                    _("The same venue is already in row %(row)s.") % {"row": seen[key]},
                )
            seen.setdefault(key, item["row"])
        existing = Venue.objects.filter(
            organization__in=[i["organization"] for i in rows], name__in={i["name"] for i in rows}
        )
        self.existing = {(v.organization_id, v.name): v for v in existing}


def import_venues(*, user, upload):
    """Read, check and save a venue list; raises ImportRejected with nothing saved."""
    checker = VenueChecker(user=user)

    def save(item, result):
        venue = checker.existing.get((item["organization"].pk, item["name"]))
        fields = {k: item[k] for k in services.VENUE_FIELDS}
        if venue is not None and all(getattr(venue, k) == v for k, v in fields.items()):
            result.unchanged += 1
            return
        services.venue_save(actor=user, organization=item["organization"], venue=venue, **fields)
        if venue is None:
            result.created += 1
        else:
            result.updated += 1

    return run_import(checker=checker, upload=upload, save=save)


def survey_template(*, user) -> bytes:
    orgs = Organization.objects.restrict(user, Action.REPORT).filter(
        kind=OrganizationKind.PREFECTURE_STA, is_active=True
    )
    return template_workbook(
        SURVEY_SHEET,
        lists=[(_("Organisations"), [_("Code"), _("Name")], [[o.code, o.name] for o in orgs])],
    )


def venue_template(*, user) -> bytes:
    orgs = Organization.objects.restrict(user, Action.REPORT).filter(
        kind=OrganizationKind.COUNTY_STA, is_active=True
    )
    return template_workbook(
        VENUE_SHEET,
        lists=[(_("Organisations"), [_("Code"), _("Name")], [[o.code, o.name] for o in orgs])],
    )
