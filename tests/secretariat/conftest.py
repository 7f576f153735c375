"""One person per role, to try the secretariat's pages on."""

import pytest

from tests.members.factories import ContactFactory, RepresentativeFactory


@pytest.fixture
def representative(db):
    return RepresentativeFactory(user__full_name="Rita Representative").user


@pytest.fixture
def contact(db):
    return ContactFactory(user__full_name="Carl Contact").user
