"""Paging scoped lists without making the database join every row in scope first."""

from django.core.paginator import Paginator


def ids_first(queryset, bottom: int, top: int):
    """Rows `bottom`..`top` of `queryset`, picking the page's keys before joining anything.

    The keys are read first, as a list: given them as a subquery, PostgreSQL, misjudging how
    many rows a subtree holds, may still join every row in scope to its relations before
    keeping the page (an API list of a province's reports took 240 ms so; see `make bench`).
    """
    keys = list(queryset.values_list("pk", flat=True)[bottom:top])
    return queryset.filter(pk__in=keys)


class IdsFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(ids_first(self.object_list, bottom, top), number, self)
