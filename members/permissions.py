"""Who may do what in the members app. The secretariat is a group with its own permissions."""

SECRETARIAT_GROUP = "Secretariat"
# app_label.codename of every permission the secretariat group holds.
SECRETARIAT_PERMISSIONS = [
    "members.review_membershipapplication",
    "members.change_membership_status",
    "members.add_policytheme",
    "members.change_policytheme",
    "members.view_organisation",
]


def is_secretariat(user) -> bool:
    return user.is_authenticated and user.has_perm("members.review_membershipapplication")


def representative_of(user):
    """The user's Representative row, or None (one query at most, cached on the user)."""
    if not user.is_authenticated:
        return None
    try:
        return user.representative
    except user._meta.model.representative.RelatedObjectDoesNotExist:
        return None


def is_contact_of(user, organisation) -> bool:
    representative = representative_of(user)
    return bool(
        representative
        and representative.organisation_id == organisation.pk
        and representative.is_contact
    )


def is_active_member(user) -> bool:
    """A representative of an organisation whose membership is active."""
    representative = representative_of(user)
    return bool(representative and representative.organisation.is_active_member)
