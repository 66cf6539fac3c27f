"""Routes of the organisation and account pages."""

from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("orgs/", views.OrganizationListView.as_view(), name="organization_list"),
    path("orgs/<slug:code>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("users/", views.AccountListView.as_view(), name="account_list"),
    path("users/new/", views.AccountCreateView.as_view(), name="account_create"),
    path("users/<int:pk>/", views.AccountDetailView.as_view(), name="account_detail"),
    path("users/<int:pk>/roles/", views.AccountRoleGrantView.as_view(), name="account_grant"),
    path(
        "users/<int:account_pk>/roles/<int:pk>/withdraw/",
        views.MembershipWithdrawView.as_view(),
        name="membership_withdraw",
    ),
    path("users/<int:pk>/edit/", views.AccountEditView.as_view(), name="account_edit"),
    path("users/<int:pk>/password/", views.AccountPasswordView.as_view(), name="account_password"),
    path("users/<int:pk>/active/", views.AccountActiveView.as_view(), name="account_active"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("audit/export.<str:fmt>", views.AuditExportView.as_view(), name="audit_export"),
    path("users/<int:pk>/unlock/", views.AccountUnlockView.as_view(), name="account_unlock"),
]
