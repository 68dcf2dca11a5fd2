"""The Mailer against a real SMTP server (the sandbox sink) over TCP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from structlog.testing import capture_logs

from connectors.mail import MailConfig, Mailer, MailRejected, MailUnavailable, OutgoingMail
from sandbox.smtp import SmtpSink

ADDRESS = "jeanne.martin@exemple-entreprise.fr"
SUBJECT = "Référent choisi : Société Générale d'Électricité"
BODY = (
    "Bonjour Jeanne,\n\nL'entreprise « Café Crème » vous a choisie comme référente.\nÀ bientôt !\n"
)


def mail(
    message_id: str = "<outbox-42@hub-entreprendre.example>", **changes: object
) -> OutgoingMail:
    fields: dict[str, object] = {
        "to": f"Jeanne Martin <{ADDRESS}>",
        "subject": SUBJECT,
        "body": BODY,
        "message_id": message_id,
    }
    fields.update(changes)
    return OutgoingMail(**fields)  # type: ignore[arg-type]


async def test_sent_mail_is_received_intact_with_accents(mailer: Mailer, sink: SmtpSink) -> None:
    await mailer.send(mail())

    [received] = sink.messages
    assert received.recipients == (ADDRESS,)
    assert received.sender == "no-reply@hub-entreprendre.example"
    assert received.to == f"Jeanne Martin <{ADDRESS}>"
    assert received.subject == SUBJECT
    assert received.body == BODY
    assert received.message_id == "<outbox-42@hub-entreprendre.example>"


async def test_message_is_utf8_plain_text_with_date_and_from(
    mailer: Mailer, sink: SmtpSink
) -> None:
    written = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    await mailer.send(mail(date=written))

    raw = sink.messages[0].raw
    assert b'Content-Type: text/plain; charset="utf-8"' in raw
    assert b"Date: Mon, 02 Mar 2026 09:30:00 +0000" in raw
    assert b"From: Hub Entreprendre Occitanie <no-reply@hub-entreprendre.example>" in raw
    assert b"Auto-Submitted: auto-generated" in raw


async def test_eml_file_is_written_and_readable(mailer: Mailer, sink: SmtpSink) -> None:
    await mailer.send(mail())

    [received] = sink.messages
    assert received.path.parent == sink.folder
    assert received.path.suffix == ".eml"
    assert received.path.read_bytes() == received.raw
    assert "Café Crème".encode() in received.raw


async def test_a_resend_carries_the_same_message_id(mailer: Mailer, sink: SmtpSink) -> None:
    written = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    await mailer.send(mail("outbox-7@hub-entreprendre.example", date=written))
    await mailer.send(mail("outbox-7@hub-entreprendre.example", date=written))

    first, second = sink.messages
    assert first.message_id == second.message_id == "<outbox-7@hub-entreprendre.example>"
    assert first.raw == second.raw


async def test_stopped_server_is_unavailable(mailer: Mailer, sink: SmtpSink) -> None:
    await sink.stop()

    with pytest.raises(MailUnavailable) as caught:
        await mailer.send(mail())

    assert caught.value.code is None


async def test_temporary_refusal_is_unavailable(mailer: Mailer, sink: SmtpSink) -> None:
    sink.refuse(421)

    with pytest.raises(MailUnavailable) as caught:
        await mailer.send(mail())

    assert caught.value.code == 421
    assert sink.refusals == 1
    assert sink.messages == []


async def test_mail_goes_through_again_once_the_server_accepts(
    mailer: Mailer, sink: SmtpSink
) -> None:
    sink.refuse(450)
    with pytest.raises(MailUnavailable):
        await mailer.send(mail())

    sink.accept()
    await mailer.send(mail())

    assert [m.message_id for m in sink.messages] == ["<outbox-42@hub-entreprendre.example>"]


async def test_permanent_refusal_is_rejected(mailer: Mailer, sink: SmtpSink) -> None:
    sink.refuse(550)

    with pytest.raises(MailRejected) as caught:
        await mailer.send(mail())

    assert caught.value.code == 550


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts TCP connections and never says a word."""
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    server.close()
    for writer in writers:
        writer.close()
        await writer.wait_closed()
    await server.wait_closed()


async def test_server_that_never_answers_times_out_as_unavailable(silent_server: int) -> None:
    mailer = Mailer(MailConfig(host="127.0.0.1", port=silent_server, timeout=0.2))

    with pytest.raises(MailUnavailable, match="timed out"):
        await mailer.send(mail())


async def test_starttls_required_but_not_offered_is_unavailable(sink: SmtpSink) -> None:
    mailer = Mailer(MailConfig(host="127.0.0.1", port=sink.port, starttls=True, timeout=2.0))

    with pytest.raises(MailUnavailable):
        await mailer.send(mail())


@pytest.mark.parametrize("to", ["", "pas une adresse", "a@b.fr, c@d.fr", "a@b.fr\r\nBcc: c@d.fr"])
async def test_unusable_address_is_rejected_without_connecting(
    mailer: Mailer, sink: SmtpSink, to: str
) -> None:
    with pytest.raises(MailRejected):
        await mailer.send(mail(to=to))

    assert sink.messages == [] and sink.refusals == 0


async def test_logs_and_errors_carry_no_address_subject_or_body(
    mailer: Mailer, sink: SmtpSink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    failures: list[BaseException] = []
    with capture_logs() as logs:
        await mailer.send(mail())
        for code in (421, 550):
            sink.refuse(code)
            try:
                await mailer.send(mail())
            except (MailRejected, MailUnavailable) as exc:
                failures.append(exc)
        await sink.stop()
        try:
            await mailer.send(mail())
        except MailUnavailable as exc:
            failures.append(exc)

    assert [entry["event"] for entry in logs] == [
        "mail.sent",
        "mail.unavailable",
        "mail.rejected",
        "mail.unavailable",
    ]
    assert all(entry["message_id"] == "<outbox-42@hub-entreprendre.example>" for entry in logs)
    client_records = [r.getMessage() for r in caplog.records if r.name != "mail.log"]  # sink's own
    texts = [repr(entry) for entry in logs] + [str(exc) for exc in failures] + client_records
    for text in texts:
        for secret in (ADDRESS, "jeanne", "Référent", "Bonjour", "Café"):
            assert secret.lower() not in text.lower(), text
    assert len(failures) == 3
    assert all(exc.__cause__ is None and exc.__suppress_context__ for exc in failures)
