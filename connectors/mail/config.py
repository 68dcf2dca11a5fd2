"""How to reach the SMTP server that sends the hub's e-mail."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_SENDER", "MailConfig"]

DEFAULT_SENDER = "Hub Entreprendre Occitanie <no-reply@hub-entreprendre.example>"


@dataclass(frozen=True, slots=True)
class MailConfig:
    host: str
    port: int
    sender: str = DEFAULT_SENDER
    """The From header; its address is also the envelope sender."""
    timeout: float = 10.0
    """Seconds allowed for each SMTP step (connect, each command, the data)."""
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    """Upgrade with STARTTLS (and fail if the server does not offer it). When false the
    connection is never upgraded, even if the server offers it."""
    local_hostname: str | None = None
    """The name sent with EHLO; ``None`` asks the system (``socket.getfqdn``)."""
