import pytest
from django.core.management import CommandError, call_command

from members.models import (
    ApplicationStatus,
    FoundingNetwork,
    JoinRequest,
    MembershipApplication,
    Organisation,
    Representative,
)
from members.permissions import is_secretariat
from outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_believable_alliance_once(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    output = capsys.readouterr().out
    organisations = Organisation.objects.all()
    assert organisations.values("country").distinct().count() >= 8
    assert set(
        organisations.exclude(founding_network="").values_list("founding_network", flat=True)
    ) == set(FoundingNetwork.values)
    assert set(organisations.values_list("kind", flat=True)) >= {"national", "regional", "agency"}
    for organisation in organisations:
        assert organisation.representatives.filter(role=Representative.Role.CONTACT).exists()
    statuses = set(MembershipApplication.objects.values_list("status", flat=True))
    assert statuses >= {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.INFORMATION_REQUESTED,
        ApplicationStatus.RESUBMITTED,
        ApplicationStatus.REJECTED,
    }
    assert JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).exists()
    assert "secretariat@eca-portal.eu" in output and "eca-demo-2026" in output
    from accounts.models import User

    assert is_secretariat(User.objects.get(email="secretariat@eca-portal.eu"))
    assert User.objects.get(email="secretariat@eca-portal.eu").check_password("eca-demo-2026")
    assert OutboundEmail.objects.count() == 0  # demo history sends no mail
    from dialogues.models import Post, Topic

    assert Topic.objects.count() >= 3 and Post.objects.count() >= 10

    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        MembershipApplication.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        MembershipApplication.objects.count(),
    )


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development"):
        call_command("seed_demo")
    assert Organisation.objects.count() == 0
