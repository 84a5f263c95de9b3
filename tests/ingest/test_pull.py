"""`cbms pull` against ODK Central and KoBoToolbox replayed on 127.0.0.1 from the answers in recorded/."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from cbms import errors
from cbms.errors import CbmsError
from cbms.ingest import pull
from cbms.ingest.pull import pull_central, pull_kobo

RECORDED = Path(__file__).parent / "recorded"
FORM, PROJECT = "simple_repeat", 7
ASSET = "aDMHypRASH2EuJdvKMx5Mi"
USER, PASSWORD = "ana@example.org", "Cl4ve-Secreta!2026"
SESSION_TOKEN = json.loads((RECORDED / "central" / "session.json").read_bytes())["token"]
KOBO_TOKEN = "9f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"
SECRETS = (PASSWORD, SESSION_TOKEN, KOBO_TOKEN)
RECORDED_ORIGINS = (b"https://central.example.org", b"https://kf.kobotoolbox.org")


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


# --- the replaying server -------------------------------------------------------------------------------------


@dataclass
class Replay:
    """How the fake server behaves, and what it saw and sent."""

    kind: str  # central | kobo
    origin: str = ""
    foreign_links: bool = False  # keep the recorded hosts in the next-page links
    xlsx: bool = True  # Central has the form as XLSForm (else only .xml)
    die_on_page: int | None = None  # send half the page, then drop the connection
    expire_on_page: int | None = None  # the session token stops working at this page (401)
    fail_on_page: int | None = None  # 500 at this page
    delay: float = 0.0
    seen: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    sent: dict[str, bytes] = field(default_factory=dict)

    def page(self, name: str, number: int) -> tuple[int, bytes, bool]:
        if number == self.expire_on_page:
            return 401, recorded(f"{self.kind}/401.json"), False
        if number == self.fail_on_page:
            return 500, recorded("central/500.json"), False
        content = recorded(name)
        if not self.foreign_links:
            for origin in RECORDED_ORIGINS:
                content = content.replace(origin, self.origin.encode())
        self.sent[f"page-{number}"] = content
        return 200, content, number == self.die_on_page

    def central(self, method: str, path: str, query: dict[str, list[str]], auth: str,
                body: bytes) -> tuple[int, bytes, bool]:
        if method == "POST" and path == "/v1/sessions":
            if json.loads(body) == {"email": USER, "password": PASSWORD}:
                return 200, recorded("central/session.json"), False
            return 401, recorded("central/401.json"), False
        if auth != f"Bearer {SESSION_TOKEN}":
            return 401, recorded("central/401.json"), False
        if path == "/v1/users/current":
            return 200, recorded("central/users_current.json"), False
        form = f"/v1/projects/{PROJECT}/forms/{FORM}"
        if path == f"{form}.svc/Submissions":
            tokens = [parse_qs(urlsplit(json.loads(recorded(f"central/submissions.page-{n}.json"))
                                        ["@odata.nextLink"]).query)["$skiptoken"] for n in (1, 2)]
            number = 1 if "$skiptoken" not in query else tokens.index(query["$skiptoken"]) + 2
            return self.page(f"central/submissions.page-{number}.json", number)
        if (path == f"{form}.xlsx" and self.xlsx) or path == f"{form}.xml":
            self.sent["definition"] = recorded(f"central/{FORM}{Path(path).suffix}")
            return 200, self.sent["definition"], False
        return 404, recorded("central/404.json"), False

    def kobo(self, method: str, path: str, query: dict[str, list[str]], auth: str,
             body: bytes) -> tuple[int, bytes, bool]:
        if auth != f"Token {KOBO_TOKEN}":
            return 401, recorded("kobo/401.json"), False
        if path == f"/api/v2/assets/{ASSET}/" and query.get("format") == ["json"]:
            self.sent["asset"] = recorded("kobo/asset.json")
            return 200, self.sent["asset"], False
        if path == f"/api/v2/assets/{ASSET}/data/" and query.get("format") == ["json"]:
            number = 2 if query.get("start") == ["3"] else 1
            return self.page(f"kobo/data.page-{number}.json", number)
        return 404, recorded("kobo/404.json"), False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, method: str) -> None:
        replay: Replay = self.server.replay  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        replay.seen.append((method, self.path, dict(self.headers), body))
        url = urlsplit(self.path)
        route = replay.central if replay.kind == "central" else replay.kobo
        status, content, die = route(method, url.path, parse_qs(url.query), self.headers.get("Authorization", ""),
                                     body)
        time.sleep(replay.delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if die:  # the server goes down half-way through the page
                self.wfile.write(content[: len(content) // 2])
                self.close_connection = True
                return
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (the timeout test)
            self.close_connection = True

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def log_message(self, format: str, *args: object) -> None:  # keep pytest's output clean
        pass


@pytest.fixture
def serve() -> Iterator[Callable[..., Replay]]:
    """Start a replaying server on 127.0.0.1 (a free port) in a thread."""
    servers: list[ThreadingHTTPServer] = []

    def start(kind: str, **options: object) -> Replay:
        replay = Replay(kind, **options)  # type: ignore[arg-type]
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.replay = replay  # type: ignore[attr-defined]
        replay.origin = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return replay

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """No credentials, proxies or pyodk files from the machine; every log record captured."""
    for name in ("ODK_CENTRAL_USERNAME", "ODK_CENTRAL_PASSWORD", "KOBO_TOKEN", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("PYODK_CONFIG_FILE", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("PYODK_CACHE_FILE", str(tmp_path / "pyodk_cache.toml"))
    caplog.set_level(logging.DEBUG)


def pyodk_config(tmp_path: Path, base_url: str = "https://central.example.org", password: str = PASSWORD) -> Path:
    """pyodk's config file; --server replaces its base_url."""
    path = tmp_path / "pyodk_config.toml"
    path.write_text(f'[central]\nbase_url = "{base_url}"\nusername = "{USER}"\npassword = "{password}"\n'
                    f"default_project_id = {PROJECT}\n", encoding="utf-8")
    return path


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def snapshot(folder: Path) -> dict[str, bytes] | None:
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>" for p in folder.rglob("*")}


