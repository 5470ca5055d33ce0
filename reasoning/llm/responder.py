"""A scripted OpenAI-compatible HTTP endpoint that stands in for a model in tests, benchmarks and the demo.

It is not a model: it answers a chat completion only from a fixture whose substrings all occur in
the request, and refuses anything unscripted with an error that names the request and the fixtures
file, so a missing script shows up as a failure rather than as an invented medical answer. Latency
and faults (rate limits, server errors, timeouts, malformed and empty replies), scripted per
fixture or drawn at random from a seeded generator, drive the client's retry paths over real HTTP.
Only the standard library serves: a threaded `http.server`, so concurrent requests overlap.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import random
import socket
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.jsonl import describe_validation_error
from reasoning.llm.fixtures import FAULT_KINDS, Fault, Fixture, bundled_fixtures, load_fixtures

__all__ = ["Responder", "serve"]

SCRIPTED_NOTE = "scripted responses, not a model"
_OWNER = "medcore-responder"


# -- requests ------------------------------------------------------------------------------


class _RequestError(Exception):
    """A request the responder refuses: HTTP status, OpenAI error type and code, message."""

    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error", code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code


class _Chat(BaseModel):
    """The parts of a chat completion request the responder reads; the rest is accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[dict[str, Any]] = Field(min_length=1)
    n: int = 1
    stream: bool = False

    def text(self) -> str:
        """All message contents, joined: what fixtures are matched against."""
        return "\n".join(_content_text(m.get("content")) for m in self.messages)

    def last_user_text(self) -> str:
        users = [m for m in self.messages if m.get("role") == "user"] or self.messages
        return _content_text(users[-1].get("content"))


def _content_text(content: Any) -> str:
    # Content is a string, null (tool calls), or a list of parts of which only text parts count.
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def _parse_chat(body: bytes) -> _Chat:
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _RequestError(400, f"the request body is not JSON ({exc}); send a chat completion request") from None
    try:
        chat = _Chat.model_validate(value)
    except ValidationError as exc:
        problem = describe_validation_error(exc)
        raise _RequestError(400, f"not a chat completion request: {problem}") from None
    if chat.stream:
        raise _RequestError(400, "stream=true is not supported by the scripted responder; send stream=false")
    if chat.n != 1:
        raise _RequestError(400, f"n={chat.n} is not supported by the scripted responder; send n=1")
    return chat


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)  # rough: about four characters per token


# -- the responder -------------------------------------------------------------------------


