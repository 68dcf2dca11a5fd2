"""``python -m bench.outbox_drain``: how fast the e-mail outbox drains to an SMTP server.

Queues ``--emails`` e-mails (5,000 by default) in a temporary hub database (a SQLite file;
``--backend postgresql`` on the server named by ``TEST_DATABASE_URL``), then runs the
scheduler's job, ``flush_outbox``, until every e-mail is SENT, against the sandbox SMTP sink
(which writes each message to a ``.eml`` file, in the same process: its CPU counts against
the drain, so the rate is a floor), logging at WARNING. Prints the rate in e-mails per second and how long the
issue's burst of 33,841 e-mails would take at that rate. Well under a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import EmailOutbox
from connectors.hubdb.outbox import OutboxStore
from connectors.mail import MailConfig, Mailer
from gateway.logging import configure_logging
from resolvers.outbox import FlushReport, flush_outbox
from sandbox.smtp import SmtpSink
from tests.databases import seeded_database

__all__ = ["main"]

BURST = 33_841
"""The burst of queued e-mails the issue measured against (to drain within 48 working hours)."""

_NOW = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)


async def _queue(url: str, count: int) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                sa.insert(EmailOutbox),
                [
                    {
                        "id": f"bench-{n:08d}",
                        "dedupe_key": f"bench:drain:{n}",
                        "to_address": f"agent{n % 500}@cci-gard.example",
                        "subject": "Une entreprise vous a choisi comme référent",
                        "body": "Bonjour,\nune entreprise vous a choisi comme référent.\n" * 8,
                        "status": "PENDING",
                        "attempts": 0,
                        "next_attempt_at": _NOW,
                        "created_at": _NOW,
                    }
                    for n in range(count)
                ],
            )
    finally:
        await engine.dispose()


async def _drain(url: str, count: int, batch: int, concurrency: int, folder: Path) -> None:
    await _queue(url, count)
    sink = SmtpSink(folder=folder)
    await sink.start()
    engine = create_engine(url)
    try:
        store = OutboxStore(create_session_factory(engine))
        mailer = Mailer(MailConfig(host=sink.host, port=sink.port, local_hostname="bench"))
        total, flushes = FlushReport(), 0
        started = time.perf_counter()
        while total.sent < count:
            now = _NOW + timedelta(seconds=time.perf_counter() - started)
            report = await flush_outbox(
                store, mailer, now=now, limit=batch, concurrency=concurrency
            )
            total, flushes = total + report, flushes + 1
            if report.sent == 0:
                raise SystemExit(f"the drain stalled: {total}")
        elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
        await sink.stop()
    rate = total.sent / elapsed
    print(
        f"{total.sent} e-mails sent in {elapsed:.1f} s ({flushes} flush(es), batches of {batch}, "
        f"{concurrency} SMTP connections, {sink.connections} opened in all): {rate:.0f} e-mails/s\n"
        f"the burst of {BURST:,} e-mails at that rate: {BURST / rate / 60:.1f} min "
        f"(before: 20 per 15 s, {BURST / (20 / 15) / 3600:.1f} h)"
    )


async def _main(arguments: argparse.Namespace) -> None:
    configure_logging("WARNING")  # a line per e-mail would cost more than the e-mail
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as scratch:
        root = Path(scratch)
        async with seeded_database(arguments.backend, root, seed=False) as url:
            print(f"backend: {arguments.backend}")
            await _drain(url, arguments.emails, arguments.batch, arguments.concurrency,
                         root / "mail")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.outbox_drain", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--emails", type=int, default=5000, help="e-mails queued (5000)")
    parser.add_argument("--batch", type=int, default=100, help="OUTBOX_BATCH_SIZE (100)")
    parser.add_argument("--concurrency", type=int, default=4, help="OUTBOX_CONCURRENCY (4)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
