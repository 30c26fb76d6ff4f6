#!/usr/bin/env bash
# make install: puts the provider into a filesystem mirror (unpacked layout), so that
#   required_providers { maxcompute = { source = "lakehouse/maxcompute", version = "~> 0.1" } }
# installs with a plain `terraform init` (writing a lock file), next to providers from the registry.
#
#   scripts/install.sh [--binary PATH] [--dir MIRROR]
#
# Default binary: target/release/terraform-provider-maxcompute. Default mirror: ~/.terraform.d/plugins,
# a directory terraform searches on its own (no CLI configuration needed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary="${CARGO_TARGET_DIR:-$root/target}/release/terraform-provider-maxcompute"
dir="${HOME}/.terraform.d/plugins"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--dir MIRROR]" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "no provider binary at $binary (run make release)" >&2; exit 1; }
version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)
os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
# The address users write (`lakehouse/maxcompute`) is short for registry.terraform.io/lakehouse/maxcompute.
target="$dir/registry.terraform.io/lakehouse/maxcompute/$version/${os}_$arch"
mkdir -p "$target"
install -m 0755 "$binary" "$target/terraform-provider-maxcompute_v$version"
echo "installed lakehouse/maxcompute $version (${os}_$arch) into $dir"
