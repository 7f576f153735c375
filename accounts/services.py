import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import F, Func, Q, TextField, Value
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.models import User
from dialogues.rendering import MENTION_RE, render_markdown


@transaction.atomic
def user_profile_update(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Remember the language a signed-in person chose with the switcher (emails use it too)."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- The person's own data: export and deletion ---------------------------------------------


@dataclass(frozen=True)
class ExportSection:
    """One list in the data export: the rows of `model` whose `user_field` is the person,
    with the columns `fields` (None: every column but the key and the person's own link)."""

    key: str
    model: str
    user_field: str
    fields: tuple | None


# Every relation from another table to the person, and where it is exported. tests/accounts/
# test_privacy_export.py fails when a model gains a link to the user that is in neither this
# list nor EXPORT_EXCLUDED_RELATIONS, so a new feature cannot forget the person's rights.
EXPORT_SECTIONS = (
    ExportSection(
        "email_addresses", "account.EmailAddress", "user", ("email", "primary", "verified")
    ),
    # The kinds of second factor and when they were used; never their secrets.
    ExportSection(
        "two_factor_methods", "mfa.Authenticator", "user", ("type", "created_at", "last_used_at")
    ),
    # Where and when the person is signed in; never the session keys.
    ExportSection(
        "sessions",
        "usersessions.UserSession",
        "user",
        ("ip", "user_agent", "created_at", "last_seen_at"),
    ),
    ExportSection(
        "admin_actions",
        "admin.LogEntry",
        "user",
        ("action_time", "content_type__model", "object_repr", "action_flag", "change_message"),
    ),
    ExportSection(
        "representative",
        "members.Representative",
        "user",
        ("organisation__name", "role", "position", "joined_at"),
    ),
    ExportSection(
        "membership_applications",
        "members.MembershipApplication",
        "applicant",
        (
            "id",
            "status",
            "organisation_name",
            "kind",
            "country",
            "region_code",
            "nuts_code",
            "website",
            "description",
            "applicant_position",
            "mandate",
            "motivation",
            "information_request",
            "applicant_response",
            "decision_reason",
            "submitted_at",
            "decided_at",
        ),
    ),
    ExportSection(
        "application_status_changes",
        "members.ApplicationTransition",
        "actor",
        (
            "application_id",
            "application__organisation_name",
            "from_status",
            "to_status",
            "note",
            "created_at",
        ),
    ),
    ExportSection(
        "join_requests",
        "members.JoinRequest",
        "user",
        (
            "organisation__name",
            "position",
            "message",
            "status",
            "decision_note",
            "created_at",
            "decided_at",
        ),
    ),
    ExportSection(
        "join_requests_answered",
        "members.JoinRequest",
        "decided_by",
        ("organisation__name", "status", "decision_note", "decided_at"),
    ),
    ExportSection(
        "invitations_sent",
        "members.RepresentativeInvitation",
        "invited_by",
        ("organisation__name", "email", "role", "status", "created_at", "decided_at"),
    ),
    ExportSection(
        "membership_status_changes",
        "members.MembershipStatusChange",
        "actor",
        ("organisation__name", "from_status", "to_status", "note", "created_at"),
    ),
    ExportSection(
        "topics_created", "dialogues.Topic", "created_by", ("title", "slug", "created_at")
    ),
    ExportSection("topics_moderated", "dialogues.Topic", "moderators", ("title", "slug")),
    ExportSection(
        "threads_started",
        "dialogues.Thread",
        "author",
        ("id", "topic__title", "title", "kind", "created_at"),
    ),
    ExportSection(
        "posts",
        "dialogues.Post",
        "author",
        (
            "id",
            "thread_id",
            "thread__title",
            "number",
            "body",
            "reply_to_id",
            "created_at",
            "edited_at",
            "hidden_at",
        ),
    ),
    ExportSection(
        "posts_hidden_as_moderator",
        "dialogues.Post",
        "hidden_by",
        ("id", "thread__title", "number", "hidden_at", "hidden_reason"),
    ),
    ExportSection(
        "post_edits",
        "dialogues.PostRevision",
        "edited_by",
        ("post_id", "post__thread__title", "post__number", "body", "created_at"),
    ),
    ExportSection(
        "useful_marks",
        "dialogues.UsefulMark",
        "user",
        ("post_id", "post__thread__title", "post__number", "created_at"),
    ),
    ExportSection(
        "mentions",
        "dialogues.Mention",
        "user",
        ("post_id", "post__thread__title", "post__number", "created_at"),
    ),
    ExportSection(
        "flags_raised",
        "dialogues.Flag",
        "flagged_by",
        (
            "post_id",
            "post__thread__title",
            "post__number",
            "reason",
            "created_at",
            "resolved_at",
            "resolution",
        ),
    ),
    ExportSection(
        "flags_resolved",
        "dialogues.Flag",
        "resolved_by",
        ("post_id", "resolution", "resolution_note", "resolved_at"),
    ),
    ExportSection(
        "moderation_actions",
        "dialogues.ModerationAction",
        "actor",
        ("action", "topic__title", "thread__title", "post_id", "reason", "details", "created_at"),
    ),
    ExportSection(
        "follows",
        "dialogues.Follow",
        "user",
        ("topic__title", "thread__title", "state", "created_at"),
    ),
    ExportSection(
        "read_positions",
        "dialogues.ReadState",
        "user",
        ("thread__title", "last_read_post_number", "updated_at"),
    ),
    ExportSection(
        "outcomes_concluded",
        "dialogues.Outcome",
        "concluded_by",
        ("thread__title", "version", "created_at"),
    ),
    ExportSection(
        "outcome_versions_written",
        "dialogues.OutcomeRevision",
        "author",
        ("outcome__thread__title", "version", "summary", "created_at"),
    ),
    ExportSection(
        "outcome_endorsements",
        "dialogues.OutcomeEndorsement",
        "endorsed_by",
        (
            "outcome__thread__title",
            "organisation__name",
            "outcome_version",
            "created_at",
            "withdrawn_at",
        ),
    ),
    ExportSection(
        "outcome_endorsements_withdrawn",
        "dialogues.OutcomeEndorsement",
        "withdrawn_by",
        ("outcome__thread__title", "organisation__name", "withdrawn_at"),
    ),
    ExportSection(
        "initiatives_proposed",
        "initiatives.Initiative",
        "created_by",
        ("title", "slug", "status", "created_at"),
    ),
    ExportSection(
        "partner_requests_sent",
        "initiatives.PartnerRequest",
        "created_by",
        (
            "initiative__title",
            "organisation__name",
            "kind",
            "role",
            "statement",
            "status",
            "created_at",
        ),
    ),
    ExportSection(
        "partner_requests_answered",
        "initiatives.PartnerRequest",
        "decided_by",
        (
            "initiative__title",
            "organisation__name",
            "kind",
            "status",
            "decision_note",
            "decided_at",
        ),
    ),
    ExportSection(
        "commitments_recorded",
        "initiatives.Commitment",
        "recorded_by",
        (
            "initiative__title",
            "organisation__name",
            "kind",
            "amount",
            "description",
            "created_at",
            "superseded_at",
        ),
    ),
    ExportSection(
        "news_posted",
        "initiatives.NewsUpdate",
        "author",
        ("initiative__title", "organisation__name", "title", "body", "created_at"),
    ),
    ExportSection(
        "documents_added",
        "initiatives.InitiativeDocument",
        "uploaded_by",
        ("initiative__title", "title", "original_name", "content_type", "size", "created_at"),
    ),
    ExportSection(
        "initiative_changes",
        "initiatives.InitiativeEvent",
        "actor",
        ("initiative__title", "kind", "from_status", "to_status", "note", "created_at"),
    ),
    ExportSection(
        "notifications",
        "notifications.Notification",
        "recipient",
        ("kind", "thread__title", "post__number", "created_at", "read_at"),
    ),
    ExportSection(
        "notifications_you_caused",
        "notifications.Notification",
        "actor",
        ("kind", "thread__title", "post__number", "created_at"),
    ),
    # Models of the notifications rework; each is exported when the model exists.
    ExportSection("notification_preferences", "notifications.NotificationPreference", "user", None),
    ExportSection("digest_deliveries", "notifications.DigestDelivery", "user", None),
    ExportSection(
        "announcements_written",
        "notifications.Announcement",
        "author",
        ("title", "body", "status", "created_at", "sent_at"),
    ),
)

# Links to the person that are not exported, each with the reason ("<app.Model>.<field>").
EXPORT_EXCLUDED_RELATIONS = {
    "accounts.User_groups.user": "exported as profile.groups",
    "accounts.User_user_permissions.user": "exported as profile.permissions",
    "dialogues.Topic_moderators.user": "exported as topics_moderated",
}


def _export_rows(section: ExportSection, user) -> list | None:
    try:
        model = apps.get_model(section.model)
    except LookupError:
        return None
    fields = section.fields
    if fields is None:
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name != section.user_field
        ]
    return list(model.objects.filter(**{section.user_field: user}).order_by("pk").values(*fields))


