#!/usr/bin/env python3
"""Round trips on the critical path of a real plan and apply (part of `make bench`).

The lakehouse demo (examples/lakehouse with its demo/ root: 8 resources and their data sources) is
planned fresh, applied, planned with everything in state, and destroyed against the emulator, once
with every answer at once and once with the emulator's latency fault at 100 ms. For each phase:
- calls: API requests the emulator answered (mutating ones in brackets);
- sequential: the longest chain of calls each made after the one before it had answered, from the
  emulator's timeline: the round trips a user waits for at the cloud's latency;
- wall at 0 ms and at 100 ms, and (Δ wall) / 100 ms: the same figure estimated from the clock,
  which also counts terraform's own waits;
- floor: the round trips terraform's dependency graph forces (FLOORS below).

usage: roundtrips.py [--terraform PATH] [--latency MS] [--json FILE] [--debug]
  --debug  the debug build's binaries (round trips do not depend on the build; wall times do)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

ROOT = bench.ROOT

# The fewest round trips each phase of the demo needs, and why. A round trip is one API request
# whose answer something else waits for; requests nothing waits on can go in parallel. Terraform
# walks the graph: a node starts when every node it depends on is done.
#
# Minimum per operation (what the cloud's API leaves no way around):
#   configure                 0  static keys need no call (STS only for roles / OIDC).
#   read a resource (refresh) 1  one Describe of the object (independent reads of one resource in
#                                parallel: an endpoint's zones and groups, a group and its rules).
#   plan a create             0  checks of inputs whose facts are read in parallel: 1 when a check
#                                reads the cloud (the vSwitch, the security group, the instance).
#   create a group            2  CreateSecurityGroup, then AuthorizeSecurityGroup(Egress) (needs
#                                the new ID); the read-back is the write's own answer.
#   create a link             2  the create, then one poll that sees it active (the emulator makes
#                                links active at once); then 1 read of its ENIs.
#   create an RDS/HBase entry 2  read the groups (a write is conditional on what is there), write.
#   create EMR rules          2  read the cluster's group, authorize (one call for all ports).
#   create an endpoint        2  the create, then one poll that sees it active.
#   data source               1  one round of parallel reads (reachability: 2, its reads of the
#                                link's group depend on the targets' answers).
#   destroy a resource        1  the delete (a link / endpoint: 1 more poll that sees it gone).
#
# The chains (examples/lakehouse/main.tf):
#   plan in state: configure, then refresh every resource and data source in parallel; the
#     reachability data source reads after its depends_on resources refreshed: 1 (refresh) + 2 = 3,
#     the RDS/HBase/EMR checks of a plan with no change read nothing: 3.
#   fresh plan: the data sources that can be read (DataWorks: 1), the plan checks of the group,
#     link and endpoint (1): 2; the reachability data source waits for apply (its inputs unknown).
#   apply from nothing (plan walk + apply walk): plan 2; then group (2) → link (2 + 1 read) →
#     RDS/HBase/EMR (2, in parallel) → reachability (2) = 9: 11 in all.
#   destroy (refresh walk + destroy walk): refresh 3; EMR/RDS/HBase (1 after reading, 2) → link
#     (delete + poll: 2) → group (1) = 5: 8 in all.
FLOORS = {"fresh plan": 2, "apply from nothing": 11, "plan, all in state": 3, "destroy": 8}


def demo_workspace(emulator):
    d = tempfile.mkdtemp(prefix="bench-lakehouse-")
    os.makedirs(os.path.join(d, "module"))
    for name in os.listdir(os.path.join(ROOT, "examples", "lakehouse", "demo")):
        if name.endswith(".tf"):
            shutil.copy(os.path.join(ROOT, "examples", "lakehouse", "demo", name), d)
    for name in os.listdir(os.path.join(ROOT, "examples", "lakehouse")):
        if name.endswith(".tf"):
            shutil.copy(os.path.join(ROOT, "examples", "lakehouse", name), os.path.join(d, "module"))
    main = os.path.join(d, "main.tf")
    with open(main) as f:
        text = f.read().replace('source = "../"', 'source = "./module"')
    with open(main, "w") as f:
        f.write(text)
    with open(os.path.join(d, "terraform.tfvars"), "w") as f:
        f.write(f'endpoint = "{emulator.url}"\n')
    with open(os.path.join(d, "cli.tfrc"), "w") as f:
        f.write('provider_installation {\n  dev_overrides {\n    "lakehouse/maxcompute" = "%s"\n  }\n  direct {}\n}\n'
                % os.path.dirname(bench.OURS))
    return d


PHASES = [
    ("fresh plan", ["plan", "-input=false"]),
    ("apply from nothing", ["apply", "-auto-approve", "-input=false"]),
    ("plan, all in state", ["plan", "-input=false"]),
    ("destroy", ["destroy", "-auto-approve", "-input=false"]),
]


def phases(latency_ms):
    """Every phase once against a fresh emulator answering after `latency_ms`."""
    emulator = bench.Emulator()
    d = demo_workspace(emulator)
    bench.tf(d, "get")
    emulator.admin("PUT", "/_emulator/faults", {"latency_ms": latency_ms, "seed": 1})
    out = {}
    for name, args in PHASES:
        emulator.admin("DELETE", "/_emulator/calls")
        wall, p = bench.tf(d, *args)
        if p.returncode not in (0, 2):
            sys.exit(f"terraform {' '.join(args)} failed:\n{p.stdout[-3000:]}")
        calls = emulator.admin("GET", "/_emulator/calls")
        out[name] = {"wall": wall, "calls": calls["total"], "mutating": calls["mutating"],
                     "sequential": calls["sequential"], "critical_path": calls["critical_path"],
                     "by_action": calls["calls"]}
    emulator.stop()
    shutil.rmtree(d, ignore_errors=True)
    return out


def measure(latency_ms=100):
    fast, slow = phases(0), phases(latency_ms)
    rows = []
    for name, _ in PHASES:
        f, s = fast[name], slow[name]
        rows.append({
            "phase": name, "calls": s["calls"], "mutating": s["mutating"], "wall_0": f["wall"],
            "wall_latency": s["wall"], "estimated": (s["wall"] - f["wall"]) / (latency_ms / 1000.0),
            "sequential": s["sequential"], "floor": FLOORS[name], "critical_path": s["critical_path"],
            "by_action": s["by_action"],
        })
    return rows


def print_rows(rows, latency_ms=100):
    print(f"| lakehouse demo | calls (mutating) | wall at 0 ms | wall at {latency_ms} ms | (Δ wall) / {latency_ms} ms "
          f"| sequential round trips | floor | ratio to floor |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['phase']} | {r['calls']} ({r['mutating']}) | {r['wall_0']:.2f} s | {r['wall_latency']:.2f} s "
              f"| {r['estimated']:.1f} | {r['sequential']} | {r['floor']} | {r['sequential'] / r['floor']:.2f}x |")
    for r in rows:
        print(f"   {r['phase']}: critical path {' → '.join(r['critical_path'])}")


def main():
    if "--debug" in sys.argv:
        debug = os.path.join(os.path.dirname(bench.RELEASE), "debug")
        bench.OURS = os.path.join(debug, "terraform-provider-maxcompute")
        bench.EMULATOR = os.path.join(debug, "maxcompute-emulator")
    if "--terraform" in sys.argv:
        bench.TERRAFORM = sys.argv[sys.argv.index("--terraform") + 1]
    latency = int(sys.argv[sys.argv.index("--latency") + 1]) if "--latency" in sys.argv else 100
    print(f"== round trips, lakehouse demo, {bench.tf_version(bench.TERRAFORM)}")
    rows = measure(latency)
    print_rows(rows, latency)
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
