"""Every API list is paged, with a page-size cap (API_MAX_PAGE_SIZE) and the page picked by keys
first (qhsta.scoping.pagination), so a large scope is not joined in full before the page."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination

from qhsta.scoping.pagination import IdsFirstPaginator


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    _known_count = None

    def django_paginator_class(self, queryset, per_page):
        paginator = IdsFirstPaginator(queryset, per_page)
        if self._known_count is not None:  # counted already, with the ETag's aggregate
            paginator.__dict__["count"] = self._known_count
        return paginator

    def paginate_queryset(self, queryset, request, view=None):
        self._known_count = getattr(view, "known_count", None)
        return super().paginate_queryset(queryset, request, view)

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = []
        if self.get_next_link():
            links.append(f'<{self.get_next_link()}>; rel="next"')
        if self.get_previous_link():
            links.append(f'<{self.get_previous_link()}>; rel="prev"')
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(self.page.paginator.count)
        return response
