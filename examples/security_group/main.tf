# Step 2 of the "access VPC services" procedure: a basic security group for a MaxCompute network link, with the inbound
# allow-all rule from the CIDR block of the vSwitch that holds the target service.
#
# Against the local emulator (what `make demo` does):
#   terraform apply -var endpoint=http://127.0.0.1:PORT
# Against the real cloud: leave `endpoint` unset and set credentials in the environment
# (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET) and vpc_id / ingress_cidrs.

terraform {
  required_providers {
    maxcompute = {
      source  = "lakehouse/maxcompute"
      version = "~> 0.1"
    }
  }
}

variable "region" {
  type        = string
  default     = "cn-hangzhou"
  description = "Region of the VPC and the MaxCompute project."
}

variable "endpoint" {
  type        = string
  default     = null
  description = "Override of the ECS and VPC endpoints, e.g. the local emulator's address. Null means the real cloud."
}

variable "vpc_id" {
  type        = string
  default     = "vpc-emu0000000000000001" # the emulator's fixture VPC
  description = "The VPC that holds the services MaxCompute must reach."
}

variable "ingress_cidrs" {
  type        = list(string)
  default     = ["192.168.1.0/24"] # the emulator's fixture vSwitch in cn-hangzhou-h
  description = "CIDR blocks of the vSwitches (or VPC) that hold the target services."
}

provider "maxcompute" {
  region = var.region
  endpoints {
    ecs = var.endpoint
    vpc = var.endpoint
  }
}

resource "maxcompute_security_group" "link" {
  vpc_id        = var.vpc_id
  name          = "maxcompute-network-link"
  description   = "Basic group for the MaxCompute network link (return traffic)"
  ingress_cidrs = var.ingress_cidrs
}

# A module can check the type of any group, e.g. one passed in by a caller.
data "maxcompute_security_group" "link" {
  id = maxcompute_security_group.link.id
}

output "security_group_id" {
  value = maxcompute_security_group.link.id
}

output "security_group_type" {
  description = "normal = basic: MaxCompute's ENIs can reach the VPC through it."
  value       = data.maxcompute_security_group.link.type
}

output "ingress_cidrs" {
  value = maxcompute_security_group.link.ingress_cidrs
}
