# A CI job with no AccessKey anywhere: the job's OIDC token is exchanged for temporary credentials
# (STS AssumeRoleWithOIDC). Credentials come from ALIBABA_CLOUD_ROLE_ARN,
# ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE (see workflow.yml).
#
# Against the local emulator: terraform apply -var endpoint=http://127.0.0.1:PORT, with the
# variables pointing at its `ci-deployer` role and `ci` OIDC provider (README.md).

terraform {
  required_providers {
    maxcompute = {
      source  = "lakehouse/maxcompute"
      version = "~> 0.1"
    }
  }
}

variable "endpoint" {
  type        = string
  default     = null
  description = "Override of every endpoint (STS included), e.g. the local emulator's address. Null means the real cloud."
}

provider "maxcompute" {
  region   = "cn-hangzhou"
  endpoint = var.endpoint
}

# Fail the run early if the job is not running as the role it should.
data "maxcompute_caller_identity" "job" {}

output "running_as" {
  value = data.maxcompute_caller_identity.job.arn
}
