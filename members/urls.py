from django.urls import path

from eca_portal.shared_pages import cached_for_everyone, cached_per_audience
from members.views import applications, directory, member_import, organisation, themes

app_name = "members"

# Fixed paths first: organisation slugs never take these words (members.services.RESERVED_SLUGS).
urlpatterns = [
    # The public directory.
    path(
        "", cached_for_everyone(directory.OrganisationListView.as_view()), name="organisation_list"
    ),
    path("directory.csv", directory.organisation_list_csv, name="organisation_list_csv"),
    # Applying, and the secretariat's review.
    path("apply/", applications.ApplicationCreateView.as_view(), name="application_create"),
    path("me/", applications.MyMembershipView.as_view(), name="my_membership"),
    path(
        "applications/<int:pk>/",
        applications.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/respond/",
        applications.ApplicationRespondView.as_view(),
        name="application_respond",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/document/",
        applications.application_document,
        name="application_document",
    ),
    path("review/", applications.ApplicationQueueView.as_view(), name="application_queue"),
    path(
        "review/<int:pk>/", applications.ApplicationReviewView.as_view(), name="application_review"
    ),
    path("review/<int:pk>/decide/", applications.application_decide, name="application_decide"),
    # The secretariat's vocabulary of policy themes.
    path("themes/", themes.PolicyThemeListView.as_view(), name="policytheme_list"),
    path("themes/<int:pk>/edit/", themes.PolicyThemeUpdateView.as_view(), name="policytheme_edit"),
    # Joining an existing member, and invitations.
    path(
        "join-requests/<int:pk>/decide/",
        applications.join_request_decide,
        name="join_request_decide",
    ),
    path(
        "join-requests/<int:pk>/withdraw/",
        applications.join_request_withdraw,
        name="join_request_withdraw",
    ),
    path(
        "invitations/<int:pk>/",
        applications.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    # The secretariat's import and export of members (CSV).
    path("import/", member_import.MemberImportView.as_view(), name="member_import"),
    path(
        "import/review/",
        member_import.MemberImportReviewView.as_view(),
        name="member_import_review",
    ),
    path(
        "import/apply/", member_import.MemberImportApplyView.as_view(), name="member_import_apply"
    ),
    path("export/", member_import.MemberExportView.as_view(), name="member_export"),
    # One organisation.
    path(
        "<slug:slug>/",
        cached_per_audience(organisation.profile_audience)(
            organisation.OrganisationDetailView.as_view()
        ),
        name="organisation_detail",
    ),
    path("<slug:slug>/logo/", organisation.organisation_logo, name="organisation_logo"),
    path(
        "<slug:slug>/edit/", organisation.OrganisationUpdateView.as_view(), name="organisation_edit"
    ),
    path(
        "<slug:slug>/programmes/add/",
        organisation.ProgrammeCreateView.as_view(),
        name="programme_create",
    ),
    path(
        "<slug:slug>/programmes/<int:pk>/edit/",
        organisation.ProgrammeUpdateView.as_view(),
        name="programme_update",
    ),
    path(
        "<slug:slug>/programmes/<int:pk>/delete/",
        organisation.ProgrammeDeleteView.as_view(),
        name="programme_delete",
    ),
    path(
        "<slug:slug>/representatives/",
        organisation.RepresentativeManageView.as_view(),
        name="representative_manage",
    ),
    path(
        "<slug:slug>/join/",
        applications.JoinRequestCreateView.as_view(),
        name="join_request_create",
    ),
    path(
        "<slug:slug>/join-requests/",
        applications.JoinRequestListView.as_view(),
        name="join_request_list",
    ),
    path(
        "<slug:slug>/status/", organisation.MembershipStatusView.as_view(), name="membership_status"
    ),
]