def user_data_export(*, user: User) -> dict:
    """Everything the portal holds about the person, as JSON-ready data (dates and decimals
    are left to DjangoJSONEncoder). A fixed number of queries: one per section."""
    from members.models import RepresentativeInvitation
    from outbox.models import OutboundEmail

    data = {
        "exported_at": timezone.now(),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(
                f"{app_label}.{codename}"
                for app_label, codename in user.user_permissions.values_list(
                    "content_type__app_label", "codename"
                )
            ),
        },
    }
    for section in EXPORT_SECTIONS:
        rows = _export_rows(section, user)
        if rows is not None:
            data[section.key] = rows
    # Rows that name the person by address rather than by account.
    data["invitations_received"] = list(
        RepresentativeInvitation.objects.filter(email__iexact=user.email)
        .order_by("pk")
        .values("organisation__name", "role", "status", "created_at", "decided_at")
    )
    data["emails_sent_to_you"] = list(
        OutboundEmail.objects.filter(_addressed_to_q(user.email))
        .order_by("pk")
        .values("subject", "status", "created_at", "sent_at")
    )
    return data


def _addressed_to_q(email: str) -> Q:
    addresses = sorted({email, email.lower()})
    q = Q()
    for field in ("to", "cc", "bcc", "reply_to"):
        q |= Q(**{f"{field}__overlap": addresses})
    return q


