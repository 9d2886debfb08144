"""HTTPS for `critic serve --tls-cert FILE --tls-key FILE`, and a local CA + localhost certificate for development.

Why cheroot here when plain HTTP runs on waitress: waitress has no TLS and its non-blocking channels cannot carry
an ssl socket; cheroot (CherryPy's server, pure Python, maintained) terminates TLS itself with the standard ssl
module. It runs one process with a thread pool: for more cores, terminate TLS at the reverse proxy instead
(docs/deploy.md). Outlook only loads add-ins over HTTPS, which is what this is for.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import os
import signal
import ssl
import sys
from pathlib import Path

from critic.service.security import is_loopback, parse_keys

EXIT_OK, EXIT_CONFIG = 0, 2
THREADS = 16
DEV_HOSTS = ("localhost", "127.0.0.1", "::1")


def serve_tls(host: str, port: int, cert: str, key: str) -> int:
    """Serve the app over HTTPS until SIGINT/SIGTERM; the same key rules as plain `critic serve`."""
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    from critic.service.app import create_app

    logging.basicConfig(
        level=os.environ.get("CRITIC_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not is_loopback(host) and not parse_keys(os.environ.get("CRITIC_API_KEYS")):
        print(f"critic: refusing to listen on {host} without API keys; set CRITIC_API_KEYS", file=sys.stderr)
        return EXIT_CONFIG
    for name, path in (("--tls-cert", cert), ("--tls-key", key)):
        if not Path(path).is_file():
            print(f"critic: {name} {path}: no such file", file=sys.stderr)
            return EXIT_CONFIG
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
        app = create_app({"BIND_HOST": host})
    except (ssl.SSLError, RuntimeError, ValueError) as exc:
        print(f"critic: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    server = wsgi.Server((host, port), app, numthreads=THREADS, server_name="critic")
    server.ssl_adapter = BuiltinSSLAdapter(cert, key)

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.prepare()
    except OSError as exc:
        print(f"critic: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONFIG
    shown = "localhost" if is_loopback(host) else host
    print(
        f"critic: listening on https://{shown}:{server.bind_addr[1]}/demo (TLS, 1 process x {THREADS} threads; Ctrl-C stops)",
        flush=True,
    )
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print("critic: stopped", file=sys.stderr, flush=True)
    return EXIT_OK


def _name(common: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "outreach-critic development"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_dev_cert(out: Path, hosts: tuple[str, ...] = DEV_HOSTS, days: int = 90) -> dict[str, Path]:
    """A fresh local CA and a certificate for `hosts` signed by it, as PEM files in `out` (the key readable by you only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("outreach-critic dev CA"))
        .issuer_name(_name("outreach-critic dev CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for h in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            names.append(x509.DNSName(h))
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    out.mkdir(parents=True, exist_ok=True)
    paths = {"ca": out / "ca.crt", "cert": out / "localhost.crt", "key": out / "localhost.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths["key"].touch(mode=0o600)
    paths["key"].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    # The CA's key is not kept: nothing else can ever be signed by a CA the machine now trusts.
    return paths


def trust_hint(ca: Path) -> str:
    """How to make this machine trust the CA, per platform."""
    return (
        f"Trust the CA once, then restart the browser / Outlook:\n"
        f"  Debian/Ubuntu: sudo cp {ca} /usr/local/share/ca-certificates/outreach-critic-dev.crt && sudo update-ca-certificates\n"
        f"  macOS:         sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {ca}\n"
        f"  Windows:       certutil -user -addstore Root {ca}"
    )
