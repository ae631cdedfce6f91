"""A real SMTP server on loopback for the tests (aiosmtpd): it counts what each address
received and can refuse addresses, drop connections or hold a message, to inject failures."""

import socket
import threading
from collections import Counter

import pytest
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self):
        self.received: Counter = Counter()  # address -> messages accepted
        self.rcpt_attempts: Counter = Counter()
        self.refuse: dict[str, str] = {}  # address -> SMTP reply, e.g. "451 try later"
        self.fail_data: dict[str, str] = {}  # address -> reply to DATA, once
        self.hold: dict[str, threading.Event] = {}  # address -> released when set
        self.holding = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_attempts[address] += 1
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        for address in envelope.rcpt_tos:
            if address in self.fail_data:
                return self.fail_data.pop(address)
            if address in self.hold:
                self.holding.set()
                while not self.hold[address].is_set():
                    await asyncio.sleep(0.05)
                return "451 the message was not accepted"
        with self.lock:
            for address in envelope.rcpt_tos:
                self.received[address] += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    sink.port = port
    try:
        yield sink
    finally:
        for event in sink.hold.values():
            event.set()
        controller.stop()
