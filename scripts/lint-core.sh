#!/usr/bin/env bash
# The resource core's guarantee, checked: only the adapters in src/framework/ implement the
# plugin's Resource and DataSource traits, and resource code never touches diagnostics itself.
# Failures there are values (Problem / Failed) that the adapter turns into diagnostics, so no
# operation can end without one (framework::resource::guard covers the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
if grep -rnE 'impl(<[^>]*>)? +(tf_provider::)?(Resource|DataSource) +for' src --include=*.rs \
  | grep -v '^src/framework/'; then
  echo "lint-core: the plugin traits are implemented outside src/framework/" \
    "(use ManagedResource / LookupSource)" >&2
  bad=1
fi
if grep -rnE 'Diagnostics|diags\.' src/resources src/data_sources; then
  echo "lint-core: resources and data sources report problems as values," \
    "not through Diagnostics" >&2
  bad=1
fi
# A resource is its attribute list, its cloud calls and its checks: no function there grows past
# 80 lines (the plumbing that would make it longer belongs in src/framework/).
# Modules split into directories are checked too; their tests.rs files are tests, not resources.
long=$(for f in $(find src/resources src/data_sources -name '*.rs' ! -name tests.rs | sort); do
  awk -v F="$f" '
    /^ *(pub(\([a-z]+\))? )?(async )?fn / {
      name=$0; start=NR; indent=match($0,/[^ ]/)-1; close_line=sprintf("%*s}", indent, "")
    }
    name!="" && $0==close_line {
      if (NR-start+1 > 80) printf "%s:%d: %d lines:%s\n", F, start, NR-start+1, name
      name=""
    }
  ' "$f"
done)
if [ -n "$long" ]; then
  echo "$long"
  echo "lint-core: functions in resources / data sources over 80 lines; split them" >&2
  bad=1
fi
exit $bad
