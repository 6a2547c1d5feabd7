#!/usr/bin/env python3
"""Cold start of a durable Lambda function binary, measured locally.

One process plays Lambda for the function under test: the Lambda Runtime API
(`/2018-06-01/runtime/...`, pointed at by `AWS_LAMBDA_RUNTIME_API`) and the two durable
execution APIs the SDKs call during an invocation (`CheckpointDurableExecution`,
`GetDurableExecutionState`, pointed at by `AWS_ENDPOINT_URL_LAMBDA`), minimally: it keeps the
operations of one execution, applies each checkpoint's updates (STEP, CONTEXT, WAIT, CALLBACK
with a minted `CallbackId`, EXECUTION), rotates the checkpoint token and returns the operations
the batch changed, as the service does (PROTOCOL.md §2.2-2.4). It checks nothing an SDK sends
beyond what it needs to answer.

Per run: spawn the binary (clean environment: the variables Lambda sets, dummy credentials,
no AWS config files), hand it one durable invocation event (the order workflow's first
invocation: the EXECUTION operation carrying the order as input), and record

  init    spawn -> the runtime's first `GET .../invocation/next` (process start, runtime and
          SDK set-up before the first invocation),
  answer  spawn -> `POST .../invocation/{id}/response` (the first invocation answered: the
          cold start a caller sees, minus the platform's own share),
  peak    VmHWM of the process once it has answered (peak resident memory),

plus the checkpoint calls and updates it made. The order workflow runs validate-payment,
check-inventory and reserve-inventory, then waits for the warehouse callback and suspends, so
every run must answer `{"Status":"PENDING"}` with those operations recorded; a run that does
not is reported as failed. The process is then killed (it would wait for the next invocation).

Usage:
  coldstart.py measure --runs 20 --out results.json NAME=BINARY [NAME=BINARY ...]
  coldstart.py once BINARY            # one run, prints the record and what the SDK sent
Binaries alternate run by run; the order is reversed every other round.
"""

import argparse
import base64
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ORDER = {
    "id": "order-1",
    "customer_id": "customer-7",
    "items": [{"sku": "widget", "quantity": 2}, {"sku": "gadget", "quantity": 1}],
    "card_token": "valid-4242",
}
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:order-workflow:$LATEST"