class AccountDeletionRefused(Exception):
    """The account cannot go yet (the organisation's last contact must hand over first)."""

    def __init__(self, message, *, organisation=None):
        super().__init__(message)
        self.organisation = organisation


def user_deletion_blocker(*, user: User):
    """The organisation whose last contact the person is (they must hand over first), or None."""
    from members.models import Representative

    representative = Representative.objects.select_related("organisation").filter(user=user).first()
    if representative is None or not representative.is_contact:
        return None
    others = Representative.objects.filter(
        organisation_id=representative.organisation_id, role=Representative.Role.CONTACT
    ).exclude(pk=representative.pk)
    return None if others.exists() else representative.organisation


def former_member_label(organisation_name: str) -> str:
    """How a deleted person is named in what stays (in the portal's default language, as it
    is written into other people's text)."""
    with translation.override(settings.LANGUAGE_CODE):
        if organisation_name:
            return gettext("A former member of %(organisation)s") % {
                "organisation": organisation_name
            }
        return gettext("A former member")


@transaction.atomic
def user_delete(*, user: User) -> None:
    """The person deletes their account. The account and their personal data go; what they
    wrote in the dialogues stays, attributed to "a former member of <organisation>":

    - their threads and posts keep their text, with the organisation's name as a snapshot;
    - their @mentions in anyone's posts, edit history, outcomes and initiative texts become
      that label as plain text (the name typed in the markup goes, and the link);
    - records that belong to an organisation (commitments, endorsements, news, documents,
      decisions) stay, with the person's link emptied (the foreign keys are SET_NULL);
    - their own rows (representative seat, applications, join requests, follows, read
      positions, marks, mentions, notifications, email addresses, second factors, sessions)
      are deleted with the account (CASCADE);
    - emails addressed to them are deleted from the outbox, and their name and address are
      replaced by the label in the emails others received and in the admin's log.

    Refused (AccountDeletionRefused) while they are their organisation's last contact."""
    from allauth.usersessions.models import UserSession
    from django.contrib.admin.models import LogEntry

    from dialogues.services import author_forget
    from initiatives.models import Initiative, NewsUpdate
    from members.models import Representative, RepresentativeInvitation
    from outbox.models import OutboundEmail

    user = User.objects.select_for_update().get(pk=user.pk)
    organisation = user_deletion_blocker(user=user)
    if organisation is not None:
        raise AccountDeletionRefused(
            gettext(
                "You are the last contact of %(organisation)s. Hand the contact role over to a "
                "colleague before you delete your account."
            )
            % {"organisation": organisation.name},
            organisation=organisation,
        )
    representative = Representative.objects.select_related("organisation").filter(user=user).first()
    organisation_name = representative.organisation.name if representative else ""
    label = former_member_label(organisation_name)

    author_forget(user=user, organisation_name=organisation_name, label=label)
    # Initiative texts are Markdown without linked mentions; a mention keeps its typed name.
    for model, source, html in (
        (NewsUpdate, "body", "body_html"),
        (Initiative, "description", "description_html"),
    ):
        for row in model.objects.filter(**{f"{source}__contains": f"](user:{user.pk})"}):
            text = mentions_replace(getattr(row, source), user_id=user.pk, label=label)
            setattr(row, source, text)
            setattr(row, html, render_markdown(text).html if text.strip() else "")
            row.save(update_fields=[source, html])

    RepresentativeInvitation.objects.filter(email__iexact=user.email).delete()
    OutboundEmail.objects.filter(_addressed_to_q(user.email)).delete()
    _text_replace(
        OutboundEmail.objects.all(),
        ("subject", "body_text", "body_html"),
        _personal_patterns(user),
        label,
    )
    _text_replace(LogEntry.objects.all(), ("object_repr",), _personal_patterns(user), label)

    for session in UserSession.objects.filter(user=user):
        session.end()
    user.delete()


