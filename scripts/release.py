#!/usr/bin/env python3
"""make release: registry-layout artifacts for this platform in dist/, as a provider registry, a
packed filesystem mirror or a network mirror serves them:

  terraform-provider-maxcompute_<v>_<os>_<arch>.zip   (holding terraform-provider-maxcompute_v<v>)
  terraform-provider-maxcompute_<v>_manifest.json     ({"version":1,"metadata":{"protocol_versions":["6.0"]}})
  terraform-provider-maxcompute_<v>_SHA256SUMS        (both files above)

Usage: scripts/release.py [--binary PATH] [--dist DIR]. No signature: SHA256SUMS.sig needs the
project's GPG key, which a release workflow holds, not this script.
"""

import argparse
import hashlib
import json
import os
import pathlib
import platform
import re
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAME = "terraform-provider-maxcompute"


def version():
    text = (ROOT / "Cargo.toml").read_text()
    package = text[text.index("[package]"):]
    return re.search(r'^version = "([^"]+)"', package, re.M).group(1)


def os_arch():
    machine = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine().lower()]
    return f"{platform.system().lower()}_{machine}"


def main():
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    parser = argparse.ArgumentParser()
    exe = ".exe" if platform.system() == "Windows" else ""
    parser.add_argument("--binary", default=os.path.join(target, "release", NAME + exe))
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    args = parser.parse_args()
    v, platform_ = version(), os_arch()
    dist = pathlib.Path(args.dist)
    dist.mkdir(parents=True, exist_ok=True)
    archive = dist / f"{NAME}_{v}_{platform_}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(f"{NAME}_v{v}{exe}", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o755 << 16  # executable once unpacked
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, pathlib.Path(args.binary).read_bytes())
    manifest = dist / f"{NAME}_{v}_manifest.json"
    manifest.write_text(json.dumps({"version": 1, "metadata": {"protocol_versions": ["6.0"]}}, indent=2) + "\n")
    sums = dist / f"{NAME}_{v}_SHA256SUMS"
    sums.write_text("".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted([archive, manifest])
    ))
    print(f"{archive}\n{manifest}\n{sums}")


if __name__ == "__main__":
    main()
