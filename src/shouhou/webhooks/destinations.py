"""Where webhooks may go: public addresses only, unless the host is named in
SHOUHOU_WEBHOOK_ALLOW_HOSTS (server-side request forgery: a subscriber must not make the
worker call loopback, link-local, private or other internal addresses).

Checked when subscribing and again at every delivery, after resolving the name; the
delivery then connects to the very address it checked (the Host header and TLS name stay
the URL's), so a name that resolves elsewhere the second time (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The destination may not be called (the reason is for the operator's log only)."""


@dataclass(frozen=True)
class Target:
    url: str  # with the checked address in place of the name, unless the host is allowed
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def resolve(host: str, port: int) -> list[str]:
    """The addresses a name resolves to now (a test replaces this)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def internal(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (address.is_loopback or address.is_link_local or address.is_private or address.is_multicast
            or address.is_unspecified or address.is_reserved or not address.is_global)


def parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL with a host and no user info, else ValueError."""
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.hostname or "@" in split.netloc:
        raise ValueError(url)
    return split.scheme, split.hostname, split.port or (443 if split.scheme == "https" else 80)


def check(url: str, allowed: frozenset[str]) -> None:
    """For a new subscription: refuse a destination that is, or now resolves to, an internal
    address. A name that does not resolve yet is accepted (each delivery checks again)."""
    _, host, port = parts(url)
    if host in allowed:
        return
    try:
        addresses = _literal(host) or resolve(host, port)
    except OSError:
        return
    if any(internal(ipaddress.ip_address(a)) for a in addresses):
        raise Refused(f"{host} is an internal address")


def target(url: str, allowed: frozenset[str]) -> Target:
    """For a delivery: the checked address to connect to, or Refused."""
    scheme, host, port = parts(url)
    if host in allowed:
        return Target(url)
    try:
        addresses = _literal(host) or resolve(host, port)
    except OSError as exc:
        raise Refused(f"{host} does not resolve: {exc}") from None
    checked = [ipaddress.ip_address(a) for a in addresses]
    if not checked or any(internal(a) for a in checked):
        raise Refused(f"{host} resolves to an internal address")
    pinned = httpx.URL(url).copy_with(host=str(checked[0]))
    authority = httpx.URL(url).netloc.decode("ascii")
    return Target(str(pinned), {"host": authority}, {"sni_hostname": host} if scheme == "https" else {})


def _literal(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return []
