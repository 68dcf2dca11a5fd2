"""The SMTP sink over real TCP on 127.0.0.1, driven by aiosmtplib directly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from sandbox.smtp import DEFAULT_FOLDER, SmtpSink


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    sink = SmtpSink(folder=tmp_path / "mail")
    await sink.start()
    yield sink
    await sink.stop()


def message(
    subject: str = "Réunion d'équipe", message_id: str = "<m-1@hub.example>"
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Hub <no-reply@hub.example>"
    msg["To"] = "Élodie Durand <elodie@exemple.fr>"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg.set_content("Première ligne\nDeuxième ligne — fin\n")
    return msg


async def send(sink: SmtpSink, msg: EmailMessage) -> None:
    await aiosmtplib.send(msg, hostname=sink.host, port=sink.port, start_tls=False, timeout=2)


async def test_start_binds_a_free_port_and_creates_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "mail"
    sink = SmtpSink(folder=folder)

    port = await sink.start()
    try:
        assert port > 0 and sink.port == port
        assert folder.is_dir()
    finally:
        await sink.stop()


async def test_default_folder_is_var_mail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sink = SmtpSink()

    await sink.start()
    try:
        await send(sink, message())
    finally:
        await sink.stop()

    assert DEFAULT_FOLDER == Path("var/mail")
    assert [p.name for p in (tmp_path / "var" / "mail").iterdir()] == [sink.messages[0].path.name]


async def test_received_message_is_kept_decoded(sink: SmtpSink) -> None:
    await send(sink, message())

    [received] = sink.messages
    assert received.to == "Élodie Durand <elodie@exemple.fr>"
    assert received.recipients == ("elodie@exemple.fr",)
    assert received.sender == "no-reply@hub.example"
    assert received.subject == "Réunion d'équipe"
    assert received.body == "Première ligne\nDeuxième ligne — fin\n"
    assert received.message_id == "<m-1@hub.example>"


async def test_each_message_is_written_as_an_eml_file(sink: SmtpSink) -> None:
    await send(sink, message(message_id="<m-1@hub.example>"))
    await send(sink, message(message_id="<m-2@hub.example>"))

    files = sorted(sink.folder.glob("*.eml"))
    assert files == sorted(m.path for m in sink.messages)
    assert [m.path.read_bytes() for m in sink.messages] == [m.raw for m in sink.messages]
    assert list(sink.folder.glob("*.part")) == []


async def test_body_of_a_multipart_message_is_its_text_part(sink: SmtpSink) -> None:
    msg = message()
    msg.add_alternative("<p>Première ligne</p>", subtype="html")

    await send(sink, msg)

    assert sink.messages[0].body == "Première ligne\nDeuxième ligne — fin\n"


async def test_clear_forgets_messages_but_keeps_files(sink: SmtpSink) -> None:
    await send(sink, message())

    sink.clear()

    assert sink.messages == []
    assert len(list(sink.folder.glob("*.eml"))) == 1


@pytest.mark.parametrize("code", [421, 450, 550, 554])
async def test_refuse_answers_the_code_until_accept(sink: SmtpSink, code: int) -> None:
    sink.refuse(code)

    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as caught:
        await send(sink, message())

    assert caught.value.recipients[0].code == code
    assert sink.refusals == 1 and sink.messages == []
    sink.accept()
    await send(sink, message())
    assert len(sink.messages) == 1


@pytest.mark.parametrize("code", [250, 399, 600])
def test_refuse_takes_only_failure_codes(code: int) -> None:
    with pytest.raises(ValueError, match="4xx or 5xx"):
        SmtpSink().refuse(code)


async def test_wait_for_returns_once_enough_messages_arrived(sink: SmtpSink) -> None:
    waiting = asyncio.create_task(sink.wait_for(2, timeout=2))
    await send(sink, message(message_id="<m-1@hub.example>"))
    await send(sink, message(message_id="<m-2@hub.example>"))

    received = await waiting

    assert [m.message_id for m in received] == ["<m-1@hub.example>", "<m-2@hub.example>"]


async def test_wait_for_times_out_saying_how_many_arrived(sink: SmtpSink) -> None:
    with pytest.raises(TimeoutError, match="expected 1 message"):
        await sink.wait_for(1, timeout=0.05)


async def test_stopped_sink_refuses_connections(sink: SmtpSink) -> None:
    await sink.stop()

    with pytest.raises(aiosmtplib.SMTPConnectError):
        await send(sink, message())


async def test_stop_hangs_up_an_open_session_and_is_idempotent(sink: SmtpSink) -> None:
    client = aiosmtplib.SMTP(hostname=sink.host, port=sink.port, start_tls=False, timeout=2)
    await client.connect()
    await client.ehlo()

    await asyncio.wait_for(sink.stop(), timeout=2)
    await sink.stop()

    with pytest.raises(aiosmtplib.SMTPServerDisconnected):
        await client.noop()
    client.close()


async def test_start_twice_is_refused(sink: SmtpSink) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        await sink.start()


async def test_a_stopped_sink_can_start_again(sink: SmtpSink) -> None:
    await sink.stop()

    await sink.start()
    await send(sink, message())

    assert len(sink.messages) == 1
