"""A tiny fake Kaggle API server for tests of the official ``kaggle`` client.

With ``KAGGLE_API_ENVIRONMENT=TEST`` kagglesdk sends every RPC to
``http://localhost:7777/api/v1/<service>/<Method>`` as a JSON POST (the port is fixed by
kagglesdk). This server answers the few RPCs kagglekit uses:

- ``POST /api/v1/security.OAuthService/IntrospectToken`` (``KAGGLE_API_TOKEN`` logins)
- ``POST /api/v1/competitions.CompetitionApiService/StartSubmissionUpload``
  -> ``{"token", "createUrl"}``, the URL being ``PUT /upload/<token>`` on this server
- ``PUT /upload/<token>``: stores the file bytes
- ``POST /api/v1/competitions.CompetitionApiService/CreateSubmission`` -> ``{"ref", "message"}``
- ``POST /api/v1/competitions.CompetitionApiService/DownloadDataFiles`` -> 302 to
  ``GET /files/<competition>.zip``, a zip of the competition's files
- ``POST /api/v1/competitions.CompetitionApiService/GetSubmission`` -> one ``ApiSubmission``
  (``ref``, ``date``, ``description``, ``fileName``, ``status`` PENDING / COMPLETE / ERROR,
  ``publicScore``, ``privateScore``, ``errorDescription``); each call while the submission
  still has ``pending_polls`` answers PENDING and counts one down
- ``POST /api/v1/competitions.CompetitionApiService/ListCompetitions`` -> the competitions
  whose name holds ``search``, with their ``evaluationMetric``
- ``POST /api/v1/competitions.CompetitionApiService/ListSubmissions`` ->
  ``{"submissions": [...]}``, the competition's submissions newest first (no count-down)

Errors are answered the way Kaggle does: JSON ``{"code": <status>, "message": ...}``.
"""

from __future__ import annotations

import base64
import io
import json
import socket
import sys
import threading
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
PORT = 7777  # fixed by kagglesdk.kaggle_env for KaggleEnv.TEST
RPC_PREFIX = "/api/v1/"