def assert_no_secret(out: Path, caplog: pytest.LogCaptureFixture, error: CbmsError | None = None) -> None:
    texts = [caplog.text, *(r.getMessage() for r in caplog.records)]
    if error is not None:
        texts += [str(error), repr(error), error.message("es"), error.message("en")]
    files = [p.read_bytes() for p in out.rglob("*") if p.is_file()] if out.exists() else []
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret
        assert not any(secret.encode() in data for data in files), secret


def an_earlier_pull(out: Path, prefix: str) -> dict[str, bytes] | None:
    """A folder holding the files of an earlier pull and one of the user's own."""
    out.mkdir()
    (out / f"{prefix}.page-0001.json").write_bytes(b'{"value": []}')
    (out / f"{prefix}.page-0004.json").write_bytes(b'{"value": []}')
    (out / "notas.txt").write_text("mine", encoding="utf-8")
    return snapshot(out)


# --- ODK Central ----------------------------------------------------------------------------------------------


def test_central_pull_writes_each_page_as_the_server_sent_it(serve: Callable[..., Replay], tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    server = serve("central")
    out = tmp_path / "out"
    an_earlier_pull(out, f"{FORM}.odata")

    result = pull_central(server.origin, PROJECT, FORM, out, config_path=pyodk_config(tmp_path))

    pages = [out / f"{FORM}.odata.page-000{n}.json" for n in (1, 2, 3)]
    assert result.files == (*pages, out / f"{FORM}.xlsx")
    assert (result.pages, result.submissions) == (3, 5)  # 2 + 2 + 1 rows in recorded/central
    for number, page in enumerate(pages, start=1):
        assert page.read_bytes() == server.sent[f"page-{number}"]
    assert (out / f"{FORM}.xlsx").read_bytes() == recorded("central/simple_repeat.xlsx")
    # the earlier pull's 4th page is gone, the user's own file stays, no staging folder is left
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in result.files), "notas.txt"])
    # pyodk logged in once with the config file's credentials, then sent its bearer token
    assert [(m, p) for m, p, _, _ in server.seen][:2] == [
        ("POST", "/v1/sessions"), ("GET", "/v1/projects/7/forms/simple_repeat.svc/Submissions"
                                          "?%24expand=%2A&%24top=1000&%24count=true")]
    assert all(h["Authorization"] == f"Bearer {SESSION_TOKEN}" for _, _, h, _ in server.seen[1:])
    # the config file names another server: its token cache is left alone
    assert not (tmp_path / "pyodk_cache.toml").exists()
    assert_no_secret(out, caplog)


