#!/usr/bin/env python3
"""Writes conformance/samples/<Action>.json: for every action the provider calls, a response body
with every field the official SDK model has, built by the official model classes themselves
(`<Action>ResponseBody(...).to_map()`), so the field names, nesting and JSON types are the SDK's,
not ours. The Rust tests then check that the client parses each sample and that the emulator's
answers use only fields the model has, nested and typed as the model does.

Usage: conformance/generate.py [--check]   (--check: fail if a committed sample differs)
Needs network access to the package registry (pip download); installs into .tools/conformance/.
"""

import importlib
import inspect
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIB = ROOT / ".tools" / "conformance"
OUT = ROOT / "conformance" / "samples"

# The official Tea SDK model packages (see the reference's table of official response shapes).
PACKAGES = {
    "alibabacloud_ecs20140526": "7.11.8",
    "alibabacloud_vpc20160428": "7.2.2",
    "alibabacloud_rds20140815": "16.0.2",
    "alibabacloud_hbase20190101": "2.10.5",
    "alibabacloud_emr20210320": "3.4.0",
    "alibabacloud_maxcompute20220104": "7.2.0",
    "alibabacloud_dataworks_public20240518": "9.11.0",
    "alibabacloud_privatelink20200415": "4.0.9",
    "alibabacloud_sts20150401": "1.2.0",
}

# Every action the provider's client calls on a published API, by package.
ACTIONS = {
    "alibabacloud_ecs20140526": [
        "DescribeRegions", "CreateSecurityGroup", "DescribeSecurityGroups",
        "DescribeSecurityGroupAttribute", "AuthorizeSecurityGroup", "RevokeSecurityGroup",
        "ModifySecurityGroupAttribute", "DeleteSecurityGroup", "DescribeNetworkInterfaces",
        "DescribePrefixListAttributes", "DescribePortRangeListEntries",
    ],
    "alibabacloud_vpc20160428": ["DescribeVpcs", "DescribeVSwitches"],
    "alibabacloud_rds20140815": ["DescribeDBInstanceIPArrayList", "ModifySecurityIps", "DescribeDBInstanceAttribute", "DescribeDBInstanceNetInfo", "DescribeDBInstances"],
    "alibabacloud_hbase20190101": ["DescribeIpWhitelist", "ModifyIpWhitelist", "DescribeInstance", "DescribeInstances"],
    "alibabacloud_emr20210320": ["GetCluster", "ListNodes", "ListNodeGroups", "ListClusters"],
    "alibabacloud_maxcompute20220104": ["GetProject", "UpdateProjectIpWhiteList"],
    "alibabacloud_dataworks_public20240518": ["GetResourceGroup", "ListNetworks"],
    "alibabacloud_privatelink20200415": [
        "ListVpcEndpointServicesByEndUser", "CreateVpcEndpoint", "GetVpcEndpointAttribute",
        "ListVpcEndpointZones", "ListVpcEndpointSecurityGroups", "DeleteVpcEndpoint",
        "AddZoneToVpcEndpoint", "RemoveZoneFromVpcEndpoint", "AttachSecurityGroupToVpcEndpoint",
        "DetachSecurityGroupFromVpcEndpoint", "UpdateVpcEndpointAttribute", "ListVpcEndpoints",
    ],
    "alibabacloud_sts20150401": ["AssumeRole", "AssumeRoleWithOIDC", "GetCallerIdentity"],
}

PRIMITIVES = {"str": "text", "int": 1, "float": 1.5, "bool": True, "Any": "any"}


def install():
    if all((LIB / p).exists() for p in PACKAGES):
        return
    pins = [f"{p}=={v}" for p, v in PACKAGES.items()]
    # The models need darabonba-core only; --no-deps keeps each SDK's HTTP stack out.
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(LIB),
                           "--no-deps", *pins])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(LIB),
                           "darabonba-core"])


def value_for(annotation, models, depth):
    a = str(annotation).strip()
    if a in PRIMITIVES:
        return PRIMITIVES[a]
    if a.startswith("List[") and a.endswith("]"):
        return [value_for(a[5:-1], models, depth)]
    if a.startswith("Dict["):
        return {"key": "value"}
    if a.startswith("main_models."):
        return build(getattr(models, a.split(".", 1)[1]), models, depth + 1)
    raise SystemExit(f"unknown annotation {a!r}")


def build(cls, models, depth=0):
    """An instance of a model with every field set (nested models too, to a sane depth)."""
    if depth > 8:
        return None
    kwargs = {}
    for name, p in inspect.signature(cls.__init__).parameters.items():
        if name == "self":
            continue
        kwargs[name] = value_for(p.annotation, models, depth)
    return cls(**kwargs)


def samples():
    sys.path.insert(0, str(LIB))
    for package, actions in ACTIONS.items():
        models = importlib.import_module(f"{package}.models")
        for action in actions:
            body = build(getattr(models, f"{action}ResponseBody"), models).to_map()
            yield action, {
                "source": f"{package} {PACKAGES[package]}, {action}ResponseBody (to_map of a fully populated model)",
                "response": body,
            }


def main():
    check = "--check" in sys.argv[1:]
    install()
    OUT.mkdir(parents=True, exist_ok=True)
    stale = []
    for action, sample in samples():
        path = OUT / f"{action}.json"
        text = json.dumps(sample, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        raise SystemExit(f"samples differ from the official models: {', '.join(stale)}; run conformance/generate.py")
    print("conformance samples " + ("match the official models" if check else f"written to {OUT}"))


if __name__ == "__main__":
    main()
