"""Real receivers on 127.0.0.1 for the channels' tests: an SMTP server (aiosmtpd), an
HTTP server for webhooks and SMS gateways, and an HTTPS proxy that stands in for the
WeCom, DingTalk and Feishu robot servers (the robots' addresses are fixed https hosts;
the proxy answers for them with a certificate the test trusts)."""

from __future__ import annotations

import datetime
import email
import email.policy
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str
    message_id: str


class SmtpReceiver:
    """An SMTP server that keeps every message it is given."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        self.mails.append(
            Mail(
                to=list(envelope.rcpt_tos),
                subject=str(message["Subject"]),
                body=body.get_content() if body is not None else "",
                message_id=str(message["Message-ID"]),
            )
        )
        return "250 OK"

    def __enter__(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@dataclass
class Call:
    host: str
    path: str
    headers: dict[str, str]
    body: Any


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A caller that gave up (a timeout under test) is no error of the receiver's."""


@dataclass
class HttpReceiver:
    """An HTTP server that keeps every POST; ``status`` and ``delay`` make it fail."""

    status: int = 200
    delay: float = 0.0
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                owner.take(self, self.headers.get("Host", ""))

            def log_message(self, *args: object) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.address = f"127.0.0.1:{self._server.server_address[1]}"

    def take(self, handler: BaseHTTPRequestHandler, host: str) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        if self.delay:
            time.sleep(self.delay)
        self.calls.append(Call(host, handler.path, {k.lower(): v for k, v in handler.headers.items()}, body))
        answer = json.dumps({"errcode": 0, "errmsg": "ok"} if self.status == 200 else {"errmsg": "boom"}).encode()
        handler.send_response(self.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)

    def __enter__(self) -> HttpReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


ROBOT_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn")


def robot_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the robots' hosts: (certificate, key) files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "robots under test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Wide: the tests freeze Python's clock, but OpenSSL checks by the real one.
        .not_valid_before(now - datetime.timedelta(days=3650))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in ROBOT_HOSTS]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "robots.pem", directory / "robots.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


class RobotProxy(HttpReceiver):
    """An HTTPS proxy (CONNECT) that answers for the robots' servers itself: it ends the
    TLS with ``robot_certificate`` and keeps each call, with the host it was meant for."""

    def __init__(self, cert: Path, key: Path) -> None:
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._tls.load_cert_chain(cert, key)
        super().__init__()
        owner = self

        class Tunnel(BaseHTTPRequestHandler):
            def do_CONNECT(self) -> None:  # noqa: N802 - http.server's name
                host = self.path.split(":")[0]
                self.send_response(200, "Connection established")
                self.end_headers()
                with owner._tls.wrap_socket(self.connection, server_side=True) as tls:
                    inner = _Inner(tls, host, owner)
                    inner.handle_one_request()
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self._server.RequestHandlerClass = Tunnel


class _Inner(BaseHTTPRequestHandler):
    """One request read from inside the tunnel."""

    def __init__(self, connection: ssl.SSLSocket, host: str, owner: HttpReceiver) -> None:
        self.connection = connection
        self.rfile = connection.makefile("rb")
        self.wfile = connection.makefile("wb")
        self.client_address = ("127.0.0.1", 0)
        self.host, self.owner = host, owner
        self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.owner.take(self, self.host)
        self.wfile.flush()

    def log_message(self, *args: object) -> None:
        pass
