"""ClickHouse's `remote_url_allow_hosts` for the embedded server: the hosts url(), s3()
and the other remote table functions, engines and dictionary sources may reach.

Checked on the statement text before the engine sees it, so a refused host is never
connected to. Entries are a host (`minio.local`) or `host:port`, as ClickHouse's
`<host>` entries; `*` allows every host (ClickHouse without the section). A remote
function whose address is not a string literal (a named collection, a query
parameter) is refused: its host cannot be checked before it runs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ServerError
from .sqltext import _Lexer, call_argument

UNACCEPTABLE_URL = (491, "UNACCEPTABLE_URL")
ENV = "STIR_CH_REMOTE_URL_ALLOW_HOSTS"
LOOPBACK = ("localhost", "127.0.0.1", "::1")

# table functions/engines -> index of the argument holding the URL or host:port
_URL_ARG = {name: 0 for name in (
    "url", "s3", "gcs", "oss", "cosn", "s3queue", "hdfs", "iceberg", "icebergs3", "deltalake", "deltalakes3",
    "hudi", "hudis3", "remote", "remotesecure", "mysql", "postgresql", "mongodb", "redis",
    "azureblobstorage", "azurequeue", "icebergazure", "deltalakeazure")}
_URL_ARG.update({name: 1 for name in (
    "urlcluster", "s3cluster", "hdfscluster", "icebergs3cluster", "icebergcluster", "deltalakecluster",
    "hudicluster", "azureblobstoragecluster")})
_KEYWORD_ARGS = {"url", "host"}  # dictionary sources: SOURCE(HTTP(url '...')), SOURCE(MYSQL(host '...'))
_DEFAULT_PORTS = {"http": 80, "https": 443, "s3": 443, "hdfs": 9000}


@dataclass(frozen=True)
class AllowedHosts:
    entries: frozenset[str]

    @classmethod
    def parse(cls, text: str | None) -> AllowedHosts:
        """Comma-separated entries; None or empty means loopback only."""
        items = [e.strip().lower() for e in (text or "").split(",") if e.strip()]
        return cls(frozenset(items or LOOPBACK))

    @classmethod
    def from_env(cls) -> AllowedHosts:
        return cls.parse(os.environ.get(ENV))

    @property
    def everything(self) -> bool:
        return "*" in self.entries

    def allows(self, host: str, port: int | None) -> bool:
        host = host.lower().strip("[]")
        return host in self.entries or (port is not None and f"{host}:{port}" in self.entries) \
            or (port is not None and f"[{host}]:{port}" in self.entries)


def _refuse(address: str) -> ServerError:
    return ServerError(UNACCEPTABLE_URL, f'URL "{address}" is not allowed in configuration file, see '
                                         "<remote_url_allow_hosts> (this server: --remote-url-allow-hosts or "
                                         f"{ENV})")


def _unquote(text: str) -> str:
    return text[1:-1].replace("\\'", "'").replace("''", "'").replace("\\\\", "\\")


def _host_port(address: str) -> tuple[str, int | None]:
    if "://" in address:
        parts = urlsplit(address)
        try:
            port = parts.port
        except ValueError:
            port = None
        return parts.hostname or "", port if port is not None else _DEFAULT_PORTS.get(parts.scheme.lower())
    # host:port (remote(), mysql(), ...) or an Azure connection string's BlobEndpoint
    for field in address.split(";"):
        if field.lower().startswith("blobendpoint="):
            return _host_port(field.split("=", 1)[1])
    host, sep, port = address.rpartition(":")
    if sep and port.isdigit() and "]" not in port:
        return host.strip("[]"), int(port)
    return address.strip("[]"), None


def check(sql: str, allowed: AllowedHosts) -> None:
    """Raise UNACCEPTABLE_URL for the first remote address `sql` names outside `allowed`."""
    if allowed.everything:
        return
    lex, toks = _Lexer(sql), []
    while (tok := lex.next()) is not None:
        toks.append(tok)
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        name = tok.text.lower()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None:
            continue
        if name in _KEYWORD_ARGS and nxt.kind == "string":
            _check_address(_unquote(nxt.text), allowed)
        elif name in _URL_ARG and nxt.text == "(":
            prev = toks[i - 1].text.upper() if i else ""
            if prev in (".", "INTO", "TABLE"):
                continue  # a table that happens to be called so, with its column list
            arg = call_argument(toks, i + 2, _URL_ARG[name])
            if arg is None:
                continue  # no arguments: e.g. an engine reading its own settings, nothing to reach
            if len(arg) > 1 and arg[0].kind == "word" and arg[1].kind in ("string", "number"):
                continue  # a dictionary source's `key 'value'` list: its url/host keys are checked above
            if len(arg) != 1 or arg[0].kind != "string":
                raise ServerError(UNACCEPTABLE_URL, f"{tok.text}(): the address must be a string literal on this "
                                                    "server, so its host can be checked against "
                                                    "remote_url_allow_hosts")
            _check_address(_unquote(arg[0].text), allowed)


def _check_address(address: str, allowed: AllowedHosts) -> None:
    host, port = _host_port(address)
    if not allowed.allows(host, port):
        raise _refuse(address)

