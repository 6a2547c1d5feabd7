#!/usr/bin/env python3
"""Drives rust-analyzer over LSP (stdio) against `tests/ide/fixture` and checks that
completion, hover and go-to-definition work inside `#[durable_workflow]` bodies and `#[step]`
fns as they do in a plain `async fn` with the same body, and where rust-analyzer draws the
determinism lint's error.

Usage: tests/ide/ra_check.py [FIXTURE_DIR] [--timeout SECS] [--rust-analyzer PATH] [--verbose]

The fixture's `src/lib.rs` tags lines with comments (`// @name`); the script queries at a
position on those lines. Edits (a half-typed `ctx.`, a clock call) are sent to the server in
memory (`didChange`), so the fixture on disk stays a crate that builds. It builds into
`<repo>/target/ide-fixture` (or `$CARGO_TARGET_DIR`) with the repository's `Cargo.lock`.

Exit status: 0 when every check passes, 1 when one fails, 2 when the server could not be
driven (not installed, crashed, not done indexing within the timeout).
"""

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path


class Fatal(Exception):
    """The server could not be driven: exit 2."""


class Lsp:
    """A minimal LSP client over a child process's stdio."""

    def __init__(self, cmd, cwd, env, verbose):
        self.verbose = verbose
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.inbox = queue.Queue()
        self.next_id = 1
        self.stderr_tail = []
        self.status = None  # last experimental/serverStatus params
        self.progress = {}  # token -> title of work in progress
        self.diagnostics = {}  # uri -> list of diagnostics (last published)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.decode("ascii", "replace").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.inbox.put(json.loads(body))

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr_tail = (self.stderr_tail + [line.decode("utf-8", "replace").rstrip()])[-30:]

    def _send(self, msg):
        msg["jsonrpc"] = "2.0"
        body = json.dumps(msg).encode("utf-8")
        try:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise Fatal("rust-analyzer exited:\n" + "\n".join(self.stderr_tail))

    def notify(self, method, params):
        self._send({"method": method, "params": params})

    def _handle(self, msg):
        """Handles a message that is not the awaited response."""
        method = msg.get("method")
        if "id" in msg and method:  # a request from the server: answer it
            result = None
            if method == "workspace/configuration":
                result = [None for _ in msg["params"].get("items", [])]
            self._send({"id": msg["id"], "result": result})
        elif method == "experimental/serverStatus":
            self.status = msg["params"]
            if self.verbose:
                print("  [status]", json.dumps(self.status), flush=True)
        elif method == "$/progress":
            token, value = msg["params"]["token"], msg["params"]["value"]
            if value.get("kind") == "begin":
                self.progress[token] = value.get("title", "")
                if self.verbose:
                    print("  [progress]", value.get("title", ""), flush=True)
            elif value.get("kind") == "end":
                self.progress.pop(token, None)
        elif method == "textDocument/publishDiagnostics":
            self.diagnostics[msg["params"]["uri"]] = msg["params"]["diagnostics"]

    def pump(self, timeout):
        """Handles incoming messages for up to `timeout` seconds; returns the next one."""
        try:
            msg = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None
        if msg is None:
            raise Fatal("rust-analyzer exited:\n" + "\n".join(self.stderr_tail))
        self._handle(msg)
        return msg

    def request(self, method, params, timeout=120):
        rid = self.next_id
        self.next_id += 1
        self._send({"id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.pump(deadline - time.monotonic())
            if msg is not None and msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    # ContentModified / cancelled: the server was still busy; ask again.
                    if msg["error"].get("code") in (-32801, -32800):
                        return self.request(method, params, max(1, deadline - time.monotonic()))
                    raise Fatal(f"{method} failed: {msg['error']}")
                return msg.get("result")
        raise Fatal(f"{method}: no answer within {timeout}s")

    def wait_quiescent(self, timeout, label):
        """Waits until the server says it is quiescent (workspace, build scripts and proc
        macros loaded, nothing in progress)."""
        deadline = time.monotonic() + timeout
        quiet_since = None
        while True:
            now = time.monotonic()
            if now > deadline:
                raise Fatal(
                    f"{label}: rust-analyzer not quiescent after {timeout}s "
                    f"(last status {self.status}, in progress: {list(self.progress.values())})"
                )
            self.pump(0.2)
            st = self.status or {}
            if st.get("quiescent") and not self.progress:
                # Quiet for a moment: a status can flip back when the next phase starts.
                quiet_since = quiet_since or now
                if now - quiet_since > 1.0:
                    return st
            else:
                quiet_since = None

    def shutdown(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:  # best effort: the result is already known
            self.proc.kill()


def uri_of(path):
    return Path(path).resolve().as_uri()


def find_marker(lines, marker, anchor="ctx."):
    """(line, column just after `anchor`) of the line tagged `// @marker`."""
    for i, line in enumerate(lines):
        if line.rstrip().endswith("// @" + marker):
            col = line.find(anchor)
            if col < 0:
                raise Fatal(f"marker @{marker}: no `{anchor}` on its line")
            return i, col + len(anchor)
    raise Fatal(f"marker @{marker} not found in the fixture")


def utf16_col(line, col):
    return len(line[:col].encode("utf-16-le")) // 2


def hover_text(result):
    if not result:
        return ""
    contents = result.get("contents")
    if isinstance(contents, dict):
        return contents.get("value", "")
    if isinstance(contents, list):
        return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
    return contents or ""


def completion_labels(result):
    if result is None:
        return []
    items = result.get("items", []) if isinstance(result, dict) else result
    return [item["label"] for item in items]


def definition_targets(result):
    if not result:
        return []
    if isinstance(result, dict):
        result = [result]
    return [r.get("uri") or r.get("targetUri") for r in result]


class Checker:
    def __init__(self, lsp, path, text):
        self.lsp = lsp
        self.uri = uri_of(path)
        self.lines = text.split("\n")
        self.version = 1
        self.failures = []
        self.results = []

    def pos(self, line, col):
        return {"line": line, "character": utf16_col(self.lines[line], col)}

    def at(self, method, marker, anchor, offset=0):
        line, col = find_marker(self.lines, marker, anchor)
        return self.lsp.request(
            method,
            {"textDocument": {"uri": self.uri}, "position": self.pos(line, col + offset)},
        )

    def record(self, name, ok, detail):
        self.results.append((name, ok, detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
        if not ok:
            self.failures.append(name)

    def change(self, new_lines):
        self.version += 1
        self.lines = new_lines
        self.lsp.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [{"text": "\n".join(new_lines)}],
            },
        )

    def completion(self, marker, anchor):
        return completion_labels(self.at("textDocument/completion", marker, anchor))

    def compare_completion(self, name, workflow_marker, plain_marker, anchor, must_have):
        wf = self.completion(workflow_marker, anchor)
        plain = self.completion(plain_marker, anchor)
        # Everything offered in the plain fn must be offered in the workflow (a position
        # mapped to the wrong place in the expansion offers other names, or none).
        missing = [m for m in must_have if m not in wf] + [m for m in plain if m not in wf and m not in must_have]
        ok = len(plain) > 0 and not missing
        detail = f"{len(wf)} items in the workflow, {len(plain)} in the plain fn"
        if missing:
            detail += f"; missing {missing[:8]}{' …' if len(missing) > 8 else ''}"
        self.record(name, ok, detail)

    def hover(self, name, marker, anchor, offset, expect):
        text = hover_text(self.at("textDocument/hover", marker, anchor, offset))
        lines = [l for l in text.splitlines() if l.strip() and not l.startswith("```")]
        shown = next((l for l in lines if expect in l), lines[0] if lines else "")
        ok = expect in text
        self.record(name, ok, repr(shown[:90]) if text else "no hover")

    def definition(self, name, marker, anchor, offset, expect_in_uri):
        targets = definition_targets(self.at("textDocument/definition", marker, anchor, offset))
        ok = any(expect_in_uri in (t or "") for t in targets)
        root = Path(__file__).resolve().parent.parent.parent.as_uri() + "/"
        shown = [t[len(root):] if t and t.startswith(root) else t for t in targets]
        self.record(name, ok, f"{shown}" if targets else "no definition")


def typing(lines, marker, typed):
    """A copy of `lines` with `typed` inserted on a new line after the line tagged `marker`;
    the new line gets the marker `marker-typed`."""
    for i, line in enumerate(lines):
        if line.rstrip().endswith("// @" + marker):
            indent = line[: len(line) - len(line.lstrip())]
            return lines[: i + 1] + [f"{indent}{typed} // @{marker}-typed"] + lines[i + 1 :]
    raise Fatal(f"marker @{marker} not found in the fixture")


def replacing(lines, marker, typed):
    """A copy of `lines` where the line tagged `marker` becomes `typed` (same indent), tagged
    `marker-typed`: a half-typed expression at the end of a block."""
    for i, line in enumerate(lines):
        if line.rstrip().endswith("// @" + marker):
            indent = line[: len(line) - len(line.lstrip())]
            return lines[:i] + [f"{indent}{typed} // @{marker}-typed"] + lines[i + 1 :]
    raise Fatal(f"marker @{marker} not found in the fixture")


def covers(rng, line, start, end):
    s, e = rng["start"], rng["end"]
    return (s["line"], s["character"]) <= (line, start) and (e["line"], e["character"]) >= (line, end)


def run_checks(c, lsp):
    original = list(c.lines)
    ctx_methods = ["step", "wait", "run"]

    # On the file as written.
    c.compare_completion("completion after `ctx.` on a call in the workflow body", "workflow-call", "plain-call", "ctx.", ctx_methods)
    c.compare_completion("completion after `child.` in a child-context closure", "workflow-child", "plain-child", "child.", ctx_methods)
    c.compare_completion("completion after `ctx.` on a step whose body is a variable", "workflow-bound", "plain-bound", "ctx.", ctx_methods)
    c.compare_completion("completion of a nested fn's name where it is called", "workflow-nested", "plain-nested", "= ", ["double"])
    c.hover("hover on `ctx` in the workflow body", "workflow-call", "ctx.", -2, "DurableContext")
    c.hover("hover on `ctx.wait` in the workflow body", "workflow-call", "ctx.", 1, "fn wait")
    c.hover("hover on `ctx.step` in the workflow body", "workflow-step", "ctx.", 1, "fn step")
    c.hover("hover on the workflow fn shows its durable operations", "workflow-fn", "fn ", 1, "Durable operations")
    c.definition("definition of `ctx.wait` in the workflow body", "workflow-call", "ctx.", 1, "durable-core/src/context/wait.rs")
    c.definition("definition of a #[step] fn at its `ctx.run(..)`", "workflow-run", "ctx.run(", 1, "/src/lib.rs")
    c.hover("hover on a #[step] fn's parameter in its body", "step-body", "card_token.", -3, "String")
    c.compare_completion("completion after `card_token.` in a #[step] fn body", "step-body", "plain-step-body", "card_token.", ["len"])

    # While typing: a half-typed `x.` (rust-analyzer completes with a marker typed there).
    c.change(typing(typing(original, "workflow-run", "ctx."), "plain-run", "ctx."))
    c.compare_completion("completion after a half-typed `ctx.` in the workflow body", "workflow-run-typed", "plain-run-typed", "ctx.", ctx_methods)
    c.change(replacing(replacing(original, "workflow-child", "child."), "plain-child", "child."))
    c.compare_completion("completion after a half-typed `child.` ending a closure", "workflow-child-typed", "plain-child-typed", "child.", ctx_methods)
    c.change(typing(typing(original, "step-body", "card_token."), "plain-step-body", "card_token."))
    c.compare_completion("completion after a half-typed `card_token.` in a #[step] fn body", "step-body-typed", "plain-step-body-typed", "card_token.", ["len"])
    c.change(replacing(replacing(original, "step-tail", "card_token."), "plain-step-tail", "card_token."))
    c.compare_completion("completion after a half-typed `card_token.` ending a #[step] fn", "step-tail-typed", "plain-step-tail-typed", "card_token.", ["len"])

    # The lint's error on a clock call. rustc underlines the whole call (tests/macros ui
    # tests); rust-analyzer underlines the one token that carries the `compile_error!`'s name
    # (a proc macro cannot join spans on stable), which the macro puts on the called fn's name.
    clock = "std::time::SystemTime::now()"
    lines = typing(original, "workflow-call", f"let _t = {clock};")
    c.change(lines)
    line = next(i for i, l in enumerate(lines) if l.rstrip().endswith("// @workflow-call-typed"))
    start = lines[line].index(clock)
    end = start + len(clock)
    now = lines[line].index("now()", start)
    deadline = time.monotonic() + 120
    found = None
    while time.monotonic() < deadline and found is None:
        lsp.pump(0.5)
        for d in lsp.diagnostics.get(c.uri, []):
            if "SystemTime" in d.get("message", "") and d["range"]["start"]["line"] == line:
                found = d
    name = "rust-analyzer's error on a clock call is on the call, at the fn it calls"
    if found is None:
        c.record(name, False, "no diagnostic within 120s")
    else:
        r = found["range"]
        one_line = r["start"]["line"] == r["end"]["line"] == line
        s_col, e_col = r["start"]["character"], r["end"]["character"]
        shown = lines[line][s_col:e_col] if one_line else "(several lines)"
        ok = one_line and start <= s_col <= now and now + len("now") <= e_col <= end
        message = found["message"].splitlines()[0]
        c.record(name, ok, f"underlines `{shown}` of `{clock}` ({found.get('code', '')}: {message[:60]}…)")
    c.change(original)


def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fixture", nargs="?", default=str(here / "fixture"))
    ap.add_argument("--timeout", type=float, default=600, help="seconds to wait for indexing")
    ap.add_argument("--rust-analyzer", default=None)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    fixture = Path(args.fixture).resolve()
    lib = fixture / "src" / "lib.rs"
    ra = args.rust_analyzer or shutil.which("rust-analyzer")
    if not ra:
        print("rust-analyzer not found (rustup component add rust-analyzer)", file=sys.stderr)
        return 2
    version = subprocess.run([ra, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version}; fixture {fixture}", flush=True)

    repo = here.parent.parent
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", str(repo / "target" / "ide-fixture"))
    # The workspace's versions, not whatever the registry has today (the copy is git-ignored).
    if (repo / "Cargo.lock").exists():
        shutil.copy(repo / "Cargo.lock", fixture / "Cargo.lock")
    lsp = Lsp([ra], cwd=fixture, env=env, verbose=args.verbose)
    started = time.monotonic()
    try:
        lsp.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": fixture.as_uri(),
                "workspaceFolders": [{"uri": fixture.as_uri(), "name": fixture.name}],
                "capabilities": {
                    "window": {"workDoneProgress": True},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": False}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "definition": {"linkSupport": False},
                        "publishDiagnostics": {},
                    },
                    "experimental": {"serverStatusNotification": True},
                },
                "initializationOptions": {
                    "checkOnSave": False,
                    "cachePriming": {"enable": False},
                    "cargo": {"buildScripts": {"enable": True}},
                    "procMacro": {"enable": True},
                    "diagnostics": {"enable": True, "experimental": {"enable": False}},
                },
            },
            timeout=60,
        )
        lsp.notify("initialized", {})
        text = lib.read_text()
        lsp.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri_of(lib), "languageId": "rust", "version": 1, "text": text}},
        )
        lsp.wait_quiescent(args.timeout, "indexing")
        print(f"indexed in {time.monotonic() - started:.0f}s", flush=True)

        c = Checker(lsp, lib, text)
        run_checks(c, lsp)
    except Fatal as e:
        print(f"error: {e}", file=sys.stderr)
        lsp.proc.kill()
        return 2
    lsp.shutdown()
    total = time.monotonic() - started
    if c.failures:
        print(f"{len(c.failures)} of {len(c.results)} checks failed ({total:.0f}s)", flush=True)
        return 1
    print(f"all {len(c.results)} checks passed ({total:.0f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