class Responder:
    """A scripted OpenAI-compatible endpoint on a local port, served from a daemon thread.

    Args:
        fixtures: the scripted exchanges; a request no fixture matches gets a 404 error.
        latency_ms: delay before every chat completion answer (requests overlap: threaded server).
        fail_rate: probability that a matched request gets a random fault instead of its answer.
        seed: seed of the random faults, for repeatable runs.
        timeout_s: how long a "timeout" fault holds the request before closing without an answer.
        retry_after_s: Retry-After of "429" faults (a fixture's own value wins).
        fault_kinds: the kinds random faults are drawn from, uniformly.
        source: the fixtures file, named in the error for unscripted requests.
        host: interface to listen on.
        port: TCP port; 0 picks a free one.
        verbose: log request lines (never headers) to stderr.

    Example:
        >>> with Responder.from_file(path) as server:
        ...     client = openai.OpenAI(base_url=server.base_url, api_key="test")
    """

    def __init__(
        self,
        fixtures: list[Fixture],
        *,
        latency_ms: float = 0,
        fail_rate: float = 0.0,
        seed: int = 0,
        timeout_s: float = 30.0,
        retry_after_s: float = 1.0,
        fault_kinds: Sequence[Fault] = FAULT_KINDS,
        source: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        if not 0.0 <= fail_rate <= 1.0:
            raise ValueError(f"fail_rate must be between 0 and 1, not {fail_rate}")
        if fail_rate and not fault_kinds:
            raise ValueError("fail_rate > 0 needs at least one fault kind")
        self.fixtures = list(fixtures)
        self.latency_s, self.fail_rate, self.timeout_s = latency_ms / 1000, fail_rate, timeout_s
        self.retry_after_s, self.fault_kinds, self.source = retry_after_s, tuple(fault_kinds), source
        self.host, self.port, self.verbose = host, port, verbose
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._served = [0] * len(self.fixtures)  # matched requests per fixture: drives scripted faults
        self._stats = dict.fromkeys(["answered", "unscripted", "bad_request", "refused_format", *FAULT_KINDS], 0)
        self._requests = self._in_flight = self._peak = 0
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_file(cls, path: Path, **kwargs: Any) -> Responder:
        """A responder on the fixtures of a JSONL file (keyword arguments as for the constructor).

        Raises:
            IngestError: the file is missing, empty or has a malformed line (names file:line and field).
        """
        return cls(load_fixtures(Path(path)), source=Path(path), **kwargs)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> str:
        """Listen and serve in a daemon thread; returns the base URL (``http://HOST:PORT/v1``)."""
        if self._server is not None:
            return self.base_url
        self._stopping.clear()
        self._server = _Server((self.host, self.port), _Handler, self)
        self.port = self._server.server_address[1]
        # A short poll interval: stop() returns promptly, which keeps test suites fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="medcore-responder", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and release the port; requests held by latency or a timeout fault end now."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.hang_up()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Responder:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1``, what an OpenAI client takes as its base URL."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def requests(self) -> int:
        """Chat completion requests received so far (whatever their outcome)."""
        with self._lock:
            return self._requests

    @property
    def stats(self) -> dict[str, int]:
        """Chat completion requests per outcome: answered, unscripted, bad_request and each fault kind."""
        with self._lock:
            return dict(self._stats)

    @property
    def peak_in_flight(self) -> int:
        """The most chat completion requests handled at once: shows a client's real concurrency."""
        with self._lock:
            return self._peak

    # -- one chat completion ---------------------------------------------------------------

    def _complete(self, handler: _Handler, body: bytes) -> None:
        with self._lock:
            self._requests += 1
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
        try:
            self._stopping.wait(self.latency_s)  # wakes early on stop(), unlike time.sleep
            self._answer(handler, body)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, handler: _Handler, body: bytes) -> None:
        try:
            chat = _parse_chat(body)
            index, fixture = self._select(chat)
        except _RequestError as exc:
            self._count("unscripted" if exc.code == "unscripted_request" else "bad_request")
            handler.send_error_json(exc)
            return
        requested = (getattr(chat, "response_format", None) or {}).get("type")
        if requested in fixture.refuse_formats:
            self._count("refused_format")
            handler.send_error_json(_RequestError(400, f"response_format {requested} is not supported by this server"))
            return
        fault = self._fault_for(index)
        self._count(fault or "answered")
        if fault is None or fault == "empty":
            handler.send_json(200, self._completion(chat, fixture, empty=fault == "empty"))
        else:
            self._send_fault(handler, fault, fixture)

    def _select(self, chat: _Chat) -> tuple[int, Fixture]:
        text = chat.text()
        matching = [(i, f) for i, f in enumerate(self.fixtures) if f.matches(chat.model, text)]
        if not matching:
            raise _RequestError(404, self._unscripted_message(chat), code="unscripted_request")
        # max() keeps the first of equals: ties go to the fixture earlier in the file.
        return max(matching, key=lambda pair: pair[1].specificity)

    def _unscripted_message(self, chat: _Chat) -> str:
        last = " ".join(chat.last_user_text().split())
        begins = last[:80] + ("..." if len(last) > 80 else "")
        where = str(self.source) if self.source else "the responder's fixtures"
        return (
            f"no fixture matches this request (model {chat.model}; last user message begins: {begins!r}); "
            f"add one to {where}"
        )

    def _fault_for(self, index: int) -> Fault | None:
        with self._lock:
            served, self._served[index] = self._served[index], self._served[index] + 1
            scripted = self.fixtures[index].faults
            if served < len(scripted):
                return scripted[served]
            if self.fail_rate and self._random.random() < self.fail_rate:
                return self._random.choice(self.fault_kinds)
            return None

    def _count(self, outcome: str) -> None:
        with self._lock:
            self._stats[outcome] += 1

    def _completion(self, chat: _Chat, fixture: Fixture, *, empty: bool) -> dict[str, Any]:
        content = "" if empty else fixture.response.text()
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if fixture.reasoning_content is not None and not empty:
            message["reasoning_content"] = fixture.reasoning_content
        return {
            "id": f"chatcmpl-scripted-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": chat.model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": _usage(chat, fixture, message),
        }

    def _send_fault(self, handler: _Handler, fault: Fault, fixture: Fixture) -> None:
        if fault == "429":
            wait = fixture.retry_after_s if fixture.retry_after_s is not None else self.retry_after_s
            # Retry-After takes whole seconds (RFC 9110); retry-after-ms, as OpenAI sends it, the exact wait.
            headers = {"Retry-After": str(math.ceil(wait)), "retry-after-ms": str(round(wait * 1000))}
            error = _RequestError(
                429, "rate limit reached (scripted fault)", kind="rate_limit_error", code="rate_limit_exceeded"
            )
            handler.send_error_json(error, headers)
        elif fault == "500":
            handler.send_error_json(_RequestError(500, "internal error (scripted fault)", kind="server_error"))
        elif fault == "malformed":
            # A reply cut off mid-body, as from a crashing server or proxy: declared JSON, not JSON.
            handler.send_raw(200, b'{"id": "chatcmpl-scripted", "object": "chat.completion", "choices": [{"ind')
        else:  # timeout: hold the request past the client's patience, then hang up without a reply
            self._stopping.wait(self.timeout_s)
            handler.close_connection = True