def port_in_use(host=HOST, port=PORT):
    """Whether something already listens on ``host:port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


@dataclass
class FakeKaggleState:
    """What the fake knows (accounts, competitions) and what it received."""

    username: str = "kk-user"
    key: str = "kk-key-0123456789"
    token: str = "kk-token-0123456789"
    # competition -> {file name: bytes}; rules accepted for those in `entered`.
    competitions: dict = field(
        default_factory=lambda: {
            "titanic": {
                "train.csv": b"PassengerId,Survived,Pclass\n1,0,3\n2,1,1\n",
                "test.csv": b"PassengerId,Pclass\n892,3\n",
            },
            "house-prices": {"train.csv": b"Id,SalePrice\n1,208500\n"},
        }
    )
    # The evaluation metric each competition's page names (ListCompetitions answers it).
    metrics: dict = field(default_factory=lambda: {"titanic": "CategorizationAccuracy",
                                                   "house-prices": "RMSE"})
    entered: set = field(default_factory=lambda: {"titanic"})
    uploads: dict = field(default_factory=dict)  # token -> {"file_name", "data"}
    submissions: list = field(default_factory=list)
    # How each new submission gets scored: PENDING for `pending_polls` GetSubmission calls,
    # then COMPLETE with `public_score`, or ERROR with `error` when that is set.
    scoring: dict = field(
        default_factory=lambda: {"pending_polls": 1, "public_score": "0.77511", "error": None}
    )
    calls: list = field(default_factory=list)  # (method, path, authorization header)
    # Statuses to answer the next RPCs with, one per call (e.g. [503, 503] for an outage).
    fail_next: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_submission(self, competition, *, description, file_name, data=b""):
        """Record a submission, scored as ``scoring`` says; returns its ref.

        Tests call it directly for submissions made on the website (hold ``lock`` while the
        server runs, as the handler does)."""
        ref = 1000 + len(self.submissions)
        self.submissions.append(
            {
                "ref": ref,
                "competition": competition,
                "description": description,
                "file_name": file_name,
                "data": data,
                "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                **self.scoring,
            }
        )
        return ref


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeKaggle/1.0"
    protocol_version = "HTTP/1.1"

    @property
    def state(self) -> FakeKaggleState:
        return self.server.state

    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass

    # -- plumbing ---------------------------------------------------------------------------

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=b"", content_type="application/json", headers=None):
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status, message):
        self._send(status, {"code": status, "message": message})

    def _record(self):
        with self.state.lock:
            self.state.calls.append((self.command, self.path, self.headers.get("Authorization")))

    def _authorized(self):
        auth = self.headers.get("Authorization") or ""
        state = self.state
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :] == state.token
        if auth.startswith("Basic "):
            expected = base64.b64encode(f"{state.username}:{state.key}".encode()).decode()
            return auth[len("Basic ") :] == expected
        return False

    # -- HTTP verbs -------------------------------------------------------------------------

    def do_POST(self):  # noqa: N802 - http.server naming
        self._record()
        body = self._body()
        if not self.path.startswith(RPC_PREFIX):
            return self._error(404, f"No such path {self.path}")
        rpc = self.path[len(RPC_PREFIX) :]
        with self.state.lock:
            forced = self.state.fail_next.pop(0) if self.state.fail_next else None
        if forced is not None:
            return self._error(forced, f"Forced status {forced}")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return self._error(400, "Body is not JSON")
        if rpc == "security.OAuthService/IntrospectToken":
            active = request.get("token") == self.state.token
            return self._send(200, {"active": active, "username": self.state.username})
        if not self._authorized():
            return self._error(401, "Unauthenticated")
        handlers = {
            "competitions.CompetitionApiService/StartSubmissionUpload": self._start_upload,
            "competitions.CompetitionApiService/CreateSubmission": self._create_submission,
            "competitions.CompetitionApiService/DownloadDataFiles": self._download_files,
            "competitions.CompetitionApiService/GetSubmission": self._get_submission,
            "competitions.CompetitionApiService/ListSubmissions": self._list_submissions,
            "competitions.CompetitionApiService/ListCompetitions": self._list_competitions,
        }
        handler = handlers.get(rpc)
        if handler is None:
            return self._error(404, f"Unknown RPC {rpc}")
        return handler(request)

    def do_PUT(self):  # noqa: N802
        self._record()
        data = self._body()
        token = self.path.rsplit("/", 1)[-1]
        with self.state.lock:
            upload = self.state.uploads.get(token)
            if not self.path.startswith("/upload/") or upload is None:
                return self._error(404, "Unknown upload URL")
            upload["data"] = data
        return self._send(200, {})

    def do_GET(self):  # noqa: N802
        self._record()
        name = self.path.rsplit("/", 1)[-1]
        competition = name.removesuffix(".zip")
        files = self.state.competitions.get(competition)
        if not self.path.startswith("/files/") or files is None:
            return self._error(404, "No such file")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for file_name, data in files.items():
                zf.writestr(file_name, data)
        return self._send(200, buffer.getvalue(), content_type="application/zip")

    # -- RPCs -------------------------------------------------------------------------------

    def _competition_error(self, competition):
        if competition not in self.state.competitions:
            return self._error(404, f"Competition {competition} not found")
        if competition not in self.state.entered:
            return self._error(403, "You must accept this competition's rules first")
        return None

    def _start_upload(self, request):
        competition = request.get("competitionName")
        if self._competition_error(competition) is not None:
            return None
        token = uuid.uuid4().hex
        with self.state.lock:
            self.state.uploads[token] = {"file_name": request.get("fileName"), "data": None}
        host, port = self.server.server_address[:2]
        return self._send(
            200, {"token": token, "createUrl": f"http://{host}:{port}/upload/{token}"}
        )

    def _create_submission(self, request):
        competition = request.get("competitionName")
        if self._competition_error(competition) is not None:
            return None
        with self.state.lock:
            upload = self.state.uploads.get(request.get("blobFileTokens"))
            if upload is None or upload["data"] is None:
                return self._error(400, "Unknown or incomplete upload")
            ref = self.state.add_submission(
                competition,
                description=request.get("submissionDescription"),
                file_name=upload["file_name"],
                data=upload["data"],
            )
        return self._send(200, {"ref": ref, "message": f"Successfully submitted to {competition}"})

    def _get_submission(self, request):
        with self.state.lock:
            found = [s for s in self.state.submissions if s["ref"] == request.get("ref")]
            if not found:
                return self._error(404, f"Submission {request.get('ref')} not found")
            answer = _as_api_submission(found[0])
            if found[0]["pending_polls"] > 0:
                found[0]["pending_polls"] -= 1
        return self._send(200, answer)

    def _list_submissions(self, request):
        competition = request.get("competitionName")
        if self._competition_error(competition) is not None:
            return None
        with self.state.lock:
            mine = [s for s in self.state.submissions if s["competition"] == competition]
            answer = [_as_api_submission(s) for s in reversed(mine)]
        return self._send(200, {"submissions": answer})

    def _list_competitions(self, request):
        search = request.get("search", "")
        found = [{"ref": f"https://www.kaggle.com/competitions/{name}", "title": name,
                  "evaluationMetric": self.state.metrics.get(name, "")}
                 for name in self.state.competitions if search in name]
        return self._send(200, {"competitions": found})

    def _download_files(self, request):
        competition = request.get("competitionName")
        if self._competition_error(competition) is not None:
            return None
        return self._send(302, b"", headers={"Location": f"/files/{competition}.zip"})


def _as_api_submission(submission):
    """A stored submission as Kaggle's JSON ``ApiSubmission``."""
    answer = {
        "ref": submission["ref"],
        "date": submission["date"],
        "description": submission["description"],
        "fileName": submission["file_name"],
        "status": "PENDING",
    }
    if submission["pending_polls"] > 0:
        return answer
    if submission["error"]:
        answer.update(status="ERROR", errorDescription=submission["error"])
    else:
        answer.update(status="COMPLETE", publicScore=submission["public_score"],
                      privateScore="")
    return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client closing its keep-alive connection is normal; print anything else.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeKaggle:
    """Run the fake server in a daemon thread; use as a context manager.

    Attributes
    ----------
    state : FakeKaggleState
        Accounts and competitions to serve, and what was received.
    """

    def __init__(self, host=HOST, port=PORT):
        self.state = FakeKaggleState()
        self._server = _Server((host, port), _Handler)
        self._server.state = self.state
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class SilentServer:
    """Accept TCP connections on ``host:port`` and never answer (a hung Kaggle).

    Each connection is closed after ``hold_s`` seconds, so a client without a read timeout
    fails slowly instead of hanging the test run.
    """

    def __init__(self, host=HOST, port=PORT, hold_s=10.0):
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self._hold_s = hold_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        held = []
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            held.append(conn)
            threading.Timer(self._hold_s, conn.close).start()
        for conn in held:
            conn.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
