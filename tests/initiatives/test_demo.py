"""The demo initiatives: every status, partners, commitments, news, threads, and a
near-duplicate pair that the similarity finds; seeded once."""

import pytest

from dialogues.models import Thread
from initiatives import demo
from initiatives.models import (
    Commitment,
    Initiative,
    InitiativeEvent,
    InitiativeStatus,
    NewsUpdate,
    PartnerRequest,
)
from initiatives.selectors import InitiativeDraft, initiative_similar
from members import demo as members_demo

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (Initiative, Commitment, NewsUpdate, PartnerRequest, InitiativeEvent, Thread)
    ]


def test_the_demo_initiatives_are_seeded_once():
    demo.seed()  # without the members demo there is nobody to lead: nothing happens
    assert not Initiative.objects.exists()

    members_demo.seed()
    demo.seed()
    assert set(Initiative.objects.values_list("status", flat=True)) == set(InitiativeStatus.values)
    for initiative in Initiative.objects.all():
        assert initiative.thread is not None and initiative.thread.initiative == initiative
        assert initiative.partners.filter(role="lead", left_at__isnull=True).get().organisation == (
            initiative.lead_organisation
        )
    assert Initiative.objects.filter(partners__role="partner").distinct().count() >= 2
    assert Commitment.objects.filter(superseded_at__isnull=False).exists()  # a history
    assert NewsUpdate.objects.count() >= 2
    assert PartnerRequest.objects.filter(status="pending", kind="request").exists()
    assert PartnerRequest.objects.filter(status="pending", kind="invitation").exists()
    assert PartnerRequest.objects.filter(status="closed").exists()
    assert InitiativeEvent.objects.filter(kind="lead_handed_over").exists()
    assert InitiativeEvent.objects.filter(kind="partner_left").exists()

    twin = Initiative.objects.get(title=demo.HYDROGEN_TWIN)
    (first, *_rest) = initiative_similar(draft=InitiativeDraft.from_initiative(twin), exclude=twin)
    assert first.item == Initiative.objects.get(title=demo.HYDROGEN)
    assert any(reason.startswith("same funding source") for reason in first.reasons)

    before = _counts()
    demo.seed()
    assert _counts() == before
