"""A shell command that sends an exchange's request again: curl, or printf into nc for a raw request.

Every password the redactor knows is written `$PASSWORD`, for the shell to expand; the wrong passwords
the kit makes up are no secret and are written as sent, so that the command fails as the scenario did.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from urllib.parse import urlsplit

from conformance.client import Exchange
from conformance.redaction import PASSWORD_MARKER, SHELL_PASSWORD, Redactor

# Headers `requests` adds by itself: curl adds its own or none, and the target must not depend on them.
_CLIENT_HEADERS = frozenset({"user-agent", "accept-encoding", "accept", "connection", "content-length"})
_RUN = re.compile(rb"([ -~])\1{31,}")  # 32 or more of one printable ASCII byte
_PLAIN_BYTES = frozenset(range(0x20, 0x7F))  # written as they are; others as octal escapes
MAX_LITERAL = 4096  # bytes of a body written inline; a longer one is piped in from printf


def _made_up_passwords() -> tuple[str, ...]:
    """The passwords the When steps make up to be refused (read late: the steps load after the plugin)."""
    from conformance.steps.when import UNKNOWN_WEBHOOK, WRONG_PASSWORD

    return WRONG_PASSWORD, WRONG_PASSWORD[::-1], UNKNOWN_WEBHOOK.password


def _escaped(text: str) -> str:
    """`text` for the inside of double quotes: the characters the shell would expand there escaped."""
    return re.sub(r'(["\\$`])', r"\\\1", text)


def shell_url(sent_url: str, redactor: Redactor) -> str:
    """The URL as one shell word: known passwords as $PASSWORD, a made-up one quoted apart as sent.

    A made-up password stands in its own single quotes, so that no redaction of webhook paths (which
    stops at a quote) takes it for a secret; the shell joins the pieces into one word.
    """
    for made_up in _made_up_passwords():
        if made_up in sent_url:
            before, after = sent_url.split(made_up, 1)
            pieces = (shell_url(before, redactor) if before else "", shlex.quote(made_up))
            return "".join(pieces) + (shell_url(after, redactor) if after else "")
    parts = redactor.text(sent_url).split(PASSWORD_MARKER)
    return '"' + SHELL_PASSWORD.join(_escaped(part) for part in parts) + '"'


def _printf_pieces(data: bytes) -> list[str]:
    """Commands that print `data` exactly: printf with octal escapes, long runs from head and tr."""
    pieces, start = [], 0
    for match in [*_RUN.finditer(data), None]:
        end = match.start() if match else len(data)
        if end > start:
            text = "".join(
                chr(byte) if byte in _PLAIN_BYTES - {0x25, 0x27, 0x5C} else f"\\{byte:03o}"
                for byte in data[start:end]
            )
            pieces.append(f"printf '{text}'")
        if match:
            count, byte = match.end() - match.start(), match.group(1)[0]
            pieces.append(f"head -c {count} /dev/zero | tr '\\000' '\\{byte:03o}'")
            start = match.end()
    return pieces


def _body_source(body: bytes) -> str | None:
    """A command that prints `body`, to pipe into curl; None when the body can be written inline."""
    plain = all(byte in _PLAIN_BYTES for byte in body)
    if plain and len(body) <= MAX_LITERAL and not _RUN.search(body):
        return None
    pieces = _printf_pieces(body)
    return pieces[0] if len(pieces) == 1 else "{ " + "; ".join(pieces) + "; }"


def _header_word(name: str, value: str) -> str:
    if not _RUN.search(value.encode("latin-1", "replace")):
        return shlex.quote(f"{name}: {value}")
    pieces = [f"$({piece})" for piece in _printf_pieces(value.encode("latin-1", "replace"))]
    return f'"{name}: ' + "".join(pieces) + '"'


def _raw_request(exchange: Exchange, redactor: Redactor) -> str:
    """A request the kit wrote to the socket itself (a stalled one): printf into nc, or openssl for TLS."""
    parts = urlsplit(exchange.sent_url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    connect = (
        f"openssl s_client -quiet -connect {parts.hostname}:{port}"
        if secure
        else f"nc {parts.hostname} {port}"
    )
    wait = max(1, round(exchange.elapsed + 0.5))
    start = "; ".join(_printf_pieces(exchange.request_body))
    return redactor.text(f"{{ {start}; sleep {wait}; }} | {connect}")


def reproduction(exchange: Exchange, redactor: Redactor) -> str:
    """A shell command that sends `exchange`'s request again and shows the response with its headers."""
    if not exchange.request_headers:  # written to the socket by hand: no client added a header
        return _raw_request(exchange, redactor)
    words = ["curl", "-sS", "-i"]
    if exchange.method == "HEAD":
        words.append("--head")
    elif exchange.method != "POST" or not (exchange.request_body or _has_length(exchange)):
        words += ["-X", exchange.method]
    words.append(shell_url(exchange.sent_url, redactor))
    headers = exchange.request_headers
    for name, value in headers.items():
        if name.lower() not in _CLIENT_HEADERS:
            words += ["-H", _header_word(name, value)]
    sends_body = bool(exchange.request_body) or _has_length(exchange)
    if sends_body and not any(name.lower() == "content-type" for name in headers):
        words += ["-H", "'Content-Type:'"]  # curl would otherwise say the body is a form
    source = _body_source(exchange.request_body) if exchange.request_body else None
    if source is not None:
        words += ["--data-binary", "@-"]
        command = f"{source} | {' '.join(words)}"
    else:
        if sends_body:
            words += ["--data-binary", shlex.quote(exchange.request_body.decode("ascii"))]
        command = " ".join(words)
    return redactor.text(command)


def _has_length(exchange: Exchange) -> bool:
    """Whether the request said Content-Length (an empty POST body is still a body of 0 bytes)."""
    return any(name.lower() == "content-length" for name in exchange.request_headers)


def reveal_passwords(text: str, webhooks: Iterable) -> str:
    """`text` with `UUID/$PASSWORD` replaced by the webhook's password (--show-secrets)."""
    for webhook in webhooks:
        text = text.replace(f"{webhook.uuid}/{SHELL_PASSWORD}", f"{webhook.uuid}/{webhook.password}")
    return text
