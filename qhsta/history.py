"""Change history (django-simple-history) as people read it: who, when, field: old → new."""

from decimal import Decimal

from qhsta.templatetags.portal import number


def history_changes(records, model) -> list[dict]:
    """Entries for history records (any objects of `model`), each with its readable changes.

    Every record is compared with the previous record of the same object.
    """
    previous: dict = {}
    entries = []
    for record in sorted(records, key=lambda r: r.history_date):
        older = previous.get(record.id)
        diff = record.diff_against(older).changes if older is not None else []
        entries.append({"record": record, "changes": [_readable(model, c) for c in diff]})
        previous[record.id] = record
    return entries


def _readable(model, change) -> dict:
    field = model._meta.get_field(change.field)
    labels = dict(field.choices or ())

    def show(value):
        if isinstance(value, Decimal):
            return number(value)
        if hasattr(field, "remote_field") and field.remote_field and value is not None:
            target = field.remote_field.model._default_manager.filter(pk=value).first()
            return str(target) if target is not None else value
        return labels.get(value, value)

    return {"field": field.verbose_name, "old": show(change.old), "new": show(change.new)}
