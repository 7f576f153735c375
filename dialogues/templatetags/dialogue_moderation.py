"""Moderation links on the dialogue pages, decided from what the page already loaded."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def moderates_any_of(context, topics) -> bool:
    """Whether the signed-in person is a named moderator of one of `topics` (whose moderators the
    topic list prefetched): no query. `{% moderates_any_of topics as moderating %}`."""
    user = context["request"].user
    if not user.is_authenticated:
        return False
    return any(moderator.pk == user.pk for topic in topics for moderator in topic.moderators.all())
