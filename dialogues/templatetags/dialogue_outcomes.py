"""What the outcome panel (templates/dialogues/partials/outcome_panel.html) offers the person
looking at it: editing the outcome, and endorsing it for their organisation or withdrawing the
endorsement. Computed from what the thread page already loaded: no query of its own beyond the
person's role, which the page has loaded already."""

from dataclasses import dataclass

from django import template

from dialogues import permissions
from members.permissions import representative_of

register = template.Library()


@dataclass(frozen=True)
class OutcomeActions:
    can_conclude: bool
    organisation: object
    has_endorsed: bool
    can_endorse: bool
    can_withdraw: bool


@register.simple_tag(takes_context=True)
def outcome_actions(context, outcome, thread):
    """`{% outcome_actions outcome thread as actions %}` (outcome may be None)."""
    user = context["request"].user
    topic = thread.topic
    access = context.get("access") or permissions.topic_access(user=user, topic=topic)
    is_open = not topic.is_archived
    can_conclude = is_open and access.can_read and permissions.can_conclude(user, thread)
    organisation = None
    if access.can_react:
        representative = representative_of(user)
        organisation = representative.organisation if representative else None
    has_endorsed = bool(
        outcome is not None
        and organisation is not None
        and any(
            endorsement.organisation_id == organisation.pk
            for endorsement in outcome.standing_endorsements
        )
    )
    may_react = outcome is not None and organisation is not None and is_open
    return OutcomeActions(
        can_conclude=can_conclude,
        organisation=organisation,
        has_endorsed=has_endorsed,
        can_endorse=may_react and not has_endorsed,
        can_withdraw=may_react and has_endorsed,
    )
