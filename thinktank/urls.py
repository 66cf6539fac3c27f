"""Routes of the think-tank pages (namespace "thinktank")."""

from django.urls import path

from . import views

app_name = "thinktank"

urlpatterns = [
    path("", views.CallListView.as_view(), name="call_list"),
    path("calls/new/", views.CallFormView.as_view(), name="call_create"),
    path("calls/<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
    path("calls/<int:pk>/edit/", views.CallFormView.as_view(), name="call_edit"),
    path("calls/<int:pk>/move/", views.CallTransitionView.as_view(), name="call_transition"),
    path("calls/<int:call_pk>/apply/", views.TopicFormView.as_view(), name="topic_create"),
    path("topics/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<int:pk>/edit/", views.TopicFormView.as_view(), name="topic_edit"),
    path("topics/<int:pk>/move/", views.TopicTransitionView.as_view(), name="topic_transition"),
    path(
        "topics/<int:pk>/report/<str:which>/",
        views.TopicReportView.as_view(),
        name="topic_report",
    ),
    path("topics/<int:pk>/reviews/", views.ReviewAssignView.as_view(), name="review_assign"),
    path("reviews/<int:pk>/", views.ReviewScoreView.as_view(), name="review_score"),
    path("experts/", views.ExpertListView.as_view(), name="expert_list"),
    path("experts/new/", views.ExpertFormView.as_view(), name="expert_create"),
    path("experts/import/", views.ExpertImportView.as_view(), name="expert_import"),
    path(
        "experts/import/template.xlsx",
        views.ExpertTemplateView.as_view(),
        name="expert_template",
    ),
    path("experts/<int:pk>/", views.ExpertFormView.as_view(), name="expert_edit"),
    path("consulting-topics/", views.ConsultingTopicListView.as_view(), name="consulting_list"),
    path(
        "consulting-topics/new/",
        views.ConsultingTopicFormView.as_view(),
        name="consulting_create",
    ),
    path(
        "consulting-topics/<int:pk>/",
        views.ConsultingTopicFormView.as_view(),
        name="consulting_edit",
    ),
    path(
        "consulting-topics/<int:pk>/adopt/",
        views.ConsultingTopicAdoptView.as_view(),
        name="consulting_adopt",
    ),
    path("results/", views.ResultListView.as_view(), name="result_list"),
    path("results/new/", views.ResultFormView.as_view(), name="result_create"),
    path("results/<int:pk>/", views.ResultFormView.as_view(), name="result_edit"),
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestion_list"),
    path("suggestions/new/", views.SuggestionCreateView.as_view(), name="suggestion_create"),
    path("suggestions/<int:pk>/", views.SuggestionDetailView.as_view(), name="suggestion_detail"),
    path(
        "suggestions/<int:pk>/handle/",
        views.SuggestionHandleView.as_view(),
        name="suggestion_handle",
    ),
]
