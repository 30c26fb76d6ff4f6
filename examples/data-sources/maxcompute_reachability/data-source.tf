# A network link and the RDS instance it was opened to.
resource "maxcompute_security_group" "link" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "maxcompute-reachability"
  ingress_cidrs = ["192.168.1.0/24"]
}

resource "maxcompute_network_link" "lakehouse" {
  name              = "reachability_link"
  vpc_id            = "vpc-emu0000000000000001"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = maxcompute_security_group.link.id
}

resource "maxcompute_rds_whitelist_attachment" "orders" {
  instance_id = "rm-emu0000000000000001"
  cidrs       = [maxcompute_network_link.lakehouse.vswitch_cidr]
}

# Will a job on the link reach the instance, and if not, which rule stops it?
data "maxcompute_reachability" "jobs" {
  vpc_id            = "vpc-emu0000000000000001"
  security_group_id = maxcompute_network_link.lakehouse.security_group_id
  rds_instance_ids  = [maxcompute_rds_whitelist_attachment.orders.instance_id]
  # Each unreachable target is also a warning of every plan (Terraform before 1.5 has no check {}).
  warn_unreachable = true
}

output "all_reachable" {
  value = data.maxcompute_reachability.jobs.all_reachable
}

output "reachability" {
  value = data.maxcompute_reachability.jobs.results
}
