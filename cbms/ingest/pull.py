"""Fetch every submission of a form from a live ODK Central (pyodk) or KoBoToolbox (API v2) into export files."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import requests
from pyodk._utils import config as pyodk_config  # Client(config=...) takes these; pyodk exports no other path
from pyodk._utils.session import Adapter as PyodkAdapter  # an HTTPAdapter with a default timeout
from pyodk._utils.session import Session as PyodkSession
from pyodk.client import Client
from pyodk.errors import PyODKError
from urllib3.util.retry import Retry

from cbms.atomic import owned, remove_stale
from cbms.errors import (
    CLI_002,
    PULL_001,
    PULL_002,
    PULL_003,
    PULL_004,
    PULL_005,
    PULL_006,
    PULL_007,
    PULL_008,
    PULL_009,
    CbmsError,
)

log = logging.getLogger(__name__)

CENTRAL_PAGE_SIZE = 1000  # submissions per OData page ($top); Central hands out a $skiptoken link for the next
MAX_PAGE_BYTES = 1 << 30  # a Central page of 1,000 submissions is ~5 MB, a KoBo page of 1,000 ~3 MB
STAGING = ".cbms-pull-"  # the temporary folder a pull keeps its pages in until every page arrived
USERNAME_ENV = "ODK_CENTRAL_USERNAME"
PASSWORD_ENV = "ODK_CENTRAL_PASSWORD"
KOBO_TOKEN_ENV = "KOBO_TOKEN"

_NAME = re.compile(r"\w(?:[\w. \-]*[\w.\-])?")  # Central allows inner spaces ("double repeat")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII: anything else would end up quoted in a requests error
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_REASON_LIMIT = 200

Secrets = Callable[[], Iterable[str]]


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long a pull waits, for every request to either server (the one place this is said)."""

    connect: float = 15.0  # to open a connection
    read: float = 120.0  # of silence while waiting for an answer or for the rest of it (`cbms pull --timeout`)
    page_reads: int = 20  # a page must arrive within this many `read`s, however slowly it trickles in

    @property
    def page(self) -> float:
        return self.read * self.page_reads


TIMEOUTS = Timeouts()


@dataclass(frozen=True, slots=True)
class PullResult:
    """What a pull left in the output folder: its files in the order fetched, the submissions and pages."""

    files: tuple[Path, ...]
    submissions: int
    pages: int


@dataclass(frozen=True, slots=True)
class _CentralLogin:
    username: str
    password: str = field(repr=False)
    cache: Path | None  # pyodk's token cache; None keeps the session token in memory only
    source: str  # where the credentials came from, for the log


# --- addresses and names ----------------------------------------------------------------------------------


def _without_userinfo(text: str) -> str:
    """The address to show in a message: whatever precedes the last '@' may be a user and password."""
    scheme = re.match(r"[a-z][a-z0-9+.-]*://", text.strip(), flags=re.IGNORECASE)
    return f"{scheme.group(0) if scheme else ''}…@{text.rpartition('@')[2]}" if "@" in text else text.strip()


def _server_url(server: str, api_path: str) -> str:
    """`scheme://host[:port][/prefix]` without a trailing slash or the API path the user may have pasted."""
    parts = urlsplit(server.strip())
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if (parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok
            or parts.username is not None or parts.query or parts.fragment):
        raise CbmsError(PULL_006, server=_without_userinfo(server))
    path = parts.path.rstrip("/").removesuffix(api_path).rstrip("/")
    base = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))
    if parts.scheme.lower() == "http" and parts.hostname not in _LOOPBACK:
        log.warning("%s: las credenciales viajan sin cifrar (http) / credentials travel unencrypted (http); "
                    "use https://", base)
    return base


def _same_server(a: str, b: str) -> bool:
    def key(url: str) -> tuple[str, str, int | None, str]:
        parts = urlsplit(url.strip())
        default = 443 if parts.scheme == "https" else 80
        try:
            port = parts.port or default
        except ValueError:
            port = None
        return (parts.scheme.lower(), (parts.hostname or "").lower(), port,
                parts.path.rstrip("/").removesuffix("/v1").rstrip("/"))

    return key(a) == key(b)


def _check_name(value: str, option: str) -> None:
    """Form ids and asset uids become file names: nothing that could climb out of the output folder."""
    if not _NAME.fullmatch(value):
        raise CbmsError(PULL_007, value=value, what=option)


