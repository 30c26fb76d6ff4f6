#!/usr/bin/env bash
# make demo: the whole "access VPC services" procedure against the local emulator.
# Starts the emulator, applies examples/lakehouse (basic security group, network link, RDS / HBase
# / EMR access, a DataWorks resource group opened too, a PrivateLink endpoint to MaxCompute), shows the plan summary and the outputs jobs need, shows that a second plan is
# empty, destroys everything and stops the emulator. No cloud account, no flags.
# Work happens in .demo/ (git-ignored), removed on success and kept for inspection on failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/.demo"
tf="$root/.tools/terraform"
bin="${CARGO_TARGET_DIR:-$root/target}/debug"
rm -rf "$demo" && mkdir -p "$demo/work/module"

emulator_pid=""
ok=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  if [ -n "$ok" ]; then rm -rf "$demo"; fi
}
failed() {
  echo
  echo "demo FAILED. Where to look:"
  echo "  emulator log:        .demo/emulator.log"
  echo "  terraform log:       .demo/terraform.log (TF_LOG=DEBUG, provider lines included)"
  echo "  working directory:   .demo/work (run terraform there with TF_CLI_CONFIG_FILE=.demo/cli.tfrc)"
}
trap cleanup EXIT
trap failed ERR

"$bin/maxcompute-emulator" --port 0 >"$demo/emulator.log" 2>&1 &
emulator_pid=$!
# Up to 60 s: on a loaded machine the emulator may take a while to print its address.
for _ in $(seq 600); do grep -q "listening on" "$demo/emulator.log" 2>/dev/null && break; sleep 0.1; done
endpoint=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$demo/emulator.log")
[ -n "$endpoint" ] || { echo "the emulator did not start"; false; }
echo "==> emulator listening on $endpoint (fixtures: a VPC, vSwitches, an RDS instance, an HBase cluster, an EMR cluster)"

cp "$root"/examples/lakehouse/demo/*.tf "$demo/work/"
cp "$root"/examples/lakehouse/*.tf "$demo/work/module/"
sed -i 's|source = "../"|source = "./module"|' "$demo/work/main.tf"
cat >"$demo/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "lakehouse/maxcompute" = "$bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$demo/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
export TF_LOG=DEBUG TF_LOG_PATH="$demo/terraform.log"
# The emulator's fixture credentials (not secrets: they exist only inside the emulator).
export ALIBABA_CLOUD_ACCESS_KEY_ID=emulator-access-key ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-secret-key
cd "$demo/work"
"$tf" get -no-color >/dev/null

echo
echo "==> terraform plan (examples/lakehouse)"
"$tf" plan -no-color -var "endpoint=$endpoint" -out="$demo/plan.bin" | grep -E "^  # |^Plan:"
echo
echo "==> terraform apply"
"$tf" apply -no-color -auto-approve "$demo/plan.bin" | grep -E "Creation complete|^Apply complete"
echo
echo "==> outputs: what MaxCompute jobs put in their settings"
"$tf" output -no-color
echo
echo "==> second plan (must be empty)"
set +e
"$tf" plan -detailed-exitcode -no-color -var "endpoint=$endpoint" >"$demo/plan2.txt"
code=$?
set -e
if [ "$code" -ne 0 ]; then cat "$demo/plan2.txt"; echo "the second plan is not empty"; false; fi
grep "No changes" "$demo/plan2.txt"
echo
echo "==> terraform destroy"
"$tf" destroy -auto-approve -no-color -var "endpoint=$endpoint" | grep -E "^Destroy complete"
ok=1
echo
echo "demo OK: group, network link, RDS / HBase / EMR access (also for a DataWorks resource group) and a PrivateLink endpoint created from one plan, second plan empty, all destroyed."
