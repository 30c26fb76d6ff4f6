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

# The floor: the fewest round trips each phase of the demo needs, and why. A round trip is one API
# request something else waits for; requests nothing waits on go in parallel, and one object is read
# once per run (the run's facts: a vSwitch, a VPC, an EMR cluster, a whitelist target). Terraform
# walks its graph: a resource's plan, refresh, create or delete starts when every node it depends on
# is done, so the floor is configure plus the longest chain of nodes, each at its own minimum:
#
#   configure                  1  the preflight (DescribeRegions: the credentials and the region,
#                                 proven once before anything; `skip_preflight` makes it 0).
#   refresh a resource         1  one read of the object (its parts read at once).
#   plan a create              1  the reads of every object the configuration names, at once (the
#                                 VPC, vSwitch, group, instance...); an EMR attachment 2: the
#                                 cluster names the group whose rules are checked.
#   re-plan at apply           1  terraform plans each create again in the apply walk, in a new
#                                 provider process, and hands that plan nothing of the first
#                                 (`PriorPrivate` is empty for a create): the checks read again.
#   create a security group    2  CreateSecurityGroup; AuthorizeSecurityGroup needs its ID (the
#                                 read-back goes alongside).
#   create a network link      2+ the create, then a look once it is AVAILABLE: it takes 1 s in
#                                 the emulator, the status waits look at 0.5 s and 1.25 s.
#   create an RDS/HBase group  3  the groups, read under the target's lock (the write must not
#                                 overwrite a group someone made); the write; the read-back.
#   data source                1  DataWorks: the group and its networks at once (their vSwitch is
#                                 read by the endpoint's check); reachability 2: the link, the
#                                 targets and their groups, then the groups named by the answers.
#   delete                     1  the write; 2 with the read under the lock (RDS/HBase/EMR); a
#                                 link also waits to see it gone (1+).
#
# The chains (examples/lakehouse/main.tf):
#   fresh plan          configure 1 + group check 1 + link check 1 + RDS check 1 = 4 (the
#                       DataWorks → EMR chain is as long: 1 + 1 + 1 + 1).
#   apply from nothing  the plan walk 4; then configure 1 + group (re-plan 1 + create 2) + link
#                       (re-plan 1 + create 1 + look 1) + RDS (re-plan 1 + create 3) + reachability
#                       2 = 13: 17 in all.
#   plan, all in state  configure 1 + group 1 + link 1 + RDS 1 + reachability 2 = 6.
#   destroy             the refresh walk 6; the destroy plan walk 1 (configure); the apply walk:
#                       configure 1 + RDS delete 2 + link delete (1 + look 1) + group delete 1 = 6:
#                       13 in all.
FLOORS = {"fresh plan": 4, "apply from nothing": 17, "plan, all in state": 6, "destroy": 13}


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
