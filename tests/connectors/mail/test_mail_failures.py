"""What aiosmtplib raises, mapped to MailUnavailable (retry later) or MailRejected (never)."""

from __future__ import annotations

import ssl

import aiosmtplib
import pytest

from connectors.mail import MailError, MailRejected, MailUnavailable
from connectors.mail.mailer import failure_for

ADDRESS = "jeanne@exemple.fr"


def recipient_refused(code: int) -> aiosmtplib.SMTPRecipientsRefused:
    return aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(code, f"<{ADDRESS}> refused", ADDRESS)]
    )


@pytest.mark.parametrize(
    ("exc", "kind", "code"),
    [
        (recipient_refused(550), MailRejected, 550),
        (recipient_refused(553), MailRejected, 553),
        (recipient_refused(450), MailUnavailable, 450),
        (recipient_refused(421), MailUnavailable, 421),
        (aiosmtplib.SMTPDataError(554, "spam"), MailRejected, 554),
        (aiosmtplib.SMTPDataError(452, "mailbox full"), MailUnavailable, 452),
        (aiosmtplib.SMTPAuthenticationError(535, "bad credentials"), MailUnavailable, 535),
        (aiosmtplib.SMTPSenderRefused(553, "no", "no-reply@hub.example"), MailUnavailable, 553),
        (aiosmtplib.SMTPHeloError(501, "bad helo"), MailUnavailable, 501),
        (aiosmtplib.SMTPConnectResponseError(554, "no service"), MailUnavailable, 554),
        (aiosmtplib.SMTPConnectResponseError(421, "busy"), MailUnavailable, 421),
        (aiosmtplib.SMTPConnectError("refused"), MailUnavailable, None),
        (aiosmtplib.SMTPConnectTimeoutError("slow"), MailUnavailable, None),
        (aiosmtplib.SMTPReadTimeoutError("slow"), MailUnavailable, None),
        (aiosmtplib.SMTPServerDisconnected("gone"), MailUnavailable, None),
        (aiosmtplib.SMTPNotSupported("no STARTTLS"), MailUnavailable, None),
        (ConnectionRefusedError(111, "refused"), MailUnavailable, None),
        (TimeoutError(), MailUnavailable, None),
        (ssl.SSLError("certificate verify failed"), MailUnavailable, None),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_failure_mapping(exc: BaseException, kind: type[MailError], code: int | None) -> None:
    failure = failure_for(exc)

    assert type(failure) is kind
    assert failure.code == code
    assert ADDRESS not in str(failure)


def test_non_ascii_address_the_server_cannot_take_is_rejected() -> None:
    failure = failure_for(aiosmtplib.SMTPNotSupported("no SMTPUTF8"), non_ascii_recipient=True)

    assert isinstance(failure, MailRejected)


def test_both_failures_are_mail_errors() -> None:
    assert issubclass(MailUnavailable, MailError)
    assert issubclass(MailRejected, MailError)
    assert not issubclass(MailRejected, MailUnavailable)
