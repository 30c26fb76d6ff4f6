#!/usr/bin/env bash
# Runs a command (e.g. `make test`) with HOME set to a new empty directory and fails if the command
# left anything in it: the README's commands must touch nothing outside the clone (a provider copied
# into ~/.terraform.d/plugins, for one, changes what `terraform init` does in every project of the user).
#
#   scripts/home-untouched.sh make tools test
#
# Rust's own stores (CARGO_HOME, RUSTUP_HOME) stay where they are: they belong to the toolchain, and
# crates fetched into them are what any cargo build does.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
# Where pip itself may be installed (the user site) is read, not written.
PYTHONUSERBASE="${PYTHONUSERBASE:-$(python3 -m site --user-base)}"
export PYTHONUSERBASE
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
status=0
HOME="$home" "$@" || status=$?
left=$(cd "$home" && find . -mindepth 1 | sort)
if [ -n "$left" ]; then
  echo "FAILED: '$*' wrote into HOME (a fresh empty directory for this run):" >&2
  echo "$left" | head -50 >&2
  exit 1
fi
echo "HOME untouched by '$*'"
exit "$status"