def _on_server(link: object, current: str, base: str, what: str) -> str:
    """The next page's URL, on the server the user named.

    Central builds its links from its configured domain and KoBo from what its proxy tells it, so behind a
    proxy they may name another host or plain http. Only the path and query are taken: credentials go
    nowhere but the server on the command line.
    """
    if not isinstance(link, str) or not link.strip():
        raise CbmsError(PULL_008, server=base, what=what,
                        reason="enlace a la página siguiente vacío / empty next-page link")
    target, home = urlsplit(urljoin(current, link)), urlsplit(base)
    if (target.scheme, target.netloc) != (home.scheme, home.netloc):
        log.debug("next page link names %s://%s; asking %s instead", target.scheme, target.netloc, base)
        target = target._replace(scheme=home.scheme, netloc=home.netloc)
    return urlunsplit(target)


# --- answers and failures -----------------------------------------------------------------------------------


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = " ".join(text.split())
    return text if len(text) <= _REASON_LIMIT else text[: _REASON_LIMIT - 1] + "…"


def _network_reason(exc: requests.RequestException) -> str:
    """The useful tail of a requests error: 'Failed to establish a new connection: [Errno 111] ...'."""
    cause: object = exc.args[0] if exc.args else exc
    cause = getattr(cause, "reason", None) or cause  # urllib3's MaxRetryError carries the real reason
    if isinstance(cause, BaseException) and cause.args and isinstance(cause.args[0], str):
        cause = cause.args[0]  # ProtocolError('Connection broken: ...', IncompleteRead(...)): the words only
    return str(cause).split("): ", 1)[-1] or type(exc).__name__


