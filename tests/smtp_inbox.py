"""A real SMTP server for the tests (aiosmtpd on a free local port) that keeps every message it receives."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.app_server import free_port


class Inbox:
    """An SMTP handler that keeps every message; `refuse` answers 451 to that many deliveries first."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        if self.refuse > 0:
            self.refuse -= 1
            return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["X-Rcpt"]]


def running_smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server on a free local port; SMTP_URL, MAIL_FROM and APP_BASE_URL point the app at it."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("MAIL_FROM", "partners@vendor.example")
    monkeypatch.setenv("APP_BASE_URL", "https://dashboard.vendor.example")
    yield handler
    controller.stop()


def body(message: Message) -> str:
    """A message's plain-text part."""
    plain = message.get_body(preferencelist=("plain",))
    return plain.get_content() if plain is not None else ""
