# Step 5: what jobs put in their settings.
output "sql_setting" {
  description = "For SQL and UDF jobs: SET odps.session.networklink=<name>;"
  value       = local.sql_setting
}

output "table_property" {
  description = "For foreign tables: TBLPROPERTIES(<this>)."
  value       = local.table_property
}

output "spark_conf" {
  description = "For Spark jobs."
  value       = local.spark_conf
}

output "network_link_name" {
  value = var.link_name
}

output "vswitch_cidr" {
  description = "The CIDR whitelisted on the targets."
  value       = local.vswitch_cidr
}

output "eni_ips" {
  description = "MaxCompute's ENI addresses (informational: they can change; whitelist vswitch_cidr)."
  value       = local.eni_ips
}

output "security_group_id" {
  description = "The basic group of the link's ENIs."
  value       = local.link_group_id
}

output "return_security_group_ids" {
  description = "The groups MaxCompute created for return traffic. Never modify or reuse them."
  value       = local.return_groups
}

output "dataworks_cidrs" {
  description = "The vSwitch CIDRs of the given DataWorks resource groups, admitted on every target."
  value       = local.dataworks_cidrs
}

output "reachability" {
  description = "Per target (and EMR port): reachable or not, and the rule or whitelist that decided."
  value       = data.maxcompute_reachability.this.results
}

output "all_reachable" {
  description = "Whether jobs on the link reach every target."
  value       = data.maxcompute_reachability.this.all_reachable
}

output "privatelink_endpoint" {
  description = "With privatelink_vswitch_ids: the MaxCompute endpoint URL for clients in the VPC (provisional form, see the resource's docs); null without an endpoint."
  value       = try(maxcompute_privatelink_endpoint.this[0].maxcompute_endpoint, null)
}

output "privatelink_endpoint_domain" {
  description = "With privatelink_vswitch_ids: the endpoint's domain name (all zones, with failover)."
  value       = try(maxcompute_privatelink_endpoint.this[0].endpoint_domain, null)
}
