#!/usr/bin/env bash
# The resource core's guarantee, checked: only the adapters in src/framework/ implement the
# plugin's Resource and DataSource traits, and resource code never touches diagnostics itself.
# Failures there are values (Problem / Failed) that the adapter turns into diagnostics, so no
# operation can end without one (framework::resource::guard covers the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
if grep -rnE 'impl(<[^>]*>)? +(tf_provider::)?(Resource|DataSource) +for' src --include=*.rs | grep -v '^src/framework/'; then
  echo "lint-core: the plugin traits are implemented outside src/framework/ (use ManagedResource / LookupSource)" >&2
  bad=1
fi
if grep -rnE 'Diagnostics|diags\.' src/resources src/data_sources; then
  echo "lint-core: resources and data sources report problems as values, not through Diagnostics" >&2
  bad=1
fi
exit $bad
