#!/usr/bin/env bash
# make demo: the emulator, examples/network_link applied (a basic group and a network link), the
# job settings it outputs, an empty second plan,
# destroy, and the emulator stopped. No cloud account, no flags. Everything lives in .demo/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/.demo"
tf="$root/.tools/terraform"
bin="${CARGO_TARGET_DIR:-$root/target}/debug"
rm -rf "$demo" && mkdir -p "$demo/work"

emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
}
failed() {
  echo
  echo "demo FAILED. Where to look:"
  echo "  emulator log:        $demo/emulator.log"
  echo "  terraform log:       $demo/terraform.log (TF_LOG=DEBUG)"
  echo "  working directory:   $demo/work"
}
trap cleanup EXIT
trap failed ERR

"$bin/maxcompute-emulator" --port 0 >"$demo/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 50); do grep -q "listening on" "$demo/emulator.log" 2>/dev/null && break; sleep 0.1; done
endpoint=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$demo/emulator.log")
[ -n "$endpoint" ] || { echo "the emulator did not start"; false; }
echo "==> emulator listening on $endpoint"

cp "$root/examples/network_link/main.tf" "$demo/work/"
cat >"$demo/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "local/lakehouse/maxcompute" = "$bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$demo/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export TF_LOG=DEBUG TF_LOG_PATH="$demo/terraform.log"
# The emulator's fixture credentials (not secrets: they exist only inside the emulator).
export ALIBABA_CLOUD_ACCESS_KEY_ID=emulator-access-key ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-secret-key
cd "$demo/work"

echo "==> terraform apply (examples/network_link: basic security group + network link)"
"$tf" apply -auto-approve -input=false -no-color -var "endpoint=$endpoint" | grep -E "^(maxcompute_|data\.|Plan:|Apply complete)"
echo
echo "==> outputs: what MaxCompute jobs put in their settings"
"$tf" output -no-color
echo
echo "==> second plan (must be empty)"
set +e
"$tf" plan -detailed-exitcode -input=false -no-color -var "endpoint=$endpoint" >"$demo/plan2.txt"
code=$?
set -e
if [ "$code" -ne 0 ]; then cat "$demo/plan2.txt"; echo "the second plan is not empty"; false; fi
grep "No changes" "$demo/plan2.txt"
echo
echo "==> terraform destroy"
"$tf" destroy -auto-approve -input=false -no-color -var "endpoint=$endpoint" | grep -E "Destroy complete"
echo
echo "demo OK: basic group and network link created, second plan empty, destroyed. Logs in .demo/"