def _server_message(response: requests.Response) -> str:
    """Central's `message` or KoBo's `detail` when the answer is JSON, else the HTTP reason phrase."""
    try:
        body = json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        for key in ("message", "detail"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return response.reason or "-"


def _refused(response: requests.Response, server: str, what: str, secrets: Secrets) -> CbmsError:
    status = response.status_code
    if status in (401, 403):
        return CbmsError(PULL_002, server=server)
    if status == 404:
        return CbmsError(PULL_004, server=server, what=what)
    return CbmsError(PULL_005, server=server, status=f"{status} {response.reason or ''}".strip(),
                     reason=_scrub(_server_message(response), secrets()))


@contextmanager
def _network(server: str, what: str, timeouts: Timeouts, secrets: Secrets) -> Iterator[None]:
    """Turn what requests raises into the CbmsError that says what to do."""
    try:
        yield
    except requests.Timeout as exc:
        seconds = timeouts.connect if isinstance(exc, requests.ConnectTimeout) else timeouts.read
        raise CbmsError(PULL_009, server=server, what=what, seconds=f"{seconds:g}") from exc
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        raise CbmsError(PULL_003, server=server, reason=_scrub(_network_reason(exc), secrets())) from exc
    except requests.RequestException as exc:  # retries exhausted, redirect loop, a body that is not JSON...
        raise CbmsError(PULL_005, server=server, status=type(exc).__name__,
                        reason=_scrub(_network_reason(exc), secrets())) from exc


def _adapter(timeouts: Timeouts) -> PyodkAdapter:
    """Every request's timeouts, and retries of what a busy server answers now and then (429, 502-504).

    pyodk mounts its own adapter (120 s, retrying a timed-out read three times) for https only, so Central over
    http waited forever; both sessions mount this one for both schemes. A connection refused or a read that
    times out is not retried: the user hears about it at once."""
    retry = Retry(total=3, connect=0, read=False, backoff_factor=2, status_forcelist=(429, 502, 503, 504),
                  allowed_methods=frozenset({"GET"}), raise_on_status=False)
    return PyodkAdapter(timeout=(timeouts.connect, timeouts.read), max_retries=retry)


def _mount(session: requests.Session, timeouts: Timeouts) -> None:
    for scheme in ("https://", "http://"):
        session.mount(scheme, _adapter(timeouts))


def _body(response: requests.Response, server: str, what: str, timeouts: Timeouts) -> bytes:
    """The whole body of a streamed answer, refused when it trickles in past the page deadline (a server that
    sends a byte now and then never trips the read timeout) or grows past MAX_PAGE_BYTES."""
    deadline = time.monotonic() + timeouts.page
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(1 << 16):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_PAGE_BYTES:
            raise CbmsError(PULL_008, server=server, what=what, reason=f"> {MAX_PAGE_BYTES} bytes")
        if time.monotonic() > deadline:
            raise CbmsError(PULL_009, server=server, what=what, seconds=f"{timeouts.page:g}")
    return b"".join(chunks)


def _fetch(session: requests.Session, url: str, params: dict[str, str] | None, paging: _Paging,
           list_key: str) -> tuple[bytes, dict[str, Any], int]:
    """One JSON page: its bytes as sent, the parsed body, and the length of its `list_key` list."""
    server, what, secrets = paging.server, paging.what, paging.secrets
    with session.get(url, params=params, stream=True) as response:
        if response.status_code != 200:
            raise _refused(response, server, what, secrets)
        content = _body(response, server, what, paging.timeouts)
    try:
        body = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise CbmsError(PULL_008, server=server, what=what, reason=_scrub(f"JSON: {exc}", secrets())) from exc
    if not isinstance(body, dict) or (list_key and not isinstance(body.get(list_key), list)):
        raise CbmsError(PULL_008, server=server, what=what,
                        reason=f"falta la lista '{list_key}' / no '{list_key}' list" if list_key
                        else "no es un objeto JSON / not a JSON object")
    return content, body, len(body[list_key]) if list_key else 0


@dataclass(frozen=True, slots=True)
class _Paging:
    """How a server pages its submissions: the list, the link to the next page, the total; file names."""

    server: str
    what: str
    secrets: Secrets
    list_key: str
    next_key: str
    count_key: str
    stem: str  # pages are written as <stem>.page-0001.json, ...
    timeouts: Timeouts = TIMEOUTS


def _pages(session: requests.Session, url: str, params: dict[str, str], paging: _Paging,
           staging: _Staging) -> tuple[int, int]:
    """Follow the next-page links from `url`, keeping every page aside; (pages, submissions)."""
    pages = submissions = 0
    next_url: str | None = url
    next_params: dict[str, str] | None = params
    seen: set[str] = set()
    while next_url is not None:
        content, body, count = _fetch(session, next_url, next_params, paging, paging.list_key)
        pages, submissions = pages + 1, submissions + count
        staging.add(f"{paging.stem}.page-{pages:04d}.json", content)
        log.info("page %d: %d submissions (%d of %s)", pages, count, submissions, body.get(paging.count_key, "?"))
        seen.add(next_url)
        link = body.get(paging.next_key)
        next_url, next_params = (_on_server(link, next_url, paging.server, paging.what), None) if link is not None \
            else (None, None)
        if next_url in seen:
            raise CbmsError(PULL_008, server=paging.server, what=paging.what,
                            reason="la página siguiente repite una anterior / next page repeats one")
    return pages, submissions


# --- the output folder --------------------------------------------------------------------------------------


class _Staging:
    """A temporary folder inside `out` for one pull's files, moved into `out` only once every page arrived."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._folder: Path | None = None
        self._names: list[str] = []
        self._made: list[Path] = []  # folders this pull created, deepest first: removed again if it fails

    def _fail(self, exc: OSError) -> CbmsError:
        return CbmsError(CLI_002, path=self.out, reason=exc.strerror or type(exc).__name__)

    def __enter__(self) -> _Staging:
        try:
            missing = [p for p in (self.out, *self.out.parents) if not p.exists()]
            self.out.mkdir(parents=True, exist_ok=True)
            self._made = missing
            remove_stale(self.out, STAGING)  # what a pull killed outright (kill -9, power cut) left
            self._folder = Path(tempfile.mkdtemp(prefix=owned(STAGING), dir=self.out))
        except OSError as exc:
            raise self._fail(exc) from exc
        return self

    def add(self, name: str, content: bytes) -> None:
        """Keep one file aside until `commit`."""
        assert self._folder is not None
        try:
            (self._folder / name).write_bytes(content)
        except OSError as exc:
            raise self._fail(exc) from exc
        self._names.append(name)

    def commit(self, stale: Iterable[Path]) -> tuple[Path, ...]:
        """Move the files into `out`, then delete the `stale` files of an earlier pull that this one lacks."""
        assert self._folder is not None
        try:
            for name in self._names:
                os.replace(self._folder / name, self.out / name)
            for path in stale:
                if path.name not in self._names:
                    path.unlink(missing_ok=True)
        except OSError as exc:
            raise self._fail(exc) from exc
        self._made = []
        return tuple(self.out / name for name in self._names)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        for folder in self._made:  # an interrupted pull leaves no folder of its own behind
            try:
                folder.rmdir()
            except OSError:
                break


def _pages_of(out: Path, prefix: str) -> list[Path]:
    pattern = re.compile(re.escape(prefix) + r"\.page-\d{4,}\.json")
    return [p for p in out.iterdir() if pattern.fullmatch(p.name)] if out.is_dir() else []


# --- ODK Central ------------------------------------------------------------------------------------------------


def _central_login(server: str, config_path: Path | None, out: Path) -> _CentralLogin:
    """Credentials from `config_path`, else ODK_CENTRAL_USERNAME/PASSWORD, else pyodk's usual config file."""
    username, password = os.environ.get(USERNAME_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    if config_path is None and username and password:
        return _CentralLogin(username, password, cache=None, source=f"{USERNAME_ENV}/{PASSWORD_ENV}")
    path = Path(pyodk_config.get_config_path(config_path))
    where = f"PYODK_CONFIG_FILE={path}"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise CbmsError(PULL_001, server=server, how=(
            f"{where} ([central] username, password) | {USERNAME_ENV} + {PASSWORD_ENV}")) from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise CbmsError(PULL_001, server=server, how=f"{where}: {reason}") from exc
    central = data.get("central")
    central = central if isinstance(central, dict) else {}
    missing = [key for key in ("username", "password") if not isinstance(central.get(key), str) or not central[key]]
    if missing:
        raise CbmsError(PULL_001, server=server, how=f"{where}: [central] {', '.join(missing)}")
    # pyodk's cache holds one token and not whose: send it only to the server the config file names
    base_url = central.get("base_url")
    cache: Path | None = Path(pyodk_config.get_cache_path())
    if not isinstance(base_url, str) or not _same_server(base_url, server):
        cache = None
    elif cache is not None and cache.resolve().is_relative_to(out.resolve()):
        cache = None  # never write a token into the export folder
    return _CentralLogin(str(central["username"]), str(central["password"]), cache=cache, source=str(path))


def _central_client(server: str, project: int, login: _CentralLogin, timeouts: Timeouts) -> Any:
    config = pyodk_config.Config(central=pyodk_config.CentralConfig(
        base_url=server, username=login.username, password=login.password, default_project_id=project))
    session = PyodkSession(base_url=server, api_version="v1", username=login.username,
                           password=login.password, cache_path=login.cache)
    _mount(session, timeouts)
    return Client(config=config, session=session, project_id=project)


def _log_in(client: Any, server: str, login: _CentralLogin, secrets: Secrets) -> None:
    """Open the pyodk session: a cached token if it still works, else POST /v1/sessions."""
    try:
        client.open()
    except PyODKError as exc:  # pyodk raises it with the Response as second argument when Central answered
        response = exc.args[1] if len(exc.args) > 1 else None
        if isinstance(response, requests.Response):
            if response.status_code in (401, 403):
                raise CbmsError(PULL_002, server=server) from exc
            raise CbmsError(PULL_005, server=server, status=f"{response.status_code} {response.reason or ''}".strip(),
                            reason=_scrub(f"POST /v1/sessions: {_server_message(response)}", secrets())) from exc
        raise CbmsError(PULL_005, server=server, status="pyodk", reason=_scrub(str(exc), secrets())) from exc
    except requests.RequestException:
        raise  # network trouble: _network says it like for any other request
    except OSError as exc:  # pyodk could not write its token cache
        raise CbmsError(PULL_001, server=server,
                        how=f"PYODK_CACHE_FILE={login.cache}: {exc.strerror or type(exc).__name__}") from exc


def pull_central(server: str, project: int, form: str, out: Path, config_path: Path | None = None,
                 timeouts: Timeouts = TIMEOUTS) -> PullResult:
    """Write every submission of `form` on an ODK Central server into `out` as Central sends it.

    Files: the OData `Submissions?$expand=*` pages `{form}.odata.page-0001.json`, ... exactly as received, and
    the form definition `{form}.xlsx` (else `{form}.xml`). Credentials: pyodk's config file `config_path` if
    given, else ODK_CENTRAL_USERNAME and ODK_CENTRAL_PASSWORD, else the file PYODK_CONFIG_FILE or
    ~/.pyodk_config.toml names; `server` replaces its base_url. Nothing changes in `out` unless every page
    arrived.
    """
    base = _server_url(server, "/v1")
    _check_name(form, "--form")
    login = _central_login(base, config_path, out)
    client = _central_client(base, project, login, timeouts)
    session = client.session

    def secrets() -> tuple[str, ...]:
        return (login.password, str(session.headers.get("Authorization", "")).removeprefix("Bearer "))

    form_path = session.urlformat("projects/{project_id}/forms/{form_id}", project_id=project, form_id=form)
    what = f"projects/{project}/forms/{form}"
    log.info("ODK Central %s, %s (credentials: %s)", base, what, login.source)
    with _Staging(out) as staging, _network(base, what, timeouts, secrets):
        try:
            _log_in(client, base, login, secrets)
            pages, submissions = _pages(
                session, session.urljoin(f"{form_path}.svc/Submissions"),
                {"$expand": "*", "$top": str(CENTRAL_PAGE_SIZE), "$count": "true"}, _Paging(
                    base, what, secrets, "value", "@odata.nextLink", "@odata.count", f"{form}.odata", timeouts),
                staging)
            for suffix in (".xlsx", ".xml"):
                with session.get(session.urljoin(form_path + suffix), stream=True) as response:
                    if response.status_code == 200:
                        staging.add(f"{form}{suffix}", _body(response, base, what + suffix, timeouts))
                        break
                    if response.status_code != 404:  # 404: the form was not uploaded in this format
                        raise _refused(response, base, what + suffix, secrets)
            else:
                log.warning("%s: the server has no form definition (.xlsx or .xml) for %s", base, what)
        finally:
            client.close()
        files = staging.commit(_pages_of(out, f"{form}.odata"))
    log.info("%d submissions in %d pages from %s written to %s", submissions, pages, base, out)
    return PullResult(files=files, submissions=submissions, pages=pages)


# --- KoBoToolbox ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _KoboLogin:
    token: str = field(repr=False)


def _kobo_login(server: str, token: str | None) -> _KoboLogin:
    secret = (token if token is not None else os.environ.get(KOBO_TOKEN_ENV, "")).strip()
    if not _TOKEN.fullmatch(secret):  # missing, or not a token at all
        raise CbmsError(PULL_001, server=server, how=f"{KOBO_TOKEN_ENV}=<API key> ({server}/token/?format=json)")
    return _KoboLogin(secret)


def _kobo_session(login: _KoboLogin, timeouts: Timeouts) -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Token {login.token}", "Accept": "application/json"})
    _mount(session, timeouts)
    return session


def pull_kobo(server: str, asset: str, out: Path, token: str | None = None,
              timeouts: Timeouts = TIMEOUTS) -> PullResult:
    """Write a KoBoToolbox asset and all its submissions into `out` as API v2 sends them.

    Files: `{asset}.asset.json` (the form) and the data pages `{asset}.data.page-0001.json`, ... exactly as
    received. The API token is `token`, else the KOBO_TOKEN environment variable. Nothing changes in `out`
    unless every page arrived.
    """
    base = _server_url(server, "/api/v2")
    _check_name(asset, "--asset")
    login = _kobo_login(base, token)

    def secrets() -> tuple[str, ...]:
        return (login.token,)

    what = f"assets/{asset}"
    asset_url = f"{base}/api/v2/assets/{quote(asset)}/"
    log.info("KoBoToolbox %s, %s", base, what)
    with _Staging(out) as staging, _network(base, what, timeouts, secrets), _kobo_session(login, timeouts) as session:
        asset_paging = _Paging(base, what, secrets, "", "", "", asset, timeouts)
        content, _, _ = _fetch(session, asset_url, {"format": "json"}, asset_paging, "")
        staging.add(f"{asset}.asset.json", content)
        pages, submissions = _pages(session, f"{asset_url}data/", {"format": "json"}, _Paging(
            base, f"{what}/data", secrets, "results", "next", "count", f"{asset}.data", timeouts), staging)
        files = staging.commit(_pages_of(out, f"{asset}.data"))
    log.info("%d submissions in %d pages from %s written to %s", submissions, pages, base, out)
    return PullResult(files=files, submissions=submissions, pages=pages)
