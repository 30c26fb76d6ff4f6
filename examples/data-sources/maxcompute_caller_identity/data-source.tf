# Which identity does this run use? (An assumed role shows as `assumed-role/<role>/<session>`.)
data "maxcompute_caller_identity" "me" {}

output "running_as" {
  value = data.maxcompute_caller_identity.me.arn
}
