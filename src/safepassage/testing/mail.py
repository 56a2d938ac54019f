"""A real SMTP server on localhost that keeps what it receives."""

from __future__ import annotations

import logging
import socket


class Collector:
    def __init__(self) -> None:
        self.messages: list = []
        # Recipients to refuse, with the server's answer ("550 5.1.1 No such user"): a
        # test sets ``collector.refused[address]`` to make that address bounce at once.
        self.refused: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refused.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.content, policy=policy.default),
            }
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server():
    """A collector and its running controller on a free port of 127.0.0.1."""
    from aiosmtpd.controller import Controller

    collector = Collector()
    port = _free_port()
    # aiosmtpd logs every dropped connection at INFO from its own thread, often after
    # pytest has closed the stream it captured ("I/O operation on closed file"): only
    # its warnings are worth a line.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    return collector, controller, port
