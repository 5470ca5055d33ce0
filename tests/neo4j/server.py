"""A Neo4j 5 community server without Docker: builds tests/neo4j (Maven) and runs it in its own JVM.

    python tests/neo4j/server.py              # start one; prints its Bolt URI, Browser URL, password file
    python tests/neo4j/server.py --build-only # only build (JDK 17+, Maven 3.6+; jars cached in ~/.m2)

From Python (tests/conftest.py does this for `pytest --neo4j`):

    with Neo4jServer() as server:
        os.environ.update(server.env())  # NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD

The server listens on 127.0.0.1 only, keeps its data in a temporary directory deleted when it
stops, and stops when this process does (even on SIGKILL: it watches the pipe to its stdin).
The generated password is in a file of mode 0600; it is never printed or logged.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["Neo4jInfo", "Neo4jServer", "Neo4jServerError", "build", "main"]

HERE = Path(__file__).resolve().parent
TARGET = HERE / "target"
MAIN_CLASS = "medcore.Neo4jServer"
# What the server's JVM needs besides the classpath: the distribution's own options for Java 17
# (its conf/neo4j.conf: netty and the page cache reach into java.nio), and a heap that holds the
# small graphs of the tests and of a local `medcore kg build`.
JVM_OPTIONS = (
    "-Xmx1g",
    # A test server lives minutes: the client compiler only starts it in half the time (2 cores).
    "-XX:TieredStopAtLevel=1",
    "-Dfile.encoding=UTF-8",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
_LOG_TAIL_LINES = 40


class Neo4jServerError(RuntimeError):
    """The server could not be built or started; the message says why, with the log's tail."""


@dataclass(frozen=True)
class Neo4jInfo:
    """Where a started server is (the JSON line its JVM prints when Bolt is ready)."""

    bolt: str
    http: str
    browser: str
    user: str
    password_file: Path
    home: Path
    pid: int
    version: str

    @classmethod
    def parse(cls, line: str) -> Neo4jInfo:
        data = json.loads(line)
        return cls(
            bolt=data["bolt"],
            http=data["http"],
            browser=data["browser"],
            user=data["user"],
            password_file=Path(data["password_file"]),
            home=Path(data["home"]),
            pid=int(data["pid"]),
            version=data["neo4j"],
        )