class Execution:
    """The state of the one execution a run drives."""

    def __init__(self, run: int):
        self.run = run
        self.invocation_id = f"inv-{run:04d}"
        self.arn = f"{FUNCTION_ARN}/durable-execution/run-{run:04d}/{self.invocation_id}"
        self.request_id = f"req-{run:04d}"
        self.token_n = 0
        self.ops = {}  # id -> operation (API shape, epoch-second timestamps)
        self.order = []
        now = time.time()
        self.add(
            {
                "Id": self.invocation_id,
                "Type": "EXECUTION",
                "Status": "STARTED",
                "StartTimestamp": now,
                "ExecutionDetails": {"InputPayload": json.dumps(ORDER)},
            }
        )
        self.checkpoints = 0
        self.updates = 0
        self.state_calls = 0
        self.errors = []
        self.t_next = None
        self.t_answer = None
        self.answer = None
        self.answered = threading.Event()
        self.lock = threading.Lock()

    def add(self, op):
        self.ops[op["Id"]] = op
        self.order.append(op["Id"])

    def token(self):
        return f"token-{self.run}-{self.token_n}"

    def event(self):
        # The invocation event carries epoch-millisecond timestamps (PROTOCOL.md §1.1).
        def ms(op):
            op = dict(op)
            for k in ("StartTimestamp", "EndTimestamp"):
                if k in op:
                    op[k] = int(op[k] * 1000)
            return op

        return {
            "DurableExecutionArn": self.arn,
            "CheckpointToken": self.token(),
            "InitialExecutionState": {
                "Operations": [ms(self.ops[i]) for i in self.order],
                "NextMarker": "",
            },
        }

    def checkpoint(self, body):
        if body.get("CheckpointToken") != self.token():
            return 400, {
                "Type": "InvalidParameterValueException",
                "message": "Invalid checkpoint token",
            }
        self.checkpoints += 1
        changed = []
        for u in body.get("Updates") or []:
            self.updates += 1
            err = self.apply(u)
            if err:
                self.errors.append(err)
                return 400, {"Type": "InvalidParameterValueException", "message": err}
            if u["Id"] not in changed:
                changed.append(u["Id"])
        self.token_n += 1
        return 200, {
            "CheckpointToken": self.token(),
            "NewExecutionState": {"Operations": [self.ops[i] for i in changed]},
        }

    def apply(self, u):
        now = time.time()
        oid, typ, action = u.get("Id"), u.get("Type"), u.get("Action")
        op = self.ops.get(oid)
        if action == "START":
            if op is not None and not (typ == "STEP" and op["Status"] == "READY"):
                return f"operation {oid} already exists"
            op = {"Id": oid, "Type": typ, "Status": "STARTED", "StartTimestamp": now}
            for k in ("ParentId", "Name", "SubType"):
                if u.get(k) is not None:
                    op[k] = u[k]
            if typ == "STEP":
                op["StepDetails"] = {"Attempt": 0}
            elif typ == "CONTEXT":
                op["ContextDetails"] = {}
            elif typ == "WAIT":
                secs = (u.get("WaitOptions") or {}).get("WaitSeconds", 1)
                op["WaitDetails"] = {"ScheduledEndTimestamp": now + secs}
            elif typ == "CALLBACK":
                cid = base64.b64encode(
                    json.dumps({"arn": self.arn, "op": oid}).encode()
                ).decode()
                op["CallbackDetails"] = {"CallbackId": cid}
            elif typ == "CHAINED_INVOKE":
                op["ChainedInvokeDetails"] = {}
            elif typ == "EXECUTION":
                return "EXECUTION cannot be started"
            self.add(op)
            return None
        if op is None:
            if typ == "EXECUTION":
                op = self.ops[self.invocation_id]
            else:
                return f"{action} of unknown operation {oid}"
        if action in ("SUCCEED", "FAIL"):
            op["Status"] = "SUCCEEDED" if action == "SUCCEED" else "FAILED"
            op["EndTimestamp"] = now
            key = {
                "STEP": "StepDetails",
                "CONTEXT": "ContextDetails",
                "EXECUTION": "ExecutionDetails",
            }.get(op["Type"])
            if key:
                d = op.setdefault(key, {})
                if op["Type"] == "STEP":
                    d["Attempt"] = d.get("Attempt", 0) + 1
                if u.get("Payload") is not None:
                    d["Result"] = u["Payload"]
                if u.get("Error") is not None:
                    d["Error"] = u["Error"]
            return None
        if action == "RETRY":
            d = op.setdefault("StepDetails", {})
            d["Attempt"] = d.get("Attempt", 0) + 1
            delay = (u.get("StepOptions") or {}).get("NextAttemptDelaySeconds", 1)
            d["NextAttemptTimestamp"] = now + delay
            if u.get("Error") is not None:
                d["Error"] = u["Error"]
            if u.get("Payload") is not None:
                d["Result"] = u["Payload"]
            op["Status"] = "PENDING"
            return None
        if action == "CANCEL":
            op["Status"] = "CANCELLED"
            op["EndTimestamp"] = now
            return None
        return f"unsupported action {action}"

    def summary(self):
        """What the run recorded, in order: TYPE:Name:STATUS (names of the steps the order
        workflow runs, the callback's context)."""
        out = []
        for i in self.order:
            op = self.ops[i]
            if op["Type"] == "EXECUTION":
                continue
            out.append(f'{op["Type"]}:{op.get("Name", "")}:{op["Status"]}')
        return out


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr):
        super().__init__(addr, Handler)
        self.execution = None
        self.stop = threading.Event()

    def handle_error(self, request, client_address):
        pass  # the function is killed at the end of each run, mid-connection


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every response.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, code, body=None, headers=None, ctype="application/json"):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        t = time.perf_counter()
        ex = self.server.execution
        path = urllib.parse.urlsplit(self.path).path
        if path == "/2018-06-01/runtime/invocation/next":
            with ex.lock:
                first = ex.t_next is None
                if first:
                    ex.t_next = t
            if not first:
                # The function waits for its next invocation: there is none, the run ends.
                self.server.stop.wait(60)
                self.close_connection = True
                return
            self.reply(
                200,
                ex.event(),
                {
                    "Lambda-Runtime-Aws-Request-Id": ex.request_id,
                    "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 60_000),
                    "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                    "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
                },
            )
            return
        if path.startswith("/2025-12-01/durable-executions/") and path.endswith("/state"):
            with ex.lock:
                ex.state_calls += 1
                self.reply(200, {"Operations": [ex.ops[i] for i in ex.order]})
            return
        self.reply(404, {"Type": "ResourceNotFoundException", "message": path})

    def do_POST(self):
        t = time.perf_counter()
        ex = self.server.execution
        path = urllib.parse.urlsplit(self.path).path
        data = self.body()
        if path.startswith("/2018-06-01/runtime/invocation/") and path.endswith("/response"):
            ex.t_answer = t
            ex.answer = data.decode("utf-8", "replace")
            self.reply(202, {"status": "OK"})
            ex.answered.set()
            return
        if path.startswith("/2018-06-01/runtime/") and path.endswith("/error"):
            ex.t_answer = t
            ex.answer = "ERROR " + data.decode("utf-8", "replace")
            self.reply(202, {"status": "OK"})
            ex.answered.set()
            return
        if path.startswith("/2025-12-01/durable-executions/") and path.endswith("/checkpoint"):
            try:
                req = json.loads(data or b"{}")
            except ValueError as e:
                self.reply(400, {"Type": "SerializationException", "message": str(e)})
                return
            with ex.lock:
                code, resp = ex.checkpoint(req)
            self.reply(code, resp)
            return
        self.reply(404, {"Type": "ResourceNotFoundException", "message": path})


