# The "access VPC services" procedure, steps 1-3 and 5 in one plan: a basic security group with the inbound rule from the
# target service's vSwitch CIDR, a MaxCompute network link on it, and the settings jobs need.
#
# Against the local emulator (what `make demo` does):
#   terraform apply -var endpoint=http://127.0.0.1:PORT
# Against the real cloud: leave `endpoint` unset, set credentials in the environment and the IDs.

terraform {
  required_providers {
    maxcompute = {
      source  = "lakehouse/maxcompute"
      version = "~> 0.1"
    }
  }
}

variable "region" {
  type    = string
  default = "cn-hangzhou"
}

variable "endpoint" {
  type        = string
  default     = null
  description = "Override of every endpoint, e.g. the local emulator's address. Null means the real cloud."
}

variable "vpc_id" {
  type    = string
  default = "vpc-emu0000000000000001" # the emulator's fixture VPC
}

variable "vswitch_id" {
  type        = string
  default     = "vsw-emu0000000000000001" # fixture vSwitch in cn-hangzhou-h, 192.168.1.0/24
  description = "The vSwitch for MaxCompute's ENIs; it must be in a supported zone (see maxcompute_vpc_access_zones)."
}

variable "target_cidrs" {
  type        = list(string)
  default     = ["192.168.1.0/24"]
  description = "CIDR blocks of the vSwitches that hold the target services (RDS, HBase, EMR)."
}

provider "maxcompute" {
  region = var.region
  endpoints {
    ecs        = var.endpoint
    vpc        = var.endpoint
    maxcompute = var.endpoint
  }
}

# Step 2: a basic group (an advanced one would deny all outbound traffic).
resource "maxcompute_security_group" "link" {
  vpc_id        = var.vpc_id
  name          = "maxcompute-network-link"
  description   = "Basic group for the MaxCompute network link (return traffic)"
  ingress_cidrs = var.target_cidrs
}

# Steps 1 and 3: the link. `plan` fails here if the group is advanced, the vSwitch is in another
# VPC or an unsupported zone, or MaxCompute is not authorized to create ENIs.
resource "maxcompute_network_link" "lakehouse" {
  name              = "lakehouse_link"
  vpc_id            = var.vpc_id
  vswitch_id        = var.vswitch_id
  security_group_id = maxcompute_security_group.link.id
  description       = "MaxCompute to the lakehouse VPC"

  timeouts {
    create = "20m"
  }
}

# Step 5: what jobs put in their settings.
output "sql_setting" {
  value = maxcompute_network_link.lakehouse.sql_setting
}

output "table_property" {
  value = maxcompute_network_link.lakehouse.table_property
}

output "spark_conf" {
  value = maxcompute_network_link.lakehouse.spark_conf
}

# Whitelist this on RDS / HBase / EMR, never the ENI IPs (they can change).
output "vswitch_cidr" {
  value = maxcompute_network_link.lakehouse.vswitch_cidr
}

output "eni_ips" {
  value = maxcompute_network_link.lakehouse.eni_ips
}