# -- build ---------------------------------------------------------------------------------


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted([HERE / "pom.xml", *(HERE / "src").rglob("*")]):
        if path.is_file():
            digest.update(str(path.relative_to(HERE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    # Two processes building at once (a test session and a user's shell) would write the same jars.
    TARGET.mkdir(exist_ok=True)
    with open(TARGET / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _tail(text: str, lines: int = _LOG_TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def build(*, quiet: bool = True) -> str:
    """Build the server once (again only when pom.xml or the Java source changed) and return
    its classpath. Offline first (`mvn -o`: no network when ~/.m2 has every jar), online if
    that fails."""
    stamp = TARGET / ".build-stamp"
    classpath = f"{TARGET / 'classes'}{os.pathsep}{TARGET / 'lib' / '*'}"
    with _build_lock():
        digest = _sources_digest()
        if stamp.is_file() and stamp.read_text() == digest and any((TARGET / "lib").glob("neo4j-*.jar")):
            return classpath
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jServerError("Maven (mvn) is not on PATH: the Neo4j test server needs Maven 3.6+ and JDK 17+")
        # A changed pom may name other jar versions: the old ones must not stay on the classpath.
        for stale in ("lib", "classes"):
            shutil.rmtree(TARGET / stale, ignore_errors=True)
        command = [mvn, "-B", "-ntp", "-Dstyle.color=never", "-f", str(HERE / "pom.xml"), "process-classes"]
        if quiet:
            command.insert(1, "-q")
        offline = subprocess.run([*command, "-o"], capture_output=True, text=True)
        if offline.returncode != 0:
            if not quiet:
                print("Maven: some jars are not in ~/.m2 yet; downloading them", file=sys.stderr, flush=True)
            online = subprocess.run(command, capture_output=quiet, text=True)  # shown as it goes unless quiet
            if online.returncode != 0:
                shown = _tail((online.stdout or "") + (online.stderr or "")) if quiet else "(Maven's output above)"
                raise Neo4jServerError(f"`{' '.join(command)}` failed (exit {online.returncode}):\n{shown}")
        stamp.write_text(digest)
    return classpath


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).is_file():
        raise Neo4jServerError("java is not on PATH (nor in $JAVA_HOME/bin): the Neo4j test server needs JDK 17+")
    return java


# -- run -----------------------------------------------------------------------------------


class Neo4jServer:
    """One Neo4j server in a JVM of its own; `start()` returns when Bolt takes the password."""

    def __init__(
        self, *, bolt_port: int = 0, http_port: int = 0, timeout_s: float = 180.0, home: Path | None = None
    ) -> None:
        self.bolt_port = bolt_port  # 0: a free port, chosen by the server's launcher class
        self.http_port = http_port
        # None: a temporary home, deleted when the server stops. A directory: kept, so that a
        # server started again on it (after a kill, say) finds its data and password.
        self.home = home
        self.timeout_s = timeout_s
        self.info: Neo4jInfo | None = None
        self.ready_line = ""  # the JSON line as the JVM printed it
        self.log_path: Path | None = None
        self.returncode: int | None = None
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None
        self._keep_log = False

    def __enter__(self) -> Neo4jServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def password(self) -> str:
        if self.info is None:
            raise Neo4jServerError("the server is not running")
        return self.info.password_file.read_text(encoding="utf-8").strip()

    def env(self) -> dict[str, str]:
        """NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD of this server, as tests/conftest.py reads them."""
        if self.info is None:
            raise Neo4jServerError("the server is not running")
        return {"NEO4J_URI": self.info.bolt, "NEO4J_USER": self.info.user, "NEO4J_PASSWORD": self.password}

    def start(self) -> Neo4jInfo:
        classpath = build()
        fd, log = tempfile.mkstemp(prefix="medcore-neo4j-", suffix=".log")
        self.log_path = Path(log)
        self._log = os.fdopen(fd, "w")
        command = [_java(), *JVM_OPTIONS, "-cp", classpath, MAIN_CLASS, "--stop-on-stdin-eof"]
        if self.bolt_port:
            command += ["--bolt-port", str(self.bolt_port)]
        if self.http_port:
            command += ["--http-port", str(self.http_port)]
        if self.home is not None:
            command += ["--home", str(self.home)]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,  # closed by us (or by the kernel when we die): the server stops
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            start_new_session=True,  # Ctrl-C in a terminal reaches us, and we stop it in order
        )
        deadline = time.monotonic() + self.timeout_s
        try:
            self.ready_line = self._ready_line(deadline).strip()
            self.info = Neo4jInfo.parse(self.ready_line)
            self._await_bolt(deadline)
        except BaseException:
            self._keep_log = True  # the error names it
            self.stop()
            raise
        return self.info

    def _ready_line(self, deadline: float) -> str:
        assert self._process is not None and self._process.stdout is not None
        lines: list[str] = []
        stdout = self._process.stdout
        # A thread, not a blocking read: the wait stays bounded if the JVM hangs before printing.
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        while reader.is_alive():
            if self._process.poll() is not None:
                reader.join(1.0)
                break
            if time.monotonic() > deadline:
                raise self._failure(f"Neo4j did not report Bolt ready within {self.timeout_s:g} s")
            reader.join(0.2)
        if not lines or not lines[0].strip():
            self._process.wait(10)
            raise self._failure(f"Neo4j exited with code {self._process.returncode} before Bolt was ready")
        return lines[0]

    def _await_bolt(self, deadline: float) -> None:
        """Log in over Bolt with the password: the server is only ready for us when that works."""
        import neo4j  # a project dependency; imported here so that --build-only needs nothing

        assert self.info is not None
        while True:
            try:
                with neo4j.GraphDatabase.driver(self.info.bolt, auth=(self.info.user, self.password)) as driver:
                    driver.verify_connectivity()
                return
            except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError) as exc:
                if time.monotonic() > deadline:
                    raise self._failure(
                        f"Bolt at {self.info.bolt} did not accept a login: {type(exc).__name__}"
                    ) from None
                time.sleep(0.5)

    @contextlib.contextmanager
    def database_unavailable(self) -> Iterator[None]:
        """Hold the database neo4j unavailable for the block, as the server does while it starts
        or stops it: Bolt still answers, and every query on that database is refused with
        Neo.TransientError.General.DatabaseUnavailable (for the fault tests)."""
        self._tell("unavailable")
        try:
            self._await_database(available=False)
            yield
        finally:
            self._tell("available")
            self._await_database(available=True)

    def _tell(self, line: str) -> None:
        if self._process is None or self._process.stdin is None:
            raise Neo4jServerError("the server is not running")
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()

    def _await_database(self, *, available: bool, timeout_s: float = 30.0) -> None:
        import neo4j

        assert self.info is not None
        direct = self.info.bolt.replace("neo4j://", "bolt://", 1)  # no routing table: the database answers
        deadline = time.monotonic() + timeout_s
        with neo4j.GraphDatabase.driver(direct, auth=(self.info.user, self.password)) as driver:
            while True:
                try:
                    with driver.session(database="neo4j") as session:
                        session.run("RETURN 1").consume()
                    now = True
                except neo4j.exceptions.DatabaseUnavailable:
                    now = False
                if now == available:
                    return
                if time.monotonic() > deadline:
                    raise self._failure(
                        f"the database neo4j is still {'un' * available}available after {timeout_s:g} s"
                    )
                time.sleep(0.1)

    def _failure(self, message: str) -> Neo4jServerError:
        log = self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path else ""
        return Neo4jServerError(f"{message}. Last lines of the JVM's log ({self.log_path}):\n{_tail(log)}")

    def wait(self, timeout_s: float | None = None) -> int:
        """Wait for the JVM to end by itself (after a signal, say) and return its exit code."""
        if self._process is None:
            raise Neo4jServerError("the server is not running")
        return self._process.wait(timeout_s)

    def stop(self, timeout_s: float = 60.0) -> int | None:
        """SIGTERM, the server's own clean stop, then SIGKILL if it takes longer than `timeout_s`.
        Returns the JVM's exit code (0 after a clean stop). The log is deleted after a clean stop
        and kept (its path in `log_path`) otherwise, or when the start failed."""
        process, self._process = self._process, None
        if process is None:
            return self.returncode
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if self._log is not None:
            self._log.close()
        if self.info is not None and self.home is None:  # the JVM deletes it; not when it was killed
            shutil.rmtree(self.info.home, ignore_errors=True)
        self.returncode = process.returncode
        if self.returncode == 0 and not self._keep_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
        return self.returncode


# -- command line --------------------------------------------------------------------------


def _summary(info: Neo4jInfo, *, kept: bool = False) -> str:
    fate = ", kept" if kept else ", deleted when it stops"
    secret = f'"$(cat {info.password_file})"'
    return "\n".join(
        [
            f"Neo4j {info.version} is up (data in {info.home}{fate})",
            f"  Bolt      {info.bolt}",
            f"  Browser   {info.browser}  (user {info.user}, password in {info.password_file})",
            "In another shell:",
            f"  export NEO4J_URI={info.bolt} NEO4J_USER={info.user} NEO4J_PASSWORD={secret}",
            f"  export MEDCORE_GRAPH_URI={info.bolt} MEDCORE_GRAPH_USER={info.user} MEDCORE_GRAPH_PASSWORD={secret}",
            "Ctrl-C stops it.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="server.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bolt-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--http-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for Bolt (default 180)")
    parser.add_argument(
        "--home", type=Path, default=None, help="keep the server's home (data, password) in DIR, not deleted on stop"
    )
    parser.add_argument("--json", action="store_true", help="print the server's JSON line instead of the summary")
    parser.add_argument("--build-only", action="store_true", help="build the server and exit")
    args = parser.parse_args(argv)
    try:
        if args.build_only:
            build(quiet=False)
            print(f"built {TARGET}")
            return 0
        server = Neo4jServer(bolt_port=args.bolt_port, http_port=args.http_port, timeout_s=args.timeout, home=args.home)
        signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            info = server.start()
            print(server.ready_line if args.json else _summary(info, kept=args.home is not None), flush=True)
            return server.wait()  # until Ctrl-C, SIGTERM, or the JVM ends by itself
        except KeyboardInterrupt:
            return 0
        finally:
            code = server.stop()
            if code not in (0, None):
                print(f"Neo4j exited with code {code}; its log: {server.log_path}", file=sys.stderr)
    except Neo4jServerError as exc:
        print(f"Neo4jServerError: {exc}", file=sys.stderr)
        return 1


def _exit_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # the same orderly stop as Ctrl-C


if __name__ == "__main__":
    sys.exit(main())