def function_env(port, workdir):
    """The environment Lambda gives a provided.al2023 function, with dummy credentials and
    both APIs on this server. Nothing else is inherited (no AWS profile, no proxy)."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": workdir,
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
        "AWS_ENDPOINT_URL_LAMBDA": f"http://127.0.0.1:{port}",
        "AWS_LAMBDA_FUNCTION_NAME": "order-workflow",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/order-workflow",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]0000",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "dummy-session-token",
        "AWS_CONFIG_FILE": os.path.join(workdir, "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(workdir, "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "_HANDLER": "bootstrap",
        # Both SDKs' HTTPS clients load the system's CA certificates at start-up. Lambda's
        # image has them in one bundle file; this machine's /etc/ssl/certs holds ~300 files,
        # which rustls-native-certs would read one by one on top of the bundle.
        **({"SSL_CERT_FILE": CA_BUNDLE} if CA_BUNDLE else {}),
    }


CA_BUNDLE = next(
    (p for p in ("/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt") if os.path.exists(p)),
    None,
)


def vm_hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


EXPECTED_STEPS = ["validate-payment", "check-inventory", "reserve-inventory"]


def check(ex):
    """The first invocation ran the three steps, started the warehouse callback and
    suspended."""
    if ex.answer is None:
        return False, "no answer"
    try:
        status = json.loads(ex.answer).get("Status")
    except ValueError:
        return False, f"answer is not JSON: {ex.answer[:200]}"
    if status != "PENDING":
        return False, f"answered {ex.answer[:200]}"
    done = [
        op.get("Name")
        for op in ex.ops.values()
        if op["Type"] == "STEP" and op["Status"] == "SUCCEEDED" and op.get("Name") in EXPECTED_STEPS
    ]
    if done != EXPECTED_STEPS:
        return False, f"steps recorded: {ex.summary()}"
    if not any(op["Type"] == "CALLBACK" and op["Status"] == "STARTED" for op in ex.ops.values()):
        return False, f"no callback started: {ex.summary()}"
    if ex.errors:
        return False, f"rejected updates: {ex.errors}"
    return True, ""


def evict(path):
    """Drops the file's pages from the page cache, so the next exec reads it from disk (as a
    first start on a fresh host does; shared libraries stay cached)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def run_once(binary, run, workdir, timeout=30.0, evict_first=False):
    if evict_first:
        evict(binary)
    ex = Execution(run)
    # A server (and port) per run: a request the previous, killed process had already sent
    # (its next `invocation/next`) can never be taken for this run's.
    server, port = start_server(ex)
    log = open(os.path.join(workdir, f"run-{run:04d}.log"), "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [binary], env=function_env(port, workdir), stdout=log, stderr=subprocess.STDOUT,
        cwd=workdir, stdin=subprocess.DEVNULL,
    )
    answered = ex.answered.wait(timeout)
    peak = vm_hwm_kib(proc.pid) if answered else None
    exited = proc.poll()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    server.stop.set()
    server.shutdown()
    server.server_close()
    log.close()
    ok, why = check(ex)
    if not answered:
        ok, why = False, f"no answer within {timeout} s (exit status {exited})"
    rec = {
        "run": run,
        "ok": ok,
        "why": why,
        "init_ms": None if ex.t_next is None else (ex.t_next - t0) * 1000,
        "answer_ms": None if ex.t_answer is None else (ex.t_answer - t0) * 1000,
        "invocation_ms": None if (ex.t_answer is None or ex.t_next is None) else (ex.t_answer - ex.t_next) * 1000,
        "peak_rss_kib": peak,
        "checkpoints": ex.checkpoints,
        "updates": ex.updates,
        "state_calls": ex.state_calls,
        "answer": ex.answer,
        "operations": ex.summary(),
    }
    if not ok:
        with open(os.path.join(workdir, f"run-{run:04d}.log"), "rb") as f:
            rec["output"] = f.read()[-2000:].decode("utf-8", "replace")
    return rec


