# The whole "access VPC services" procedure for one lakehouse, as one module.
# Every mistake the console lets through — an advanced security group, a vSwitch in an unsupported
# zone or another VPC, a public CIDR, a missing ENI authorization — fails `terraform plan`.

# Step 2: a basic security group for MaxCompute's ENIs, admitting return traffic from the targets.
resource "maxcompute_security_group" "this" {
  count         = var.create_network_link ? 1 : 0
  vpc_id        = var.vpc_id
  name          = "maxcompute-${var.link_name}"
  description   = "MaxCompute network link ${var.link_name}: return traffic from the target services"
  ingress_cidrs = var.target_cidrs
}

# Steps 1 and 3: the network link (ENI authorization is checked at plan time).
resource "maxcompute_network_link" "this" {
  count             = var.create_network_link ? 1 : 0
  name              = var.link_name
  vpc_id            = var.vpc_id
  vswitch_id        = var.vswitch_id
  security_group_id = maxcompute_security_group.this[0].id
  description       = "Lakehouse access to ${var.vpc_id}"
}

# Or, where MaxCompute has no network-link API (today's real cloud): the link made in the console,
# read through ECS and VPC (its ENIs in the group, their vSwitch, MaxCompute's return groups).
data "maxcompute_vpc_access" "this" {
  count             = var.create_network_link ? 0 : 1
  vpc_id            = var.vpc_id
  security_group_id = var.link_security_group_id
  link_name         = var.link_name
}

# The link's facts, whichever way it was made.
locals {
  link_group_id  = var.create_network_link ? maxcompute_security_group.this[0].id : var.link_security_group_id
  vswitch_cidr   = try(maxcompute_network_link.this[0].vswitch_cidr, data.maxcompute_vpc_access.this[0].vswitch_cidr)
  sql_setting    = try(maxcompute_network_link.this[0].sql_setting, data.maxcompute_vpc_access.this[0].sql_setting)
  table_property = try(maxcompute_network_link.this[0].table_property, data.maxcompute_vpc_access.this[0].table_property)
  spark_conf     = try(maxcompute_network_link.this[0].spark_conf, data.maxcompute_vpc_access.this[0].spark_conf)
  eni_ips        = try(maxcompute_network_link.this[0].eni_ips, data.maxcompute_vpc_access.this[0].eni_ips)
  return_groups  = try(maxcompute_network_link.this[0].return_security_group_ids, data.maxcompute_vpc_access.this[0].return_security_group_ids)
}

# DataWorks resource groups that reach the same targets: their vSwitch CIDRs, read, not copied.
data "maxcompute_dataworks_resource_group" "this" {
  for_each = toset(var.dataworks_resource_group_ids)
  id       = each.value
}

locals {
  dataworks_cidrs = distinct(flatten([for g in data.maxcompute_dataworks_resource_group.this : g.cidrs]))
  # What RDS and HBase admit: the link's vSwitch and DataWorks' vSwitches, each once.
  whitelist_cidrs = distinct(concat([local.vswitch_cidr], local.dataworks_cidrs))
}

# Step 4: each target admits the link's vSwitch CIDR (never the ENI IPs, which can change)...
resource "maxcompute_rds_whitelist_attachment" "this" {
  for_each    = toset(var.rds_instance_ids)
  instance_id = each.value
  group_name  = var.whitelist_group_name
  cidrs       = local.whitelist_cidrs
}

resource "maxcompute_hbase_whitelist_attachment" "this" {
  for_each   = toset(var.hbase_cluster_ids)
  cluster_id = each.value
  group_name = var.whitelist_group_name
  cidrs      = local.whitelist_cidrs
}

# ...and EMR clusters admit the MaxCompute security group on the Hadoop ports.
resource "maxcompute_emr_whitelist_attachment" "this" {
  for_each                 = toset(var.emr_cluster_ids)
  cluster_id               = each.value
  source_security_group_id = local.link_group_id
  ports                    = var.emr_ports
}

# ...and, when DataWorks resource groups are given, admit their vSwitch CIDRs on the same ports.
resource "maxcompute_emr_whitelist_attachment" "dataworks" {
  for_each   = length(var.dataworks_resource_group_ids) > 0 ? toset(var.emr_cluster_ids) : toset([])
  cluster_id = each.value
  cidrs      = local.dataworks_cidrs
  ports      = var.emr_ports
}

# Will jobs on the link reach every target? Read after the targets are opened, from their rules.
data "maxcompute_reachability" "this" {
  vpc_id            = var.vpc_id
  security_group_id = local.link_group_id
  rds_instance_ids  = var.rds_instance_ids
  hbase_cluster_ids = var.hbase_cluster_ids
  emr_cluster_ids   = var.emr_cluster_ids
  emr_ports         = var.emr_ports
  # Every plan that reads the table warns about a target jobs would not reach (a rule added in
  # the console, a whitelist entry removed), on any Terraform version.
  warn_unreachable = true

  depends_on = [
    maxcompute_network_link.this,
    maxcompute_rds_whitelist_attachment.this,
    maxcompute_hbase_whitelist_attachment.this,
    maxcompute_emr_whitelist_attachment.this,
  ]
}

# Optional: clients in the VPC (and networks joined to it) reach MaxCompute itself privately,
# through a PrivateLink interface endpoint, never over the internet.
resource "maxcompute_security_group" "privatelink" {
  count         = length(var.privatelink_vswitch_ids) > 0 ? 1 : 0
  vpc_id        = var.vpc_id
  name          = "maxcompute-privatelink-${var.link_name}"
  description   = "MaxCompute PrivateLink endpoint: HTTP/HTTPS from the clients"
  ingress_cidrs = var.privatelink_client_cidrs
}

resource "maxcompute_privatelink_endpoint" "this" {
  count              = length(var.privatelink_vswitch_ids) > 0 ? 1 : 0
  name               = "maxcompute-${replace(var.link_name, "_", "-")}"
  description        = "MaxCompute for ${var.vpc_id}"
  vpc_id             = var.vpc_id
  vswitch_ids        = var.privatelink_vswitch_ids
  security_group_ids = [maxcompute_security_group.privatelink[0].id]
}