def _personal_patterns(user) -> list[str]:
    """PostgreSQL regular expressions of the person's address (anywhere, any letter case) and,
    when it has at least two words, of their name (as whole words, also HTML-escaped). A
    one-word name is not searched for in other people's text: it would hit ordinary words."""
    patterns = ["(?i)" + re.escape(user.email)]
    name = " ".join(user.full_name.split())
    if " " in name:
        for variant in sorted({name, escape(name)}, key=len, reverse=True):
            start = r"\m" if variant[0].isalnum() else ""
            end = r"\M" if variant[-1].isalnum() else ""
            patterns.append(f"{start}{re.escape(variant)}{end}")
    return patterns


def _text_replace(queryset, fields, patterns, replacement) -> None:
    """Replace every match of each pattern in the text columns, in SQL, only in the rows that
    match."""
    for field in fields:
        for pattern in patterns:
            queryset.filter(**{f"{field}__regex": pattern}).update(
                **{
                    field: Func(
                        F(field),
                        Value(pattern),
                        Value(replacement.replace("\\", "\\\\").replace("&", "\\&")),
                        Value("g"),
                        function="regexp_replace",
                        output_field=TextField(),
                    )
                }
            )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~@])")


def mentions_replace(text: str, *, user_id: int, label: str) -> str:
    """The Markdown with each mention of the person replaced by "@label" as plain text."""
    plain = "@" + _MARKDOWN_SPECIAL.sub(r"\\\1", label)

    def replace(match):
        return plain if match.group(2) == str(user_id) else match.group(0)

    return MENTION_RE.sub(replace, text or "")
