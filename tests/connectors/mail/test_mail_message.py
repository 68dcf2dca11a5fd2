from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from connectors.mail import DEFAULT_SENDER, MailConfig, Mailer, OutgoingMail
from connectors.mail.message import build_message


def outgoing(**changes: object) -> OutgoingMail:
    fields: dict[str, object] = {
        "to": "jeanne@exemple.fr",
        "subject": "Rappel",
        "body": "Bonjour",
        "message_id": "<outbox-1@hub-entreprendre.example>",
    }
    fields.update(changes)
    return OutgoingMail(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("message_id", ["outbox-1@hub.example", "<outbox-1@hub.example>"])
def test_message_id_header_is_always_bracketed(message_id: str) -> None:
    message = build_message(outgoing(message_id=message_id), sender=DEFAULT_SENDER)

    assert message["Message-ID"] == "<outbox-1@hub.example>"


def test_message_id_is_bracketed_on_construction() -> None:
    assert outgoing(message_id="outbox-1@hub.example").message_id == "<outbox-1@hub.example>"


@pytest.mark.parametrize(
    "message_id", ["", "outbox-1", "<a b@hub.example>", "<a@hub.example>\r\nBcc: x@y.fr"]
)
def test_malformed_message_id_is_refused(message_id: str) -> None:
    with pytest.raises(ValueError, match="message_id"):
        outgoing(message_id=message_id)


def test_naive_date_is_refused() -> None:
    with pytest.raises(ValueError, match="date"):
        outgoing(date=datetime(2026, 3, 2, 9, 30))


def test_date_header_is_in_utc() -> None:
    paris_winter = timezone(timedelta(hours=1))
    message = build_message(
        outgoing(date=datetime(2026, 3, 2, 10, 30, tzinfo=paris_winter)), sender=DEFAULT_SENDER
    )

    assert message["Date"] == "Mon, 02 Mar 2026 09:30:00 +0000"


def test_missing_date_is_now() -> None:
    message = build_message(outgoing(), sender=DEFAULT_SENDER)

    sent = message["Date"].datetime
    assert abs(sent - datetime.now(UTC)) < timedelta(minutes=1)


def test_subject_is_kept_on_one_line() -> None:
    message = build_message(outgoing(subject="Rappel :\r\n  répondez"), sender=DEFAULT_SENDER)

    assert message["Subject"] == "Rappel : répondez"


def test_password_is_not_in_the_config_repr() -> None:
    config = MailConfig(host="smtp.example", port=587, username="hub", password="s3cret")

    assert "s3cret" not in repr(config)


def test_sender_without_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match="sender"):
        Mailer(MailConfig(host="smtp.example", port=25, sender="Hub Entreprendre"))
