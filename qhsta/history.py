"""Change history (django-simple-history) as people read it: who, when, field: old → new.

Related rows a change names by id are looked up through the scoping API, so the history of a
visible object never names an organisation (or other row) the reader may not see.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import get_m2m_reverse_field_name

from qhsta.scoping import Scope
from qhsta.templatetags.portal import number


def _show(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dt.datetime):
        # the portal's one clock (Asia/Shanghai), as the row's own time beside it
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class RelatedNames:
    """Names of the related rows history mentions by id, read through the scoping API."""

    def __init__(self, user):
        self.user = user
        self.cache: dict[type, dict] = {}

    def _load(self, model, ids: set) -> dict:
        known = self.cache.setdefault(model, {})
        missing = {i for i in ids if i is not None and i not in known}
        if missing:
            if isinstance(getattr(model, "scope", None), Scope):
                rows = model._default_manager.restrict(self.user).filter(pk__in=missing)
                known.update(
                    {row.pk: getattr(row, "display_name", None) or str(row) for row in rows}
                )
            elif model is get_user_model():
                rows = model._default_manager.filter(pk__in=missing)
                known.update({u.pk: u.get_full_name() or u.get_username() for u in rows})
            for i in missing:
                known.setdefault(i, f"#{i}")
        return known

    def one(self, model, pk) -> str:
        return "" if pk is None else self._load(model, {pk})[pk]

    def many(self, model, pks: list) -> str:
        names = self._load(model, set(pks))
        return "、".join(sorted(names[pk] for pk in pks))


def _readable(model, change, names: RelatedNames) -> dict:
    field = model._meta.get_field(change.field)
    if field.many_to_many:
        key = get_m2m_reverse_field_name(field)  # the through row's column naming the target

        def ids(rows):
            return [row[key] for row in rows or ()]

        target = field.related_model
        old, new = names.many(target, ids(change.old)), names.many(target, ids(change.new))
    elif field.is_relation:
        target = field.related_model
        old, new = names.one(target, change.old), names.one(target, change.new)
    else:
        labels = dict(field.choices or ())
        old = _show(labels.get(change.old, change.old))
        new = _show(labels.get(change.new, change.new))
    return {"field": field.verbose_name, "old": old, "new": new}


def history_entries(*, user, model, records, label=None) -> list[dict]:
    """One entry per saved version of any objects of `model`, oldest first; each version is
    compared with the previous version of the same object. `label(record)` names the object."""
    names = RelatedNames(user)
    previous: dict = {}
    entries = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        older = previous.get(record.id)
        diff = []
        if older is not None and record.history_type != "-":
            diff = [_readable(model, c, names) for c in record.diff_against(older).changes]
        entries.append(
            {"record": record, "changes": diff, "object": label(record, names) if label else ""}
        )
        previous[record.id] = record
    return entries