def test_central_next_links_naming_another_host_are_asked_of_the_given_server(
        serve: Callable[..., Replay], tmp_path: Path) -> None:
    server = serve("central", foreign_links=True)  # Central behind a proxy: links name its configured domain

    result = pull_central(server.origin, PROJECT, FORM, tmp_path / "out", config_path=pyodk_config(tmp_path))

    assert result.pages == 3
    assert result.files[1].read_bytes() == recorded("central/submissions.page-2.json")


def test_central_form_without_xlsform_gives_its_xml(serve: Callable[..., Replay], tmp_path: Path) -> None:
    server = serve("central", xlsx=False)

    result = pull_central(server.origin, PROJECT, FORM, tmp_path / "out", config_path=pyodk_config(tmp_path))

    assert result.files[-1].name == f"{FORM}.xml"
    assert result.files[-1].read_bytes() == recorded("central/simple_repeat.xml")


def test_central_credentials_from_the_environment(serve: Callable[..., Replay], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve("central")
    monkeypatch.setenv("ODK_CENTRAL_USERNAME", USER)
    monkeypatch.setenv("ODK_CENTRAL_PASSWORD", PASSWORD)

    result = pull_central(server.origin, PROJECT, FORM, tmp_path / "out")
    with pytest.raises(CbmsError) as caught:  # a config file given by name wins over the environment
        pull_central(server.origin, PROJECT, FORM, tmp_path / "out",
                     config_path=pyodk_config(tmp_path, password="wrong-password"))

    assert result.submissions == 5
    assert caught.value.code == "PULL_002"


def test_secrets_stay_out_of_reprs(tmp_path: Path) -> None:
    login = pull._central_login("https://central.example.org", pyodk_config(tmp_path), tmp_path / "out")
    assert PASSWORD not in repr(login)
    assert KOBO_TOKEN not in repr(pull._kobo_login("https://kf.kobotoolbox.org", KOBO_TOKEN))


def test_central_expired_cached_token_is_replaced(serve: Callable[..., Replay], tmp_path: Path) -> None:
    server = serve("central")
    config = pyodk_config(tmp_path, base_url=f"{server.origin}/v1")
    cache = tmp_path / "pyodk_cache.toml"
    cache.write_text('token = "expired0token"\n', encoding="utf-8")

    pull_central(server.origin, PROJECT, FORM, tmp_path / "out", config_path=config)
    first = [(m, p, h.get("Authorization")) for m, p, h, _ in server.seen[:2]]
    server.seen.clear()
    pull_central(server.origin, PROJECT, FORM, tmp_path / "out", config_path=config)

    assert first == [("GET", "/v1/users/current", "Bearer expired0token"), ("POST", "/v1/sessions", None)]
    assert SESSION_TOKEN in cache.read_text(encoding="utf-8")
    assert [p for m, p, _, _ in server.seen if m == "POST"] == []  # the second pull reused the cached token


def test_central_cached_token_never_goes_to_another_server(serve: Callable[..., Replay], tmp_path: Path) -> None:
    server = serve("central")
    cache = tmp_path / "pyodk_cache.toml"
    cache.write_text('token = "token0of0the0configured0server"\n', encoding="utf-8")

    pull_central(server.origin, PROJECT, FORM, tmp_path / "out", config_path=pyodk_config(tmp_path))

    assert not any("token0of0the" in str(headers) for _, _, headers, _ in server.seen)
    assert cache.read_text(encoding="utf-8") == 'token = "token0of0the0configured0server"\n'


@pytest.mark.parametrize(("replay", "password", "code"), [
    ({}, "wrong-password", "PULL_002"),
    ({"expire_on_page": 2}, PASSWORD, "PULL_002"),
    ({"fail_on_page": 2}, PASSWORD, "PULL_005"),
    ({"die_on_page": 2}, PASSWORD, "PULL_003"),
], ids=["refused-login", "token-expires-mid-pull", "server-fault", "server-dies-on-page-2"])
def test_central_failed_pull_leaves_the_folder_as_it_was(
        serve: Callable[..., Replay], tmp_path: Path, caplog: pytest.LogCaptureFixture,
        replay: dict[str, object], password: str, code: str) -> None:
    server = serve("central", **replay)
    out, fresh = tmp_path / "out", tmp_path / "new" / "deeper"
    before = an_earlier_pull(out, f"{FORM}.odata")
    config = pyodk_config(tmp_path, password=password)

    with pytest.raises(CbmsError) as caught:
        pull_central(server.origin, PROJECT, FORM, out, config_path=config)
    with pytest.raises(CbmsError):
        pull_central(server.origin, PROJECT, FORM, fresh, config_path=config)

    assert caught.value.code == code
    assert snapshot(out) == before
    assert not (tmp_path / "new").exists()
    assert_no_secret(out, caplog, caught.value)


def test_central_server_fault_says_status_and_reason(serve: Callable[..., Replay], tmp_path: Path) -> None:
    server = serve("central", fail_on_page=1)

    with pytest.raises(CbmsError) as caught:
        pull_central(server.origin, PROJECT, FORM, tmp_path / "out", config_path=pyodk_config(tmp_path))

    assert caught.value.context["status"] == "500 Internal Server Error"
    assert "Completely unhandled exception" in str(caught.value.context["reason"])


def test_central_unknown_form_is_pull_004(serve: Callable[..., Replay], tmp_path: Path) -> None:
    server = serve("central")

    with pytest.raises(CbmsError) as caught:
        pull_central(server.origin, PROJECT, "otro_form", tmp_path / "out", config_path=pyodk_config(tmp_path))

    assert caught.value.detail is errors.PULL_004
    assert caught.value.context["what"] == "projects/7/forms/otro_form"


def test_central_missing_credentials_say_where_to_put_them(tmp_path: Path) -> None:
    with pytest.raises(CbmsError) as missing_file:
        pull_central("https://central.example.org", PROJECT, FORM, tmp_path / "out")
    config = tmp_path / "no_password.toml"
    config.write_text(f'[central]\nbase_url = "https://central.example.org"\nusername = "{USER}"\n',
                      encoding="utf-8")
    with pytest.raises(CbmsError) as missing_key:
        pull_central("https://central.example.org", PROJECT, FORM, tmp_path / "out", config_path=config)

    assert missing_file.value.code == missing_key.value.code == "PULL_001"
    assert "PYODK_CONFIG_FILE" in str(missing_file.value) and "absent.toml" in str(missing_file.value)
    assert "ODK_CENTRAL_USERNAME" in str(missing_file.value)
    assert "password" in str(missing_key.value)
    assert not (tmp_path / "out").exists()


def test_central_connection_refused_is_pull_003(tmp_path: Path) -> None:
    with pytest.raises(CbmsError) as caught:
        pull_central(f"http://127.0.0.1:{closed_port()}", PROJECT, FORM, tmp_path / "out",
                     config_path=pyodk_config(tmp_path))

    assert caught.value.code == "PULL_003"
    assert "Connection refused" in str(caught.value)


@pytest.mark.parametrize(("server", "form", "code"), [
    (f"https://{USER}:{PASSWORD}@central.example.org", FORM, "PULL_006"),
    ("central.example.org", FORM, "PULL_006"),
    ("ftp://central.example.org", FORM, "PULL_006"),
    ("https://central.example.org", "../../etc/passwd", "PULL_007"),
])
def test_central_refuses_bad_addresses_and_names_before_any_request(
        tmp_path: Path, server: str, form: str, code: str) -> None:
    with pytest.raises(CbmsError) as caught:
        pull_central(server, PROJECT, form, tmp_path / "out", config_path=pyodk_config(tmp_path))

    assert caught.value.code == code
    assert PASSWORD not in str(caught.value)


# --- KoBoToolbox ------------------------------------------------------------------------------------------------


def test_kobo_pull_writes_asset_and_pages_as_the_server_sent_them(
        serve: Callable[..., Replay], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = serve("kobo", foreign_links=True)  # next names kf.kobotoolbox.org: asked of 127.0.0.1 all the same
    out = tmp_path / "out"

    result = pull_kobo(server.origin, ASSET, out, token=KOBO_TOKEN)

    pages = [out / f"{ASSET}.data.page-000{n}.json" for n in (1, 2)]
    assert result.files == (out / f"{ASSET}.asset.json", *pages)
    assert (result.pages, result.submissions) == (2, 6)  # the 6 results of kobo_api_v2/group_names.data.json
    assert result.files[0].read_bytes() == recorded("kobo/asset.json")
    assert [p.read_bytes() for p in pages] == [server.sent["page-1"], server.sent["page-2"]]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in result.files)
    assert [p for _, p, _, _ in server.seen] == [
        f"/api/v2/assets/{ASSET}/?format=json", f"/api/v2/assets/{ASSET}/data/?format=json",
        f"/api/v2/assets/{ASSET}/data/?format=json&limit=3&start=3"]
    assert all(h["Authorization"] == f"Token {KOBO_TOKEN}" for _, _, h, _ in server.seen)
    assert_no_secret(out, caplog)


def test_kobo_token_from_the_environment(serve: Callable[..., Replay], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve("kobo")
    monkeypatch.setenv("KOBO_TOKEN", f"{KOBO_TOKEN}\n")

    assert pull_kobo(server.origin, ASSET, tmp_path / "out").submissions == 6


def test_kobo_missing_token_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(CbmsError) as caught:
        pull_kobo("https://kf.kobotoolbox.org", ASSET, tmp_path / "out")

    assert caught.value.code == "PULL_001"
    assert "KOBO_TOKEN" in caught.value.message("es")


@pytest.mark.parametrize(("replay", "token", "asset", "code"), [
    ({}, "0000wrong0000", ASSET, "PULL_002"),
    ({}, KOBO_TOKEN, "aNoSuchAsset", "PULL_004"),
    ({"die_on_page": 2}, KOBO_TOKEN, ASSET, "PULL_003"),
], ids=["bad-token", "unknown-asset", "server-dies-on-page-2"])
def test_kobo_failed_pull_leaves_the_folder_as_it_was(
        serve: Callable[..., Replay], tmp_path: Path, caplog: pytest.LogCaptureFixture,
        replay: dict[str, object], token: str, asset: str, code: str) -> None:
    server = serve("kobo", **replay)
    out = tmp_path / "out"
    before = an_earlier_pull(out, f"{ASSET}.data")

    with pytest.raises(CbmsError) as caught:
        pull_kobo(server.origin, asset, out, token=token)

    assert caught.value.code == code
    assert snapshot(out) == before
    assert_no_secret(out, caplog, caught.value)


def test_kobo_connection_refused_is_pull_003_and_a_slow_answer_pull_009(serve: Callable[..., Replay],
                                                                        tmp_path: Path) -> None:
    slow = serve("kobo", delay=1.0)
    quick = pull.Timeouts(connect=1.0, read=0.2)

    with pytest.raises(CbmsError) as refused:
        pull_kobo(f"http://127.0.0.1:{closed_port()}", ASSET, tmp_path / "out", token=KOBO_TOKEN, timeouts=quick)
    with pytest.raises(CbmsError) as timed_out:
        pull_kobo(slow.origin, ASSET, tmp_path / "out", token=KOBO_TOKEN, timeouts=quick)

    assert (refused.value.code, timed_out.value.code) == ("PULL_003", "PULL_009")
    assert timed_out.value.message("en") == errors.PULL_009.format(
        "en", server=slow.origin, what=f"assets/{ASSET}", seconds="0.2")
    assert not (tmp_path / "out").exists()


# --- hung servers (issue 20, case 7: Central over http never timed out, 420 s+; KoBo took 303 s; a stopped pull
# left its .cbms-pull-* folder) -------------------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts every connection and never answers a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


QUICK = pull.Timeouts(connect=0.5, read=0.5)


@pytest.mark.parametrize("kind", ["central", "kobo"])
def test_a_server_that_never_answers_times_out_leaving_nothing(silent_server: str, tmp_path: Path, kind: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    before = an_earlier_pull(out, f"{FORM}.odata" if kind == "central" else f"{ASSET}.data")
    monkeypatch.setenv("ODK_CENTRAL_USERNAME", USER)
    monkeypatch.setenv("ODK_CENTRAL_PASSWORD", PASSWORD)

    with pytest.raises(CbmsError) as caught:
        if kind == "central":  # over http, which pyodk left without a timeout
            pull_central(silent_server, PROJECT, FORM, out, timeouts=QUICK)
        else:
            pull_kobo(silent_server, ASSET, out, token=KOBO_TOKEN, timeouts=QUICK)

    what = f"projects/{PROJECT}/forms/{FORM}" if kind == "central" else f"assets/{ASSET}"
    assert caught.value.message("en") == errors.PULL_009.format("en", server=silent_server, what=what, seconds="0.5")
    assert snapshot(out) == before  # no .cbms-pull-* left


def test_a_page_that_trickles_in_past_its_deadline_is_refused(serve: Callable[..., Replay], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve("kobo")
    ticks = iter(range(0, 10**6, 100))  # each chunk read seems to take 100 s: the page deadline passes
    monkeypatch.setattr(pull.time, "monotonic", lambda: next(ticks))
    with pytest.raises(CbmsError) as caught:
        pull_kobo(server.origin, ASSET, tmp_path / "out", token=KOBO_TOKEN, timeouts=pull.Timeouts(read=2.0))
    assert caught.value.code == "PULL_009" and caught.value.context["seconds"] == "40"  # 20 reads of 2 s
    assert not (tmp_path / "out").exists()


PULL_THEN_STOPPED = """
import os, signal, sys, threading
from pathlib import Path
from cbms.cli import main
os.environ["KOBO_TOKEN"] = "abc"
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGTERM)).start()
sys.exit(main(["pull", "--kobo", sys.argv[1], "--asset", "aX", "--out", sys.argv[2], "--timeout", "60"]))
"""


def test_a_pull_stopped_with_sigterm_removes_its_staging_folder(silent_server: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", PULL_THEN_STOPPED, silent_server, str(out)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 128 + 15, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "✗ " + errors.CLI_003.format("es", signal="SIGTERM")
    assert list(out.iterdir()) == []


def test_a_staging_folder_left_by_a_killed_pull_is_removed_by_the_next(serve: Callable[..., Replay],
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)
    left = out / f"{pull.STAGING}{dead}.x1y2"  # what `kill -9` during a pull leaves
    left.mkdir()
    (left / f"{ASSET}.data.page-0001.json").write_text("{}")

    pull_kobo(serve("kobo").origin, ASSET, out, token=KOBO_TOKEN)

    assert not left.exists() and not [p for p in out.iterdir() if p.name.startswith(pull.STAGING)]