def _usage(chat: _Chat, fixture: Fixture, message: dict[str, Any]) -> dict[str, int]:
    if fixture.usage is not None:
        prompt, completion = fixture.usage.prompt_tokens, fixture.usage.completion_tokens
    else:
        prompt = _tokens(chat.text())
        completion = _tokens(message["content"] + message.get("reasoning_content", ""))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


# -- HTTP ----------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a request held by a timeout fault never blocks shutdown
    # socketserver's default backlog of 5 drops bursts of connections, and a dropped SYN is
    # retried only after a second: concurrent clients would see latency that is not scripted.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], handler: type[_Handler], responder: Responder) -> None:
        self.responder = responder
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def hang_up(self) -> None:
        """Close kept-alive connections: a stopped responder must not go on answering through them."""
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) and hung up is expected here, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the openai client (httpx) expects of a server
    server_version = "medcore-responder"
    # Headers and body leave in separate writes; with Nagle's algorithm on, the body waits
    # for the client's delayed ACK, about 40 ms per request.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        if self.path.split("?")[0].rstrip("/") == "/v1/models":
            self.send_json(200, {"object": "list", "data": _models(self.server.responder.fixtures)})
        else:
            self._not_found()

    def do_POST(self) -> None:  # noqa: N802
        length = self.headers.get("Content-Length")
        body = self.rfile.read(int(length)) if length and length.isdigit() else b""
        if self.path.split("?")[0].rstrip("/") != "/v1/chat/completions":
            self._not_found()
        elif length is None:
            self.send_error_json(_RequestError(411, "send the request body with a Content-Length header"))
        else:
            self.server.responder._complete(self, body)

    def _not_found(self) -> None:
        message = (
            f"no such endpoint: {self.command} {self.path}; this responder serves GET /v1/models "
            "and POST /v1/chat/completions"
        )
        self.send_error_json(_RequestError(404, message, code="not_found"))

    def send_json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self.send_raw(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), headers)

    def send_error_json(self, error: _RequestError, headers: dict[str, str] | None = None) -> None:
        body = {"error": {"message": error.message, "type": error.kind, "param": None, "code": error.code}}
        self.send_json(error.status, body, headers)

    def send_raw(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except ConnectionError:  # the client gave up while we waited; nobody to answer
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature http.server calls
        # Quiet unless asked; even then only the request line and status, never headers (API keys).
        if self.server.responder.verbose:
            super().log_message(format, *args)


def _models(fixtures: list[Fixture]) -> list[dict[str, Any]]:
    names = list(dict.fromkeys(f.match.model for f in fixtures if f.match.model is not None)) or ["scripted"]
    return [{"id": name, "object": "model", "created": 0, "owned_by": _OWNER} for name in names]


# -- foreground --------------------------------------------------------------------------


def serve(path: Path | None, port: int, latency_ms: float, fail_rate: float) -> None:
    """Serve the fixtures of `path` (default: the bundled demo ones) in the foreground until Ctrl-C.

    Raises:
        IngestError: the fixtures file is missing, empty or malformed.
    """
    source = path if path is not None else bundled_fixtures()
    responder = Responder.from_file(source, port=port, latency_ms=latency_ms, fail_rate=fail_rate)
    which = "the bundled demo fixtures" if path is None else f"fixtures from {source}"
    url = responder.start()
    print(f"Responder at {url} serving {len(responder.fixtures)} {which} ({SCRIPTED_NOTE}); Ctrl-C stops.", flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how this ends, not an error
            while True:
                time.sleep(3600)
    finally:
        responder.stop()
