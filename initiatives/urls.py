"""URLs of the joint initiatives."""

from django.urls import path

from eca_portal.shared_pages import cached_for_everyone, cached_per_audience
from initiatives.views import detail, directory, propose

app_name = "initiatives"

urlpatterns = [
    path("", cached_for_everyone(directory.InitiativeListView.as_view()), name="initiative_list"),
    path("initiatives.csv", directory.initiative_list_csv, name="initiative_list_csv"),
    path("propose/", propose.InitiativeProposeView.as_view(), name="initiative_propose"),
    path("<slug:slug>/edit/", propose.InitiativeEditView.as_view(), name="initiative_edit"),
]

# --- Partners, commitments, news, documents, status (the other pages' module) ---------------
# Added below this line; the initiative's page ("<slug>/") stays last so that it does not catch
# the fixed paths above it.
from initiatives.views import contributions, partners  # noqa: E402

urlpatterns += [
    path("mine/", partners.MyInitiativesView.as_view(), name="my_initiatives"),
    path(
        "requests/<int:pk>/decide/",
        partners.PartnerRequestDecideView.as_view(),
        name="partner_request_decide",
    ),
    path(
        "requests/<int:pk>/withdraw/",
        partners.PartnerRequestWithdrawView.as_view(),
        name="partner_request_withdraw",
    ),
    path(
        "invitations/<int:pk>/decide/",
        partners.PartnerInvitationDecideView.as_view(),
        name="partner_invitation_decide",
    ),
    path(
        "invitations/<int:pk>/cancel/",
        partners.PartnerInvitationCancelView.as_view(),
        name="partner_invitation_cancel",
    ),
    path("documents/<int:pk>/", contributions.document_download, name="document_download"),
    path(
        "<slug:slug>/join/",
        partners.PartnerRequestCreateView.as_view(),
        name="partner_request_create",
    ),
    path(
        "<slug:slug>/requests/", partners.PartnerRequestListView.as_view(), name="partner_requests"
    ),
    path("<slug:slug>/invite/", partners.PartnerInviteView.as_view(), name="partner_invite"),
    path("<slug:slug>/leave/", partners.PartnerLeaveView.as_view(), name="partner_leave"),
    path("<slug:slug>/lead/", partners.LeadHandoverView.as_view(), name="lead_handover"),
    path(
        "<slug:slug>/commitments/",
        contributions.CommitmentRecordView.as_view(),
        name="commitment_record",
    ),
    path(
        "<slug:slug>/commitments/withdraw/",
        contributions.CommitmentWithdrawView.as_view(),
        name="commitment_withdraw",
    ),
    path("<slug:slug>/news/", contributions.NewsUpdatePostView.as_view(), name="news_update_post"),
    path(
        "<slug:slug>/documents/add/",
        contributions.DocumentAddView.as_view(),
        name="document_add",
    ),
    path("<slug:slug>/status/", contributions.StatusChangeView.as_view(), name="status_change"),
]

# --- The initiative's page -------------------------------------------------------------------
urlpatterns += [
    path(
        "<slug:slug>/",
        cached_per_audience(detail.initiative_audience)(detail.InitiativeDetailView.as_view()),
        name="initiative_detail",
    ),
]
