#!/usr/bin/env python3
"""Side-by-side benchmark of Rookery, ejabberd and Prosody on loopback (Python 3 standard library only).

Runs each server alone with an equivalent configuration in its own folders and ports, creates the load-test
accounts in bulk, drives the same loadtest/run scenarios against each over plain TCP and over STARTTLS, samples
the server's RSS and CPU time from /proc, and writes everything under loadtest/compare/results/<timestamp>/.
loadtest/compare/run is the entry point (install, build, this, then report.py); see docs/benchmarks.md.

Every wait here is bounded, every child runs in its own process group, and whatever is still running is stopped
on exit, Ctrl-C or SIGTERM.
"""

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import hashlib
import hmac

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DOMAIN = "localhost"
# Modes on the server's plain HTTP listener (Rookery's), with the load tool's --transport of the same name.
HTTP_MODES = ("websocket", "bosh")
PASSWORD = "secret"
USER_PATTERN = "load%d"
SCRAM_ITERATIONS = 4096

# Sizes of each profile: "full" (about two hours), "standard" (under an hour) and "smoke" (proves the pipeline).
# Account ranges: idle and the plain login storm use load1..; the STARTTLS storm the next storm_users accounts (so
# that both storms log in users the server has not seen since it started); chat load1..chat_users; warm-ups the
# warmup_users accounts after those.
PROFILES = {
    "full": {
        "idle_sessions": 10000,
        "idle_settle_s": 15,
        # CPU is read in ticks of 10 ms: over 5 s one tick is 2 ms/s, too coarse for a target of 2 ms/s.
        "idle_cpu_window_s": 30,
        "storm_users": 10000,
        "storm_concurrency": 100,
        "storm_duration_s": 180,
        "chat_users": 1000,
        "fixed_rate": 5000,
        "fixed_duration_s": 60,
        "ladder": [2000, 5000, 10000, 15000, 20000, 30000, 40000],
        "ladder_duration_s": 30,
        "bisect_steps": 2,
        "warmup_users": 1000,
        "warmup_rate": 2000,
        "warmup_duration_s": 20,
        "chat_settle_s": 5,
        "grace_s": 10,
        # Idle and chat measure memory and messages, not logins: their logins go as fast as the server takes them
        # with at most this many in progress (no fixed ramp that a slow server would fall behind of), and a slow
        # login is waited for rather than failed.
        "login_concurrency": 50,
        "login_timeout_s": 120,
    },
    # The required figures (10,000 idle sessions, both modes, all three servers) in under an hour on 2
    # cores: shorter storms and chat steps than "full", a shorter ladder.
    "standard": {
        "idle_sessions": 10000,
        "idle_settle_s": 10,
        "idle_cpu_window_s": 30,
        "storm_users": 3000,
        "storm_concurrency": 100,
        "storm_duration_s": 90,
        "chat_users": 1000,
        "fixed_rate": 1000,
        "fixed_duration_s": 30,
        # 5,000 msg/s among 1,000 users is the rate of Rookery's latency and CPU target.
        "ladder": [1000, 2000, 5000],
        "ladder_duration_s": 15,
        "bisect_steps": 1,
        "warmup_users": 500,
        "warmup_rate": 500,
        "warmup_duration_s": 10,
        "chat_settle_s": 5,
        "grace_s": 5,
        "login_concurrency": 50,
        "login_timeout_s": 120,
    },
    "smoke": {
        "idle_sessions": 1000,
        "idle_settle_s": 5,
        "idle_cpu_window_s": 5,
        "storm_users": 1000,
        "storm_concurrency": 100,
        "storm_duration_s": 60,
        "chat_users": 200,
        "fixed_rate": 500,
        "fixed_duration_s": 10,
        "ladder": [500, 1000, 2000, 4000],
        "ladder_duration_s": 8,
        "bisect_steps": 0,
        "warmup_users": 200,
        "warmup_rate": 200,
        "warmup_duration_s": 5,
        "chat_settle_s": 2,
        "grace_s": 5,
        "login_concurrency": 50,
        "login_timeout_s": 120,
    },
}
for _p in PROFILES.values():
    _p["accounts"] = 2 * max(_p["storm_users"], _p["idle_sessions"], _p["chat_users"]) + _p["warmup_users"]
    _p["warmup_first"] = _p["accounts"] - _p["warmup_users"] + 1

# A chat step "sustains" its rate when all of these hold.
MAX_P99_MS = 100.0
MIN_SEND_FRACTION = 0.95
MAX_LOST_FRACTION = 0.001

CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print("[compare %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ---- /proc sampling -------------------------------------------------------------------------------------------

def children_of(pid):
    out = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out.extend(int(x) for x in f.read().split())
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return out


def tree(pid):
    """pid and all its descendants alive now."""
    seen, todo = [], [pid]
    while todo and len(seen) < 10000:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo.extend(children_of(p))
    return seen


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_ms(pid):
    """utime + stime of the process itself (all its threads), in milliseconds."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # After the ")" of comm: field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
        return (int(fields[11]) + int(fields[12])) * 1000.0 / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


class Groups:
    """Splits a server's process tree into named groups (Rookery: the node JVM apart from its Cassandra)."""

    def __init__(self, root_pid, split=None):
        self.root_pid = root_pid
        self.split = split  # function pid -> group name, or None for one group "server"

    def measure(self):
        totals = {}
        for p in tree(self.root_pid):
            g = self.split(p) if self.split else "server"
            if g is None:
                continue
            r = totals.setdefault(g, [0, 0.0])
            r[0] += rss_kb(p)
            r[1] += cpu_ms(p)
        return totals


class Sampler(threading.Thread):
    """Samples the groups every interval into a CSV file and keeps the series in memory."""

    def __init__(self, groups, path, interval=0.5):
        super().__init__(daemon=True)
        self.groups, self.path, self.interval = groups, path, interval
        self.series = {}  # group -> list of (epoch, rss_kb, cpu_ms)
        self.stop_event = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        with open(self.path, "a") as out:
            if out.tell() == 0:
                out.write("epoch,group,rss_kb,cpu_ms\n")
            while not self.stop_event.is_set():
                self.sample_once(out)
                self.stop_event.wait(self.interval)
            self.sample_once(out)

    def sample_once(self, out=None):
        now = time.time()
        m = self.groups.measure()
        with self.lock:
            for g, (r, c) in m.items():
                self.series.setdefault(g, []).append((now, r, c))
                if out:
                    out.write("%.3f,%s,%d,%.0f\n" % (now, g, r, c))
        if out:
            out.flush()
        return m

    def stop(self):
        self.stop_event.set()
        self.join(timeout=10)

    def cpu_at(self, group, epoch):
        """CPU ms of the group at a moment, interpolated between samples (None outside the series)."""
        with self.lock:
            s = list(self.series.get(group, []))
        if not s or epoch < s[0][0] - 1 or epoch > s[-1][0] + 1:
            return None
        prev = s[0]
        for cur in s:
            if cur[0] >= epoch:
                if cur[0] == prev[0]:
                    return cur[2]
                f = (epoch - prev[0]) / (cur[0] - prev[0])
                return prev[2] + max(0.0, min(1.0, f)) * (cur[2] - prev[2])
            prev = cur
        return s[-1][2]


# ---- helpers --------------------------------------------------------------------------------------------------

def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def port_accepts(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_for(what, predicate, timeout_s, proc=None):
    """Polls predicate until it holds; proc, a process or a list of them, must not exit meanwhile."""
    procs = [] if proc is None else proc if isinstance(proc, (list, tuple)) else [proc]
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if predicate():
            return
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError("%s: the process exited with %s while starting" % (what, p.returncode))
        time.sleep(0.5)
    raise RuntimeError("%s: not ready after %ds" % (what, timeout_s))


def run_cmd(args, timeout_s, env=None, cwd=None, check=True):
    """A short command with a hard time limit; returns (exit code, stdout+stderr)."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                         start_new_session=True, text=True)
    try:
        out, _ = p.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, _ = p.communicate()
        raise RuntimeError("%s timed out after %ds: %s" % (args[0], timeout_s, out[-2000:]))
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args[:3]), p.returncode, out[-2000:]))
    return p.returncode, out


def kill_group(p, sig=signal.SIGKILL):
    try:
        os.killpg(p.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_process(p, name, timeout_s=60, sig=signal.SIGTERM):
    """Sends sig to the process (its group after the timeout) and waits, bounded; then ends what is left of its group."""
    if p is None:
        return
    if p.poll() is not None:
        kill_group(p)  # the process ended by itself: its children may not have
        return
    try:
        p.send_signal(sig)
    except ProcessLookupError:
        kill_group(p)
        return
    try:
        p.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        log("%s did not stop within %ds: killing its process group" % (name, timeout_s))
        kill_group(p)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    # Stragglers in the group (ejabberd's port programs, Cassandra) go with it.
    kill_group(p)


def render(template, path, values):
    with open(os.path.join(HERE, template)) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace("@%s@" % k, str(v))
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise RuntimeError("%s: unfilled %s" % (template, left))
    with open(path, "w") as f:
        f.write(text)
    return path


def scram_sha256(password, salt, iterations):
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest(), hmac.new(salted, b"Server Key", hashlib.sha256).digest()


def iso_to_epoch(s):
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", s or "")
    if not m:
        return None
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    frac = float("0." + m.group(2)) if m.group(2) else 0.0
    return base.timestamp() + frac


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


# ---- servers --------------------------------------------------------------------------------------------------

class Server:
    name = "?"

    def __init__(self, ctx, port):
        self.ctx, self.port = ctx, port
        self.dir = os.path.join(ctx.work, self.name)
        self.proc = None
        self.sampler = None
        self.setup_info = {}

    # subclasses: prepare(), launch() -> Popen, ready(), create_users(), shutdown(), groups()
    def start(self):
        if not port_free(self.port):
            raise RuntimeError("%s: port %d is in use; pick another --port-base" % (self.name, self.port))
        log("%s: starting on 127.0.0.1:%d" % (self.name, self.port))
        t0 = time.time()
        self.proc = self.launch()
        self.ctx.live.append(self)
        self.wait_ready()
        self.setup_info.setdefault("start_seconds", []).append(round(time.time() - t0, 1))
        self.sampler = Sampler(self.groups(), os.path.join(self.ctx.out_dir(self.name), "samples.csv"))
        self.sampler.start()
        log("%s: up in %.1fs (pid %d)" % (self.name, time.time() - t0, self.proc.pid))

    def stop(self):
        if self.sampler:
            self.sampler.stop()
            self.sampler = None
        if self.proc is not None and self.proc.poll() is None:
            log("%s: stopping" % self.name)
            try:
                self.shutdown()
            except Exception as e:  # noqa: BLE001 - a failed polite stop still ends in a kill below
                log("%s: polite stop failed: %s" % (self.name, e))
            stop_process(self.proc, self.name, timeout_s=60)
        if self.proc is not None:
            # Port programs (ejabberd) or a Cassandra child that outlived the main process go with its group.
            kill_group(self.proc)
        self.proc = None
        if self in self.ctx.live:
            self.ctx.live.remove(self)
        deadline = time.time() + 30
        while not port_free(self.port) and time.time() < deadline:
            time.sleep(0.5)

    def shutdown(self):
        stop_process(self.proc, self.name)

    def measure_now(self):
        """Median of a few direct samples over ~2 s: {group: (rss_kb, cpu_ms)}."""
        samples = []
        for _ in range(5):
            samples.append(self.sampler.sample_once() if self.sampler else Groups(self.proc.pid).measure())
            time.sleep(0.5)
        out = {}
        for g in samples[-1]:
            out[g] = (median([s[g][0] for s in samples if g in s]), samples[-1][g][1])
        return out

    def heap_after_gc_kb(self):
        return None

    def versions(self):
        return {}


class Ejabberd(Server):
    name = "ejabberd"

    def prepare(self):
        os.makedirs(os.path.join(self.dir, "spool"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "logs"), exist_ok=True)
        self.cfg = render("ejabberd.yml.in", os.path.join(self.dir, "ejabberd.yml"), {
            "DOMAIN": DOMAIN, "PORT": self.port, "CERTFILE": self.ctx.cert_bundle,
            # --archive: every chat message archived for both users (mod_mam on its default Mnesia backend).
            "MAM": ("  mod_mam:\n    default: always\n" if self.ctx.args.archive else "")
            # --sm: XEP-0198 offered (ejabberd's default modules include it; this configuration lists modules).
            + ("  mod_stream_mgmt: {}\n" if self.ctx.args.sm else "")})
        self.ctl_cfg = render("ejabberdctl.cfg.in", os.path.join(self.dir, "ejabberdctl.cfg"), {
            "NODE": self.node, "DIST_PORT": self.dist_port, "DIR": self.dir})
        self.ctx.keep_config(self.cfg, self.ctl_cfg)

    @property
    def node(self):
        return "rookerycompare%d@localhost" % self.port

    @property
    def dist_port(self):
        return self.port + 1

    def env(self):
        e = dict(os.environ)
        e["HOME"] = self.dir  # the Erlang cookie lives here, not in the caller's home
        return e

    def ctl(self, *args, timeout_s=120, check=True):
        return run_cmd(["ejabberdctl", "--ctl-config", self.ctl_cfg, "--config", self.cfg,
                        "--logs", os.path.join(self.dir, "logs"), "--spool", os.path.join(self.dir, "spool")]
                       + list(args), timeout_s, env=self.env(), cwd=self.dir, check=check)

    def launch(self):
        if not port_free(self.dist_port):
            raise RuntimeError("ejabberd: distribution port %d is in use" % self.dist_port)
        console = open(os.path.join(self.dir, "console.log"), "a")
        return subprocess.Popen(
            ["ejabberdctl", "--ctl-config", self.ctl_cfg, "--config", self.cfg, "--logs",
             os.path.join(self.dir, "logs"), "--spool", os.path.join(self.dir, "spool"), "foreground"],
            stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env(), cwd=self.dir,
            start_new_session=True)

    def wait_ready(self):
        wait_for("ejabberd", lambda: port_accepts(self.port), 90, self.proc)
        wait_for("ejabberd status", lambda: self.ctl("status", timeout_s=30, check=False)[0] == 0, 60, self.proc)

    def shutdown(self):
        self.ctl("stop", timeout_s=60, check=False)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass

    def groups(self):
        return Groups(self.proc.pid)

    def erl_eval(self, code, timeout_s):
        """Evaluates code on the running node through a hidden Erlang client (one VM start for the whole batch)."""
        wrapper = ("Node = list_to_atom(\"%s\"), F = fun() -> %s end, "
                   "R = rpc:call(Node, erlang, apply, [F, []], %d), io:format(\"~p~n\", [R]), halt()."
                   % (self.node, code, timeout_s * 1000))
        return run_cmd(["erl", "-sname", "rookerycompare-bulk-%d@localhost" % os.getpid(), "-hidden", "-noshell",
                        "-noinput", "-erl_epmd_port", str(self.dist_port), "-start_epmd", "false",
                        "-dist_listen", "false", "-eval", wrapper], timeout_s + 30, env=self.env(),
                       cwd=self.dir)[1].strip()

    def create_users(self, count):
        # ejabberdctl register starts an Erlang VM per account (about 0.9 s each). Here one client VM asks the node
        # to derive the SCRAM keys once and store them for every account (one salt shared by all, as Rookery's
        # `admin user bulk` does), straight through the Mnesia auth backend.
        t0 = time.time()
        out = self.erl_eval(
            "Host = <<\"%s\">>, Scram = ejabberd_auth:password_to_scram(Host, <<\"%s\">>), "
            "T0 = erlang:monotonic_time(millisecond), "
            "lists:foreach(fun(I) -> U = iolist_to_binary(io_lib:format(\"%s\", [I])), "
            "ejabberd_auth_mnesia:set_password(U, Host, Scram) end, lists:seq(1, %d)), "
            "T1 = erlang:monotonic_time(millisecond), "
            "Probe = [ejabberd_auth:try_register(iolist_to_binary(io_lib:format(\"regprobe~b\", [I])), Host, "
            "<<\"%s\">>) || I <- lists:seq(1, 50)], "
            "T2 = erlang:monotonic_time(millisecond), "
            "{bulk_ms, T1 - T0, try_register_50_ms, T2 - T1, lists:usort(Probe), "
            "mnesia:table_info(passwd, size)}"
            % (DOMAIN, PASSWORD, USER_PATTERN.replace("%d", "~b"), count, PASSWORD), 600)
        m = re.search(r"\{bulk_ms,(\d+),\s*try_register_50_ms,(\d+),\s*\[ok\],\s*(\d+)\}", out.replace("\n", ""))
        if not m or int(m.group(3)) < count:
            raise RuntimeError("ejabberd: bulk registration failed: %s" % out[-2000:])
        t_ctl = time.time()
        self.ctl("register", "ctlprobe", DOMAIN, PASSWORD, timeout_s=60)
        self.setup_info["users"] = {
            "count": count, "method": "one erl client: ejabberd_auth:password_to_scram once, then "
                                      "ejabberd_auth_mnesia:set_password per account (shared salt)",
            "seconds_total": round(time.time() - t0, 2), "seconds_in_node": int(m.group(1)) / 1000.0,
            "try_register_ms_per_account": int(m.group(2)) / 50.0,
            "ejabberdctl_register_seconds_one": round(time.time() - t_ctl, 2)}
        log("ejabberd: %d accounts in %.1fs" % (count, time.time() - t0))

    def versions(self):
        return {"ejabberd": dpkg_version("ejabberd"), "erlang": dpkg_version("erlang-base")}


class Prosody(Server):
    name = "prosody"

    def prepare(self):
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        certs = os.path.join(self.dir, "certs")
        os.makedirs(certs, exist_ok=True)
        shutil.copy(self.ctx.cert, os.path.join(certs, DOMAIN + ".crt"))
        shutil.copy(self.ctx.key, os.path.join(certs, DOMAIN + ".key"))
        self.cfg = render("prosody.cfg.lua.in", os.path.join(self.dir, "prosody.cfg.lua"), {
            "DOMAIN": DOMAIN, "PORT": self.port, "DIR": self.dir, "CERTFILE": self.ctx.cert,
            "KEYFILE": self.ctx.key,
            # --archive: every chat message archived for both users (mod_mam, internal storage).
            "MAM_MODULE": ('"mam";' if self.ctx.args.archive else "") + ('"smacks";' if self.ctx.args.sm else ""),
            "MAM_SETTINGS": 'default_archive_policy = true\narchive_expires_after = "never"' if self.ctx.args.archive
            else "",
            # Prosody switches to the 'prosody' user when started as root; this instance keeps the caller.
            "RUN_AS_ROOT": "run_as_root = true" if os.geteuid() == 0 else ""})
        self.ctx.keep_config(self.cfg)

    def launch(self):
        console = open(os.path.join(self.dir, "console.log"), "a")
        return subprocess.Popen(["prosody", "--config", self.cfg, "-F"], stdout=console, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=self.dir, start_new_session=True)

    def wait_ready(self):
        wait_for("prosody", lambda: port_accepts(self.port), 60, self.proc)

    def groups(self):
        return Groups(self.proc.pid)

    def create_users(self, count):
        # prosodyctl register costs a Lua start and a PBKDF2 per account. Prosody's internal storage is one Lua
        # file per account (data/<host>/accounts/<user>.dat, what mod_auth_internal_hashed writes), so the files
        # are written directly, with one salt shared by all accounts as Rookery's `admin user bulk` does.
        t0 = time.time()
        salt = "rookery-compare-shared-salt"
        stored, server = scram_sha256(PASSWORD, salt.encode(), SCRAM_ITERATIONS)
        body = ('return {\n\t["iteration_count"] = %d;\n\t["salt"] = "%s";\n\t["server_key"] = "%s";\n'
                '\t["stored_key"] = "%s";\n};\n' % (SCRAM_ITERATIONS, salt, server.hex(), stored.hex()))
        accounts = os.path.join(self.dir, "data", prosody_encode(DOMAIN), "accounts")
        os.makedirs(accounts, exist_ok=True)
        for i in range(1, count + 1):
            with open(os.path.join(accounts, prosody_encode(USER_PATTERN % i) + ".dat"), "w") as f:
                f.write(body)
        elapsed = time.time() - t0
        t_ctl = time.time()
        run_cmd(["prosodyctl", "--config", self.cfg, "register", "ctlprobe", DOMAIN, PASSWORD], 60, cwd=self.dir)
        self.setup_info["users"] = {
            "count": count, "method": "account files written directly (shared salt)",
            "seconds_total": round(elapsed, 2),
            "prosodyctl_register_seconds_one": round(time.time() - t_ctl, 2)}
        log("prosody: %d accounts in %.2fs" % (count, elapsed))

    def versions(self):
        return {"prosody": dpkg_version("prosody"), "lua": dpkg_version("lua5.4")}


def prosody_encode(s):
    """util.datamanager's path encoding: every non-alphanumeric byte as %xx."""
    return "".join(c if c.isalnum() and c.isascii() else "%%%02x" % ord(c) for c in s)


class Rookery(Server):
    name = "rookery"

    def ws_port(self):
        """The plain loopback HTTP listener: XMPP over WebSocket (mode websocket) and over BOSH (mode bosh)."""
        return self.port + 1

    def prepare(self):
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        self.data = os.path.join(self.dir, "data")
        self.classpath = "%s/cluster-node/%s/classes:%s" % (
            ROOT, self.ctx.build_dir,
            open(os.path.join(ROOT, "cluster-node", self.ctx.build_dir, "classpath.txt")).read().strip())
        self.settings = [
            "-Drookery.domain=%s" % DOMAIN,
            "-Drookery.data-dir=%s" % self.data,
            "-Drookery.c2s.starttls.interface=127.0.0.1",
            "-Drookery.c2s.starttls.port=%d" % self.port,
            "-Drookery.c2s.direct-tls.enabled=off",
            # Benchmarks measure client traffic; no server-to-server listener beside the other servers'.
            "-Drookery.s2s.enabled=off",
            # STARTTLS offered but not required, so that plain-TCP and STARTTLS runs hit the same node (as the
            # ejabberd and Prosody configurations do); PLAIN stays TLS-only.
            "-Drookery.c2s.require-tls=off",
            "-Drookery.c2s.allow-plain-without-tls=off",
            # Every simulated user connects from 127.0.0.1: the per-address cap on connections still negotiating
            # would refuse a login storm (ejabberd and Prosody run without such limits here too).
            "-Drookery.c2s.max-unauthenticated-per-address=0",
            "-Drookery.tls.keystore=%s" % self.ctx.p12,
            "-Drookery.tls.keystore-password=changeit",
            "-Drookery.admin.port=0",
            "-Drookery.metrics.port=0",
            "-Drookery.cassandra.embedded.cql-port=0",
            "-Dpekko.remote.artery.canonical.port=0",
            "-Dpekko.loglevel=WARNING",
            # XMPP over WebSocket (mode websocket) and over BOSH (mode bosh, at /http-bind) on the plain loopback
            # HTTP listener, the port after c2s's.
            "-Drookery.http.enabled=on",
            "-Drookery.http.plain.port=%d" % self.ws_port(),
            "-Drookery.http.tls.enabled=off",
        ]
        if "rookery.modules.mam." not in self.ctx.rookery_java_opts:
            # Without --archive neither ejabberd nor Prosody archives messages (no mod_mam), so Rookery does not
            # either; with it, all three archive every chat message for both users.
            self.settings.append("-Drookery.modules.mam.enabled=%s" % ("on" if self.ctx.args.archive else "off"))
        with open(os.path.join(self.dir, "node-settings.txt"), "w") as f:
            f.write("\n".join(self.ctx.rookery_java_opts.split() + self.settings) + "\n")
        self.ctx.keep_config(os.path.join(self.dir, "node-settings.txt"))

    def env(self):
        e = dict(os.environ)
        e["ROOKERY_LOG_LEVEL"] = "WARN"
        e["ROOKERY_DATA_DIR"] = self.data
        return e

    def launch(self):
        ports = os.path.join(self.data, "node.ports")
        if os.path.exists(ports):
            os.remove(ports)
        console = open(os.path.join(self.dir, "console.log"), "a")
        return subprocess.Popen(["java"] + self.ctx.rookery_java_opts.split() + self.settings
                                + ["-cp", self.classpath, "io.rookery.node.RookeryNode"],
                                stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env(),
                                cwd=self.dir, start_new_session=True)

    def wait_ready(self):
        # node.ports is written last, once the listeners and the admin API are bound.
        wait_for("rookery", lambda: os.path.exists(os.path.join(self.data, "node.ports")), 300, self.proc)
        wait_for("rookery c2s", lambda: port_accepts(self.port), 30, self.proc)

    def groups(self):
        node = self.proc.pid

        def split(pid):
            if pid == node:
                return "server"
            # Cassandra runs as the node's child JVM; counted apart, since ejabberd and Prosody embed their storage.
            return "cassandra" if "CassandraDaemon" in cmdline(pid) else None
        return Groups(node, split)

    def create_users(self, count):
        t0 = time.time()
        _, out = run_cmd(["java", "-cp", self.classpath, "io.rookery.node.admin.AdminCli", "user", "bulk",
                          USER_PATTERN, str(count), PASSWORD], 1200, env=self.env(), cwd=self.dir)
        if "failed 0" not in out:
            raise RuntimeError("rookery: bulk creation: %s" % out[-2000:])
        self.setup_info["users"] = {"count": count, "method": "AdminCli user bulk (shared salt)",
                                    "seconds_total": round(time.time() - t0, 2), "output": out.strip()[-200:]}
        log("rookery: %d accounts in %.1fs" % (count, time.time() - t0))

    def heap_after_gc_kb(self):
        """Live heap after a full collection (jcmd GC.run, then GC.heap_info), in KiB: the smaller of two readings
        2 s apart, since one reading right after a run can still hold what the run's sessions are letting go of."""
        readings = []
        for i in range(2):
            if i:
                time.sleep(2)
            try:
                run_cmd(["jcmd", str(self.proc.pid), "GC.run"], 60)
                _, out = run_cmd(["jcmd", str(self.proc.pid), "GC.heap_info"], 60)
            except RuntimeError as e:
                log("rookery: jcmd failed: %s" % e)
                continue
            m = re.search(r"total \d+K, used (\d+)K", out)
            if m:
                readings.append(int(m.group(1)))
        if readings:
            log("rookery: live heap readings %s KiB" % readings)
        return min(readings) if readings else None

    def versions(self):
        _, out = run_cmd(["java", "-version"], 30, check=False)
        return {"java": out.strip().splitlines()[0] if out.strip() else "?", "jvm_options": self.ctx.rookery_java_opts}


def dpkg_version(pkg):
    try:
        return run_cmd(["dpkg-query", "-W", "-f=${Version}", pkg], 30)[1].strip()
    except RuntimeError:
        return None


# ---- the load generator ---------------------------------------------------------------------------------------

class Context:
    def __init__(self, args):
        self.args = args
        self.profile = PROFILES[args.profile]
        self.build_dir = args.build_dir
        self.rookery_java_opts = args.rookery_java_opts
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.results = os.path.abspath(args.results or os.path.join(HERE, "results", stamp))
        self.work = os.path.abspath(args.work or os.path.join("/tmp", "rookery-compare-" + stamp))
        self.live = []
        self.generator = None
        self.last_command = None
        self.seq = 0
        os.makedirs(self.results, exist_ok=True)
        os.makedirs(os.path.join(self.results, "configs"), exist_ok=True)
        os.makedirs(self.work, exist_ok=True)
        self.runs_path = os.path.join(self.results, "runs.jsonl")

    def out_dir(self, server):
        d = os.path.join(self.results, server)
        os.makedirs(d, exist_ok=True)
        return d

    def keep_config(self, *paths):
        for p in paths:
            shutil.copy(p, os.path.join(self.results, "configs", os.path.basename(os.path.dirname(p)) + "-"
                                        + os.path.basename(p)))

    def record(self, run):
        if self.last_command and "command" not in run and "result_file" in run:
            run["command"] = self.last_command
        with open(self.runs_path, "a") as f:
            f.write(json.dumps(run, sort_keys=True) + "\n")

    def make_certificate(self):
        """One self-signed ECDSA P-256 certificate for all three servers, so every TLS handshake costs the same."""
        d = os.path.join(self.work, "tls")
        os.makedirs(d, exist_ok=True)
        self.cert, self.key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        self.cert_bundle, self.p12 = os.path.join(d, "bundle.pem"), os.path.join(d, "cert.p12")
        run_cmd(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-subj", "/CN=" + DOMAIN, "-addext", "subjectAltName=DNS:" + DOMAIN, "-days", "3650",
                 "-keyout", self.key, "-out", self.cert], 60)
        with open(self.cert_bundle, "w") as out:
            out.write(open(self.cert).read() + open(self.key).read())
        run_cmd(["openssl", "pkcs12", "-export", "-in", self.cert, "-inkey", self.key, "-out", self.p12,
                 "-passout", "pass:changeit", "-name", DOMAIN], 60)
        for p in (self.key, self.cert_bundle, self.p12):
            os.chmod(p, 0o644)  # readable by servers that drop privileges (none here do, but harmless on /tmp)


def loadtest(ctx, server, mode, label, options, hard_timeout_s, on_line=None):
    """Runs loadtest/run once; returns (parsed JSON or None, start epoch, exit code)."""
    ctx.seq += 1
    out_prefix = os.path.join(ctx.out_dir(server.name), "%02d-%s-%s" % (ctx.seq, mode, label))
    port = server.ws_port() if mode in HTTP_MODES else server.port
    transport = ["--transport=" + mode] if mode in HTTP_MODES else []
    args = [os.path.join(ROOT, "loadtest", "run"), "--port=%d" % port, "--domain=" + DOMAIN,
            "--tls=" + ("starttls" if mode == "starttls" else "off"), "--progress=5s", "--out=" + out_prefix,
            "--timeout=%ds" % hard_timeout_s] + transport + ["--%s=%s" % kv for kv in options]
    env = dict(os.environ)
    env["LOADTEST_BUILD_DIR"] = ctx.build_dir
    env["LOADTEST_JAVA_OPTS"] = ctx.args.loadtest_java_opts
    log("%s %s %s: %s" % (server.name, mode, label, " ".join(a for a in args[1:] if not a.startswith("--out"))))
    stdout_path, stderr_path = out_prefix + ".stdout", out_prefix + ".stderr"
    start = time.time()
    with open(stdout_path, "w") as so, open(stderr_path, "w") as se:
        p = subprocess.Popen(args, stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
                             start_new_session=True)
        ctx.generator = p
        seen = 0
        deadline = start + hard_timeout_s + 60
        try:
            while p.poll() is None:
                if time.time() > deadline:
                    log("generator over its time limit: stopping it")
                    stop_process(p, "loadtest", timeout_s=20, sig=signal.SIGINT)
                    break
                if on_line:
                    with open(stdout_path) as f:
                        lines = f.read().splitlines()
                    for line in lines[seen:]:
                        on_line(line)
                    seen = len(lines)
                time.sleep(0.25)
        finally:
            if p.poll() is None:
                stop_process(p, "loadtest", timeout_s=20, sig=signal.SIGINT)
            ctx.generator = None
    result = None
    if os.path.exists(out_prefix + ".json"):
        with open(out_prefix + ".json") as f:
            result = json.load(f)
    else:
        log("%s %s %s: no result file (exit %s); see %s" % (server.name, mode, label, p.returncode, stderr_path))
    ctx.last_command = " ".join(["loadtest/run"] + [a for a in args[1:] if not a.startswith("--out=")])
    return result, start, p.returncode, out_prefix


def summary(result):
    """The figures the report needs from a loadtest result."""
    if not result:
        return None
    lg, msg = result["logins"], result.get("messages")
    s = {
        "logins_ok": lg["ok"], "logins_failed": lg["failed"], "dropped": lg["droppedAfterLogin"],
        "max_sessions_up": lg["maxSessionsUp"], "logins_per_s": lg["ratePerSecond"],
        "logins_ended_s": lg["allEndedAtSeconds"],
        "login_total_ms": {k: lg["latencyMs"].get("total", {}).get(k) for k in ("p50", "p99")},
        "login_tls_ms": {k: (lg["latencyMs"].get("tls") or {}).get(k) for k in ("p50", "p99")},
        "failures": {k: v["count"] for k, v in result.get("failures", {}).items()},
        "notes": result.get("notes", []),
    }
    if msg:
        s["chat"] = {k: msg[k] for k in ("offeredRate", "sendSeconds", "sent", "achievedRate", "received",
                                         "deliveredRate", "lost", "bounced", "duplicates")}
        # From when the generator meant each message to leave (its own lateness included: no coordinated omission),
        # where the generator reports it; from its write otherwise.
        due = msg.get("latencyFromDueMs") or msg["latencyMs"]
        s["chat"]["latency_ms"] = {k: due[k] for k in ("p50", "p90", "p99", "p99_9", "max", "mean")}
        s["chat"]["latency_from_write_ms"] = {k: msg["latencyMs"][k] for k in ("p50", "p99")}
        if msg.get("ackLatencyMs"):
            # --sm: from the sender's write to the server's XEP-0198 acknowledgement of the message.
            s["chat"]["acked"] = msg.get("acked")
            s["chat"]["ack_ms"] = {k: msg["ackLatencyMs"][k] for k in ("p50", "p90", "p99", "max")}
    return s


def cpu_between(server, group, t0, t1):
    if server.sampler is None or t0 is None or t1 is None:
        return None
    a, b = server.sampler.cpu_at(group, t0), server.sampler.cpu_at(group, t1)
    return None if a is None or b is None else round(b - a, 1)


# ---- scenarios ------------------------------------------------------------------------------------------------

def scenario_idle(ctx, server, mode):
    """Memory per idle authenticated session: RSS (and, for Rookery, heap after GC) before and with all up."""
    pr = ctx.profile
    n = pr["idle_sessions"]
    settle = pr["idle_settle_s"]
    # The warm-up's sessions are closed; give the server time to let them go before the baseline.
    time.sleep(settle)
    before = server.measure_now()
    heap_before = server.heap_after_gc_kb()
    state = {"all_up": None, "sessions": None}

    def on_line(line):
        m = re.match(r"ALL UP: (\d+) of (\d+) sessions", line)
        if m and state["all_up"] is None:
            state["all_up"], state["sessions"] = time.time(), int(m.group(1))

    window = pr["idle_cpu_window_s"]
    hold = settle + window + 25
    login_s = n / 20.0 + pr["login_timeout_s"]  # bound only: even a slow server logs in 20 sessions a second
    measured = {}

    def measure_when_up():
        # Runs beside the generator: waits (bounded) for ALL UP, lets the server settle, then samples.
        deadline = time.time() + login_s + 60
        while state["all_up"] is None and not state.get("done") and time.time() < deadline:
            time.sleep(0.5)
        if state["all_up"] is None:
            return
        time.sleep(settle)
        t_cpu0 = time.time()
        measured["up"] = server.measure_now()
        time.sleep(window)
        measured["idle_cpu_ms_per_s"] = {g: round((v[1] - measured["up"][g][1]) / (time.time() - t_cpu0), 2)
                                         for g, v in server.measure_now().items() if g in measured["up"]}
        # Last, as the full collection it forces costs CPU.
        measured["heap_kb"] = server.heap_after_gc_kb()

    watcher = threading.Thread(target=measure_when_up, daemon=True)
    opts = [("scenario", "idle"), ("users", n), ("ramp", 0), ("concurrency", pr["login_concurrency"]),
            ("duration", "%ds" % hold), ("login-timeout", "%ds" % pr["login_timeout_s"])]
    watcher.start()
    try:
        result, start, code, prefix = loadtest(ctx, server, mode, "idle", opts, int(login_s + hold + 120), on_line)
    finally:
        state["done"] = True
        watcher.join(timeout=120)
    run = {"server": server.name, "mode": mode, "scenario": "idle", "options": dict(opts), "exit": code,
           "result_file": os.path.relpath(prefix + ".json", ctx.results), "summary": summary(result),
           "sessions_up": state["sessions"], "rss_before_kb": {g: v[0] for g, v in before.items()},
           "heap_before_kb": heap_before}
    if "up" in measured and state["sessions"]:
        up = measured["up"]
        run["rss_up_kb"] = {g: v[0] for g, v in up.items()}
        run["rss_per_session_kib"] = {g: round((up[g][0] - before.get(g, (0, 0))[0]) / state["sessions"], 2)
                                      for g in up}
        run["idle_cpu_ms_per_s"] = measured.get("idle_cpu_ms_per_s")
        if heap_before and measured.get("heap_kb"):
            run["heap_up_kb"] = measured["heap_kb"]
            run["heap_per_session_kib"] = round((measured["heap_kb"] - heap_before) / state["sessions"], 2)
    ctx.record(run)
    return run


def scenario_login_storm(ctx, server, mode):
    pr = ctx.profile
    first = 1 if mode == "plain" else pr["storm_users"] + 1
    opts = [("scenario", "login-storm"), ("users", pr["storm_users"]), ("first", first), ("rate", 0),
            ("concurrency", pr["storm_concurrency"]), ("duration", "%ds" % pr["storm_duration_s"])]
    result, start, code, prefix = loadtest(ctx, server, mode, "login-storm", opts, pr["storm_duration_s"] + 120)
    run = {"server": server.name, "mode": mode, "scenario": "login-storm", "options": dict(opts), "exit": code,
           "result_file": os.path.relpath(prefix + ".json", ctx.results), "summary": summary(result)}
    if result:
        t0 = iso_to_epoch(result.get("startedAt")) or start
        end = result["logins"].get("allEndedAtSeconds")
        cpu = cpu_between(server, "server", t0, t0 + end if end else None)
        ok = result["logins"]["ok"]
        run["server_cpu_ms"] = cpu
        run["server_cpu_ms_per_login"] = round(cpu / ok, 3) if cpu is not None and ok else None
        if server.name == "rookery":
            cas = cpu_between(server, "cassandra", t0, t0 + end if end else None)
            run["cassandra_cpu_ms"] = cas
            run["cassandra_cpu_ms_per_login"] = round(cas / ok, 3) if cas is not None and ok else None
    ctx.record(run)
    return run


def chat_run(ctx, server, mode, scenario, label, rate, duration_s, users, first=1):
    pr = ctx.profile
    opts = [("scenario", "chat"), ("users", users), ("first", first), ("ramp", 0),
            ("concurrency", pr["login_concurrency"]), ("rate", rate), ("duration", "%ds" % duration_s),
            ("grace", "%ds" % pr["grace_s"]), ("login-timeout", "%ds" % pr["login_timeout_s"]),
            ("settle", "%ds" % pr["chat_settle_s"])]
    if ctx.args.sm:
        opts.append(("sm", "resume" if ctx.args.sm_resume else "on"))
    hard = int(users / 20.0 + pr["login_timeout_s"] + pr["chat_settle_s"] + duration_s + pr["grace_s"] + 120)
    result, start, code, prefix = loadtest(ctx, server, mode, label, opts, hard)
    run = {"server": server.name, "mode": mode, "scenario": scenario, "label": label, "options": dict(opts),
           "exit": code, "result_file": os.path.relpath(prefix + ".json", ctx.results), "summary": summary(result)}
    if result and result.get("messages"):
        t0 = iso_to_epoch(result.get("startedAt")) or start
        send_start = t0 + (result["logins"].get("allEndedAtSeconds") or 0) + pr["chat_settle_s"]
        send_s = result["messages"].get("sendSeconds") or 0
        cpu = cpu_between(server, "server", send_start, send_start + send_s)
        sent = result["messages"]["sent"]
        run["server_cpu_ms"] = cpu
        run["server_cores_busy"] = round(cpu / 1000.0 / send_s, 3) if cpu is not None and send_s else None
        run["server_cpu_us_per_msg"] = round(cpu * 1000.0 / sent, 2) if cpu is not None and sent else None
        if server.name == "rookery":
            cas = cpu_between(server, "cassandra", send_start, send_start + send_s)
            run["cassandra_cpu_ms"] = cas
            run["cassandra_cpu_us_per_msg"] = round(cas * 1000.0 / sent, 2) if cas is not None and sent else None
        run["verdict"] = verdict(result)
    ctx.record(run)
    return run


def verdict(result):
    """'ok' when the offered rate was sustained with p99 under the bound, else the first reason it was not."""
    m, lg = result["messages"], result["logins"]
    if lg["failed"] or lg["droppedAfterLogin"]:
        return "sessions failed or dropped"
    if m["achievedRate"] is None or m["achievedRate"] < MIN_SEND_FRACTION * m["offeredRate"]:
        return "send rate short (%s of %s/s)" % (m["achievedRate"], m["offeredRate"])
    if m["sent"] and (m["lost"] + m["bounced"]) > MAX_LOST_FRACTION * m["sent"]:
        return "lost %d, bounced %d of %d" % (m["lost"], m["bounced"], m["sent"])
    p99 = (m.get("latencyFromDueMs") or m["latencyMs"])["p99"]
    if p99 is None or p99 >= MAX_P99_MS:
        return "p99 %s ms" % p99
    return "ok"


def scenario_chat_max(ctx, server, mode):
    """Highest offered rate with p99 under 100 ms: a ladder up to the first failure, then bisection."""
    pr = ctx.profile
    steps = []
    best, worst = None, None
    for rate in pr["ladder"]:
        r = chat_run(ctx, server, mode, "chat-step", "chat-step-%d" % rate, rate, pr["ladder_duration_s"],
                     pr["chat_users"])
        steps.append(r)
        if r.get("verdict") == "ok":
            best = rate
        else:
            worst = rate
            break
        time.sleep(2)
    lo = best or 0
    for _ in range(pr["bisect_steps"]):
        if worst is None or worst - lo <= max(100, lo // 20):
            break
        mid = int(round((lo + worst) / 2.0, -2)) if worst - lo > 200 else (lo + worst) // 2
        r = chat_run(ctx, server, mode, "chat-step", "chat-step-%d" % mid, mid, pr["ladder_duration_s"],
                     pr["chat_users"])
        steps.append(r)
        if r.get("verdict") == "ok":
            lo = best = mid
        else:
            worst = mid
        time.sleep(2)
    run = {"server": server.name, "mode": mode, "scenario": "chat-max", "max_rate": best,
           "first_failed_rate": worst, "ladder_top_reached": worst is None,
           "first_failure": next((s.get("verdict") for s in steps if s.get("verdict") != "ok"), None),
           "steps": [s["label"] for s in steps]}
    ctx.record(run)
    return run


def warm_up(ctx, server):
    """The same for every server, on accounts no measurement uses: a STARTTLS login storm, then plain chat. The
    JVM needs it most (JIT: a cold JDK's TLS handshake is many times slower); the others get it too."""
    pr = ctx.profile
    opts = [("scenario", "login-storm"), ("users", pr["warmup_users"]), ("first", pr["warmup_first"]), ("rate", 0),
            ("concurrency", pr["login_concurrency"]), ("duration", "60s")]
    result, _start, code, prefix = loadtest(ctx, server, "starttls", "warmup-logins", opts, 180)
    ctx.record({"server": server.name, "mode": "starttls", "scenario": "warmup", "label": "warmup-logins",
                "options": dict(opts), "exit": code, "summary": summary(result),
                "result_file": os.path.relpath(prefix + ".json", ctx.results)})
    chat_run(ctx, server, "plain", "warmup", "warmup-chat", pr["warmup_rate"], pr["warmup_duration_s"],
             pr["warmup_users"], first=pr["warmup_first"])
    time.sleep(3)


def run_server(ctx, server):
    pr = ctx.profile
    scen = ctx.args.scenarios
    server.prepare()
    first = True

    def start():
        nonlocal first
        server.start()
        if first:
            server.create_users(pr["accounts"])
            first = False
            # Creating the accounts leaves state behind (in Rookery one live user entity per account until it is
            # passivated): start afresh, so that no baseline counts it and no measurement sees it go.
            server.stop()
            server.start()

    try:
        if "idle" in scen:
            # A fresh process for each memory measurement: a server that already held sessions keeps the memory.
            for mode in modes_for(ctx, server):
                start()
                try:
                    warm_up(ctx, server)
                    scenario_idle(ctx, server, mode)
                finally:
                    server.stop()
        if any(s in scen for s in ("login-storm", "chat-fixed", "chat-max")):
            start()
            try:
                warm_up(ctx, server)
                for mode in modes_for(ctx, server):
                    if "login-storm" in scen:
                        scenario_login_storm(ctx, server, mode)
                        time.sleep(2)
                    if "chat-fixed" in scen:
                        chat_run(ctx, server, mode, "chat-fixed", "chat-fixed", pr["fixed_rate"],
                                 pr["fixed_duration_s"], pr["chat_users"])
                        time.sleep(2)
                    if "chat-max" in scen:
                        scenario_chat_max(ctx, server, mode)
            finally:
                server.stop()
    finally:
        server.stop()
        with open(os.path.join(ctx.out_dir(server.name), "setup.json"), "w") as f:
            json.dump(dict(server.setup_info, versions=server.versions(), port=server.port), f, indent=2,
                      sort_keys=True)


def machine_info():
    info = {"nproc": os.cpu_count(), "kernel": os.uname().release}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
        with open("/proc/meminfo") as f:
            info["memory_kib"] = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
        with open("/etc/os-release") as f:
            info["os"] = next((l.split("=", 1)[1].strip().strip('"') for l in f if l.startswith("PRETTY_NAME")), "?")
    except (OSError, StopIteration):
        pass
    info["loadavg_start"] = open("/proc/loadavg").read().split()[:3]
    return info


def modes_for(ctx, server):
    """The modes asked for that this server is run in: websocket (RFC 7395) and bosh (XEP-0206) only for Rookery so
    far."""
    return [m for m in ctx.args.modes if m not in HTTP_MODES or hasattr(server, "ws_port")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", choices=sorted(PROFILES), default="full")
    ap.add_argument("--servers", default="ejabberd,prosody,rookery")
    ap.add_argument("--modes", default="plain,starttls",
                    help="plain, starttls, websocket, bosh (websocket and bosh: Rookery only, XMPP over WebSocket or "
                         "over BOSH on its loopback HTTP listener; bosh not with --sm)")
    ap.add_argument("--scenarios", default="idle,login-storm,chat-fixed,chat-max")
    ap.add_argument("--results", help="results folder (default loadtest/compare/results/<timestamp>)")
    ap.add_argument("--work", help="servers' config and data folders (default /tmp/rookery-compare-<timestamp>)")
    ap.add_argument("--keep-work", action="store_true", help="keep the servers' data folders afterwards")
    ap.add_argument("--port-base", type=int, default=15222,
                    help="ejabberd c2s on this port (+1 its Erlang distribution), Prosody on +100, Rookery on +200")
    ap.add_argument("--build-dir", default=os.environ.get("COMPARE_BUILD_DIR", "target-compare"))
    # As in production (k8s/base/deployment.yaml): G1, a fixed heap, pre-touched, so that RSS moves only with what
    # lives outside the heap and the heap's share is read after a full collection.
    ap.add_argument("--rookery-java-opts", default="-XX:+UseG1GC -Xms1g -Xmx1g -XX:+AlwaysPreTouch")
    ap.add_argument("--loadtest-java-opts", default="-Xms512m -Xmx2g")
    ap.add_argument("--sm", action="store_true",
                    help="clients enable XEP-0198 stream management and ask for an ack after each chat message "
                         "(ejabberd's mod_stream_mgmt, Prosody's mod_smacks); the report gives the ack delay")
    ap.add_argument("--sm-resume", action="store_true",
                    help="with --sm, clients ask for resumption (<enable resume='true'/>), as Smack and Conversations "
                         "do: Rookery then keeps each stream in Cassandra for resumption after a node loss "
                         "(rookery.modules.sm.resumption-after-node-loss; off through --rookery-java-opts)")
    ap.add_argument("--archive", action="store_true",
                    help="all servers archive every chat message for both users (XEP-0313: Rookery's mam module, "
                         "ejabberd's and Prosody's mod_mam); off by default, as in the baseline figures")
    args = ap.parse_args()
    if args.sm_resume:
        args.sm = True
    args.servers = [s for s in args.servers.split(",") if s]
    args.modes = [m for m in args.modes.split(",") if m]
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    for m in args.modes:
        if m not in ("plain", "starttls") + HTTP_MODES:
            ap.error("unknown mode %s" % m)
    if args.sm and "bosh" in args.modes:
        ap.error("--sm: the load tool does not drive XEP-0198 over BOSH (mode bosh)")

    # Every session is a socket, in the generator and in the server.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    ctx = Context(args)
    log("results in %s, servers' folders in %s" % (ctx.results, ctx.work))

    def on_signal(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    meta = {"profile": args.profile, "profile_sizes": ctx.profile, "servers": args.servers, "modes": args.modes,
            "scenarios": args.scenarios, "archive": args.archive, "sm": args.sm, "sm_resume": args.sm_resume, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine_info(),
            "command": " ".join(sys.argv), "rookery_java_opts": args.rookery_java_opts,
            "loadtest_java_opts": args.loadtest_java_opts, "chat_pass": {
                "max_p99_ms": MAX_P99_MS, "min_send_fraction": MIN_SEND_FRACTION,
                "max_lost_fraction": MAX_LOST_FRACTION}}
    try:
        meta["git"] = run_cmd(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], 30)[1].strip()
    except RuntimeError:
        pass
    status = 0
    try:
        ctx.make_certificate()
        classes = {"ejabberd": Ejabberd, "prosody": Prosody, "rookery": Rookery}
        offsets = {"ejabberd": 0, "prosody": 100, "rookery": 200}
        for name in args.servers:
            server = classes[name](ctx, args.port_base + offsets[name])
            os.makedirs(server.dir, exist_ok=True)
            try:
                run_server(ctx, server)
            except KeyboardInterrupt:
                raise
            except Exception as e:  # noqa: BLE001 - one server failing must not lose the others' results
                log("%s: FAILED: %s" % (name, e))
                meta.setdefault("errors", []).append("%s: %s" % (name, e))
                status = 1
    except KeyboardInterrupt as e:
        log("interrupted (%s): stopping everything" % e)
        meta.setdefault("errors", []).append("interrupted")
        status = 130
    finally:
        if ctx.generator is not None:
            stop_process(ctx.generator, "loadtest", timeout_s=20, sig=signal.SIGINT)
        for s in list(ctx.live):
            s.stop()
        meta["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        meta["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        with open(os.path.join(ctx.results, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2, sort_keys=True)
        if not args.keep_work:
            shutil.rmtree(ctx.work, ignore_errors=True)
        log("done: %s" % ctx.results)
    print(ctx.results)
    return status


if __name__ == "__main__":
    sys.exit(main())
