"""Excel import of the expert bank."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs.models import Organization
from qhsta.scoping import Action
from qhsta.sheets import ImportRejected, RowChecker, SheetSpec, run_import, template_workbook

from . import services
from .choices import Availability
from .models import Expert

__all__ = ["EXPERT_SHEET", "ImportRejected", "expert_template", "import_experts"]

EXPERT_SHEET = SheetSpec(
    title="专家库",
    columns={
        "organization": "所属组织",
        "name": "姓名",
        "employer": "工作单位",
        "title": "职称",
        "expertise": "研究领域",
        "availability": "可用状态",
        "email": "电子邮箱",
        "phone": "联系电话",
    },
    required=("organization", "name", "expertise"),
    notes={
        "organization": gettext_lazy(
            "Required. The member body keeping the expert's record, by code or exact name."
        ),
        "name": gettext_lazy(
            "Required. A row with the same organisation, name and work unit "
            "as an existing expert changes that expert."
        ),
        "employer": gettext_lazy("Optional. The expert's work unit."),
        "title": gettext_lazy("Optional. Professional title, for example 研究员."),
        "expertise": gettext_lazy("Required. Research fields, separated by 、 or commas."),
        "availability": gettext_lazy("Optional: 可用 (the default), 有限 or 不可用."),
        "email": gettext_lazy("Optional."),
        "phone": gettext_lazy("Optional."),
    },
    max_rows=1000,
    widths={"organization": 26, "employer": 30, "expertise": 40},
)
AVAILABILITY = {
    "可用": Availability.AVAILABLE,
    "有限": Availability.LIMITED,
    "不可用": Availability.UNAVAILABLE,
}


class ExpertChecker(RowChecker):
    spec = EXPERT_SHEET

    def check(self, row: int, cells: dict):
        if not self.required(row, cells):
            return None
        before = len(self.errors)
        org = self.organization(row, "organization", cells["organization"])
        values = {
            "name": self.text(row, "name", cells, 100),
            "employer": self.text(row, "employer", cells, 200),
            "title": self.text(row, "title", cells, 100),
            "expertise": self.text(row, "expertise", cells, 300),
            "availability": self.choice(
                row, "availability", cells.get("availability"), Availability.choices, AVAILABILITY
            )
            or Availability.AVAILABLE,
            "email": self.text(row, "email", cells, 254),
            "phone": self.text(row, "phone", cells, 40),
        }
        if values["email"]:
            from django.core.exceptions import ValidationError
            from django.core.validators import validate_email

            try:
                validate_email(values["email"])
            except ValidationError:
                self.error(
                    row,
                    "email",
                    _("“%(value)s” is not an e-mail address.") % {"value": values["email"]},
                )
        if len(self.errors) > before:
            return None
        return {"row": row, "organization": org, **values}

    def finish(self, rows: list) -> None:
        seen = {}
        for item in rows:
            key = (item["organization"].pk, item["name"], item["employer"])
            if key in seen:
                self.error(
                    item["row"],
                    "name",
                    _("The same expert is already in row %(row)s.") % {"row": seen[key]},
                )
            seen.setdefault(key, item["row"])
        existing = Expert.objects.filter(
            organization__in=[i["organization"] for i in rows], name__in={i["name"] for i in rows}
        )
        self.existing = {(e.organization_id, e.name, e.employer): e for e in existing}


def import_experts(*, user, upload):
    """Read, check and save an expert list; raises ImportRejected with nothing saved."""
    checker = ExpertChecker(user=user)

    def save(item, result):
        key = (item["organization"].pk, item["name"], item["employer"])
        expert = checker.existing.get(key)
        fields = {k: v for k, v in item.items() if k not in ("row", "organization")}
        if expert is not None and all(getattr(expert, k) == v for k, v in fields.items()):
            result.unchanged += 1
            return
        services.expert_save(actor=user, organization=item["organization"], expert=expert, **fields)
        if expert is None:
            result.created += 1
        else:
            result.updated += 1

    return run_import(checker=checker, upload=upload, save=save)


def expert_template(*, user) -> bytes:
    orgs = Organization.objects.restrict(user, Action.REPORT).filter(is_active=True)
    return template_workbook(
        EXPERT_SHEET,
        lists=[(_("Organisations"), [_("Code"), _("Name")], [[o.code, o.name] for o in orgs])],
    )
