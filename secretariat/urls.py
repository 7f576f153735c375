from django.urls import path

from secretariat import views

app_name = "secretariat"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("queues/", views.WorkQueuesView.as_view(), name="queues"),
    path("vocabularies/", views.VocabularyListView.as_view(), name="vocabularies"),
    path(
        "vocabularies/funding-sources/",
        views.FundingSourceListView.as_view(),
        name="fundingsource_list",
    ),
    path(
        "vocabularies/funding-sources/<int:pk>/edit/",
        views.FundingSourceUpdateView.as_view(),
        name="fundingsource_edit",
    ),
    path(
        "vocabularies/funding-sources/<int:pk>/delete/",
        views.funding_source_delete,
        name="fundingsource_delete",
    ),
]