def start_server(execution):
    server = Server(("127.0.0.1", 0))
    server.execution = execution
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, server.server_address[1]


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--runs", type=int, default=20)
    m.add_argument("--warmup", type=int, default=1, help="unrecorded runs of each binary first (page cache)")
    m.add_argument("--out", required=True)
    m.add_argument("--evict", action="store_true", help="evict each binary from the page cache before each run")
    m.add_argument("binaries", nargs="+", metavar="NAME=BINARY")
    o = sub.add_parser("once")
    o.add_argument("binary")
    args = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix="coldstart-")
    if args.cmd == "once":
        rec = run_once(os.path.abspath(args.binary), 0, workdir)
        print(json.dumps(rec, indent=2))
        sys.exit(0 if rec["ok"] else 1)

    named = []
    for b in args.binaries:
        name, _, path = b.partition("=")
        named.append((name, os.path.abspath(path)))
    results = {name: [] for name, _ in named}
    counter = itertools.count(1)
    for name, path in named:
        for _ in range(args.warmup):
            rec = run_once(path, next(counter), workdir)
            if not rec["ok"]:
                print(f"{name}: warm-up run failed: {rec['why']}\n{rec.get('output', '')}", file=sys.stderr)
                sys.exit(1)
    for r in range(args.runs):
        order = named if r % 2 == 0 else list(reversed(named))
        for name, path in order:
            rec = run_once(path, next(counter), workdir, evict_first=args.evict)
            results[name].append(rec)
            if not rec["ok"]:
                print(f"{name} run {r}: FAILED: {rec['why']}", file=sys.stderr)
        line = "  ".join(
            f"{n}: {results[n][-1]['answer_ms']:.1f} ms" if results[n][-1]["answer_ms"] else f"{n}: -"
            for n, _ in named
        )
        print(f"round {r + 1}/{args.runs}  {line}", file=sys.stderr)
    summary = {}
    for name, path in named:
        recs = [x for x in results[name] if x["ok"]]
        s = {"binary": path, "size": os.path.getsize(path), "runs": len(results[name]), "ok": len(recs),
             "evicted": args.evict}
        for key in ("init_ms", "answer_ms", "invocation_ms"):
            xs = [x[key] for x in recs]
            s[key] = {
                "median": statistics.median(xs) if xs else None,
                "p90": pct(xs, 0.9),
                "min": min(xs) if xs else None,
                "max": max(xs) if xs else None,
            }
        peaks = [x["peak_rss_kib"] for x in recs if x["peak_rss_kib"]]
        s["peak_rss_kib"] = {"median": statistics.median(peaks) if peaks else None, "max": max(peaks) if peaks else None}
        s["checkpoints"] = sorted({x["checkpoints"] for x in recs})
        s["updates"] = sorted({x["updates"] for x in recs})
        s["state_calls"] = sorted({x["state_calls"] for x in recs})
        s["operations"] = recs[0]["operations"] if recs else None
        s["answer"] = recs[0]["answer"] if recs else None
        summary[name] = s
    with open(args.out, "w") as f:
        json.dump({"summary": summary, "runs": results}, f, indent=1)
    print(json.dumps(summary, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
