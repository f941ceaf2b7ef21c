"""Fixtures for the service tests: factories bound to the test's session, and a small cast of users."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from factories import Factory
from tests.smtp_inbox import Inbox, running_smtp


@pytest.fixture
def factory(session) -> Factory:  # type: ignore[no-untyped-def]
    return Factory(session)


@pytest.fixture
def make_partner(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.partner


@pytest.fixture
def make_user(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.user


@pytest.fixture
def make_deal(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.deal


@pytest.fixture
def make_trial(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.trial


@dataclass
class Cast:
    """Two partners with a user each, and one user of every staff role."""

    acme: Any  # PartnerRead, rate 20 %
    acme_user: Any
    acme_admin: Any
    beta: Any  # PartnerRead, rate 10 %
    beta_user: Any
    manager: Any
    finance: Any
    admin: Any


@pytest.fixture
def cast(factory: Factory) -> Cast:
    from decimal import Decimal

    acme = factory.partner(name="Acme Compliance Oy", commission_rate=Decimal("0.20"))
    beta = factory.partner(name="Beta Advisory AB", commission_rate=Decimal("0.10"))
    return Cast(
        acme=acme,
        acme_user=factory.user(partner=acme),
        acme_admin=factory.user(role="partner_admin", partner=acme),
        beta=beta,
        beta_user=factory.user(partner=beta),
        manager=factory.user(role="partner_manager"),
        finance=factory.user(role="finance"),
        admin=factory.user(role="admin"),
    )


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) the app's outboxes send to; its messages are kept."""
    yield from running_smtp(monkeypatch)
