"""``python -m sandbox.smtp --port 1025``: run the SMTP sink alone; messages land in
``var/mail/`` as ``.eml`` files."""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from sandbox.smtp.sink import DEFAULT_FOLDER, SmtpSink


async def _serve(sink: SmtpSink) -> None:
    port = await sink.start()
    print(f"SMTP sink on {sink.host}:{port}, writing to {sink.folder}/", flush=True)
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    try:
        await stopping.wait()
    finally:
        await sink.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.smtp")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(SmtpSink(args.host, args.port, args.folder)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
