# The basic group for the link's ENIs, made here; the link itself made in the MaxCompute console
# with this group (MaxCompute's API has no network-link operations yet).
resource "maxcompute_security_group" "link" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "maxcompute-console-link"
  ingress_cidrs = ["192.168.1.0/24"]
}

# What MaxCompute placed in the VPC for that link, read through ECS and VPC.
data "maxcompute_vpc_access" "link" {
  vpc_id            = "vpc-emu0000000000000001"
  security_group_id = maxcompute_security_group.link.id
  link_name         = "lakehouse_link"
}

output "vswitch_cidr" {
  value = data.maxcompute_vpc_access.link.vswitch_cidr # what target services whitelist
}

output "ready" {
  value = data.maxcompute_vpc_access.link.ready
}
