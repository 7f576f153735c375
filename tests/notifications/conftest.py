"""The dialogues' people and topics: notifications are about their posts."""

from tests.dialogues.conftest import (  # noqa: F401 - fixtures
    member,
    members_topic,
    moderator,
    non_member,
    other_member,
    topic,
)
