"""A person with a footprint in every corner of the portal, for the export and deletion tests."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from dialogues import services as dialogue_services
from dialogues.models import Post, Thread
from dialogues.rendering import mention_markup
from initiatives import services as initiative_services
from members.models import (
    JoinRequest,
    Representative,
    RepresentativeInvitation,
)
from outbox.services import email_send_templated
from tests.dialogues.factories import PostFactory, ThreadFactory, TopicFactory
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import (
    ContactFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    RepresentativeFactory,
)

RICH_NAME = "Zéphyrine O'Quaglietti"
RICH_EMAIL = "Zephyrine.Quaglietti@agence-xylo.eu"


@dataclass
class Footprint:
    person: object
    organisation: object
    colleague: object
    other: object
    thread: Thread
    own_post: Post
    mentioning_post: Post


def rich_person() -> Footprint:
    """A representative (not the contact) of "Agence Xylo" who has started a thread, posted,
    edited, been mentioned, mentioned others, marked, flagged, followed, applied, asked to
    join, been invited, posted news, signed in with 2FA and received email."""
    organisation = OrganisationFactory(name="Agence Xylo", slug="agence-xylo", country="FR")
    colleague = ContactFactory(organisation=organisation, user__full_name="Colette Contact").user
    person = RepresentativeFactory(
        organisation=organisation,
        user__full_name=RICH_NAME,
        user__email=RICH_EMAIL,
        position="Cluster policy officer",
    ).user
    other = RepresentativeFactory(user__full_name="Oskar Other").user

    topic = TopicFactory(title="Green transition")
    thread = ThreadFactory(topic=topic, author=person, title="Funding cluster managements")
    own_post = Post.objects.get(thread=thread, number=1)
    dialogue_services.post_edit(
        post=own_post,
        acting_user=person,
        body=f"We fund three years. What do you do, {mention_markup(other)}?",
    )
    mentioning_post = PostFactory(
        thread=thread,
        author=other,
        body=f"Thanks {mention_markup(person)}, we fund five years.",
    )
    dialogue_services.post_mark_useful(post=mentioning_post, user=person)
    dialogue_services.post_flag(post=mentioning_post, user=person, reason="Off topic, I think.")
    dialogue_services.follow_set(user=person, state="following", topic=topic)

    MembershipApplicationFactory(applicant=person, status="withdrawn")
    JoinRequest.objects.create(
        user=person,
        organisation=OrganisationFactory(name="Other agency"),
        position="Officer",
        message="I moved here from another agency.",
        status=JoinRequest.Status.DECLINED,
    )
    RepresentativeInvitation.objects.create(
        organisation=organisation,
        email=person.email,
        role=Representative.Role.REPRESENTATIVE,
        invited_by=colleague,
        status=RepresentativeInvitation.Status.ACCEPTED,
    )
    initiative = InitiativeFactory(proposer=colleague, title="Circular plastics")
    initiative_services.news_update_post(
        initiative=initiative,
        acting_user=person,
        title="Kick-off",
        body=f"The kick-off was great, said {mention_markup(person)}.",
    )
    Authenticator.objects.create(
        user=person, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    UserSession.objects.create(
        user=person, ip="192.0.2.10", session_key="k" * 32, user_agent="Firefox"
    )
    email_send_templated(
        to=[person.email],
        template="members/join_request_decided",
        context={"recipient": person, "join_request": JoinRequest.objects.get(user=person)},
    )
    # A message to someone else that names the person.
    email_send_templated(
        to=[colleague.email],
        template="members/join_request_received",
        context={"recipient": colleague, "join_request": JoinRequest.objects.get(user=person)},
    )
    return Footprint(
        person=person,
        organisation=organisation,
        colleague=colleague,
        other=other,
        thread=thread,
        own_post=own_post,
        mentioning_post=mentioning_post,
    )
