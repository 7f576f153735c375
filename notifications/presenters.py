"""How a notification reads and where it leads: one sentence and one address per kind, used by
the notifications page, the immediate emails and the digests alike. Sentences are built at
display time, in the reader's active language."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Notification

Kind = Notification.Kind


def _person(user) -> str:
    if user is None:
        return _("Someone")
    return user.full_name or _("A member")


def _status_label(model_status_choices, value: str) -> str:
    try:
        return str(model_status_choices(value).label)
    except ValueError:
        return value


def notification_sentence(notification: Notification) -> str:
    """What happened, in one sentence (plain text; templates escape it)."""
    n = notification
    kind = n.kind
    actor = _person(n.actor)
    thread = n.thread.title if n.thread_id else ""
    initiative = n.initiative.title if n.initiative_id else ""
    organisation = n.organisation.name if n.organisation_id else ""
    if kind == Kind.MENTION:
        return _("%(person)s mentioned you in “%(thread)s”") % {"person": actor, "thread": thread}
    if kind == Kind.REPLY:
        return _("%(person)s replied to your post in “%(thread)s”") % {
            "person": actor,
            "thread": thread,
        }
    if kind == Kind.THREAD_POST:
        return _("%(person)s posted in “%(thread)s”") % {"person": actor, "thread": thread}
    if kind == Kind.TOPIC_THREAD:
        return _("%(person)s started the thread “%(thread)s”") % {
            "person": actor,
            "thread": thread,
        }
    if kind == Kind.APPLICATION_DECISION:
        from members.models import ApplicationStatus

        return _("Your membership application for %(organisation)s is now: %(status)s") % {
            "organisation": n.application.organisation_name if n.application_id else "",
            "status": _status_label(ApplicationStatus, n.details.get("status", "")),
        }
    if kind == Kind.MEMBERSHIP_STATUS:
        if n.details.get("status") == "suspended":
            return _("The membership of %(organisation)s was suspended") % {
                "organisation": organisation
            }
        return _("The membership of %(organisation)s was reinstated") % {
            "organisation": organisation
        }
    if kind == Kind.JOIN_REQUEST:
        return _("%(person)s asks to represent %(organisation)s") % {
            "person": actor,
            "organisation": organisation,
        }
    if kind == Kind.JOIN_REQUEST_DECISION:
        if n.details.get("accepted"):
            return _("Your request to represent %(organisation)s was accepted") % {
                "organisation": organisation
            }
        return _("Your request to represent %(organisation)s was declined") % {
            "organisation": organisation
        }
    if kind == Kind.PARTNER_REQUEST:
        if n.details.get("invitation"):
            return _("%(organisation)s is invited to join the initiative “%(initiative)s”") % {
                "organisation": organisation,
                "initiative": initiative,
            }
        return _("%(organisation)s asks to join the initiative “%(initiative)s”") % {
            "organisation": organisation,
            "initiative": initiative,
        }
    if kind == Kind.PARTNER_REQUEST_DECISION:
        if n.details.get("accepted"):
            return _("%(organisation)s joins the initiative “%(initiative)s”") % {
                "organisation": organisation,
                "initiative": initiative,
            }
        return _("%(organisation)s will not join the initiative “%(initiative)s”") % {
            "organisation": organisation,
            "initiative": initiative,
        }
    if kind == Kind.INITIATIVE_STATUS:
        from initiatives.models import InitiativeStatus

        return _("The initiative “%(initiative)s” is now: %(status)s") % {
            "initiative": initiative,
            "status": _status_label(InitiativeStatus, n.details.get("status", "")),
        }
    if kind == Kind.INITIATIVE_UPDATE:
        if n.details.get("title"):
            return _("News in the initiative “%(initiative)s”: %(title)s") % {
                "initiative": initiative,
                "title": n.details["title"],
            }
        return _("The initiative “%(initiative)s” was updated") % {"initiative": initiative}
    if kind == Kind.MATCHING_INITIATIVE:
        return _("A new joint initiative in your themes: “%(initiative)s”") % {
            "initiative": initiative
        }
    if kind == Kind.MATCHING_ORGANISATION:
        return _("A new member in your themes: %(organisation)s") % {"organisation": organisation}
    if kind == Kind.ANNOUNCEMENT:
        return _("Announcement from the secretariat: %(title)s") % {
            "title": n.announcement.title if n.announcement_id else ""
        }
    return str(n.get_kind_display())


def notification_target_url(notification: Notification) -> str:
    """The page of the notification's object (a path; emails prefix the site address)."""
    n = notification
    if n.post_id:
        return reverse(
            "dialogues:post_permalink", kwargs={"pk": n.thread_id, "number": n.post.number}
        )
    if n.thread_id:
        return reverse("dialogues:thread_detail", kwargs={"pk": n.thread_id})
    if n.announcement_id:
        return reverse("notifications:announcement_detail", kwargs={"pk": n.announcement_id})
    if n.kind == Kind.JOIN_REQUEST and n.organisation_id:
        return reverse("members:join_request_list", kwargs={"slug": n.organisation.slug})
    if n.kind == Kind.PARTNER_REQUEST and n.initiative_id:
        if n.details.get("invitation"):
            return reverse("initiatives:my_initiatives")
        return reverse("initiatives:partner_requests", kwargs={"slug": n.initiative.slug})
    if n.initiative_id:
        return n.initiative.get_absolute_url()
    if n.application_id:
        return n.application.get_absolute_url()
    if n.kind == Kind.JOIN_REQUEST_DECISION:
        return reverse("members:my_membership")
    if n.organisation_id:
        return n.organisation.get_absolute_url()
    return reverse("notifications:list")


# --- Digest folding ------------------------------------------------------------------------


def folded_lines(notifications: list[Notification]) -> list[str]:
    """A group's notifications (one thread or one initiative, newest first) as a few lines:
    repeats of a kind fold into one line with their count."""
    by_kind: dict[str, list[Notification]] = {}
    for notification in notifications:
        by_kind.setdefault(notification.kind, []).append(notification)
    lines = []
    for kind, items in by_kind.items():
        count = len(items)
        if count == 1 or kind not in FOLDABLE:
            lines.extend(notification_sentence(item) for item in items)
        else:
            lines.append(FOLDABLE[kind](count))
    return lines


FOLDABLE = {
    Kind.THREAD_POST: lambda count: (
        ngettext("%(count)d new post", "%(count)d new posts", count) % {"count": count}
    ),
    Kind.MENTION: lambda count: (
        ngettext(
            "You were mentioned in %(count)d post", "You were mentioned in %(count)d posts", count
        )
        % {"count": count}
    ),
    Kind.REPLY: lambda count: (
        ngettext("%(count)d reply to your posts", "%(count)d replies to your posts", count)
        % {"count": count}
    ),
    Kind.INITIATIVE_UPDATE: lambda count: (
        ngettext("%(count)d update", "%(count)d updates", count) % {"count": count}
    ),
}
