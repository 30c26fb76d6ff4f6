# MaxCompute's API has no network-link operations yet: the link is made in the MaxCompute console
# (Manage Configurations > Network Connection) with a basic security group of yours. So this runs
# twice: first as is (the group is made; nothing is whitelisted yet), then, once the link is made
# in the console with that group, with `-var link_made=true`.
variable "link_made" {
  type        = bool
  default     = false
  description = "Whether the network link has been made in the console with the group below."
}

# The basic group for the link's ENIs: choose it when making the link in the console.
resource "maxcompute_security_group" "link" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "maxcompute-console-link"
  ingress_cidrs = ["192.168.1.0/24"]
}

# What MaxCompute placed in the VPC for that link, read through ECS and VPC. Before the link is
# made, the plan warns that the group holds no MaxCompute ENI and `ready` is false.
data "maxcompute_vpc_access" "link" {
  vpc_id            = "vpc-emu0000000000000001"
  security_group_id = maxcompute_security_group.link.id
  link_name         = "lakehouse_link"
}

# While the link's ENIs are there (`ready`): its vSwitch whitelisted on an RDS instance.
# `link_made` keeps the first run, when the group does not exist yet, from asking.
resource "maxcompute_rds_whitelist_attachment" "orders" {
  count       = var.link_made ? (data.maxcompute_vpc_access.link.ready ? 1 : 0) : 0
  instance_id = "rm-emu0000000000000001"
  cidrs       = [data.maxcompute_vpc_access.link.vswitch_cidr]
}

output "vswitch_cidr" {
  value = data.maxcompute_vpc_access.link.vswitch_cidr # what target services whitelist
}

output "ready" {
  value = data.maxcompute_vpc_access.link.ready
}
