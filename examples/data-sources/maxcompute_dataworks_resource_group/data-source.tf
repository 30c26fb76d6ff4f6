# The network footprint of a DataWorks resource group (Data Integration, Data Service).
data "maxcompute_dataworks_resource_group" "di" {
  id = "Serverless_res_group_emu_0001"
}

# Open an RDS instance to it by its vSwitch CIDRs, never a hand-copied IP.
resource "maxcompute_rds_whitelist_attachment" "dataworks" {
  instance_id = "rm-emu0000000000000001"
  group_name  = "dataworks"
  cidrs       = data.maxcompute_dataworks_resource_group.di.cidrs
}

output "dataworks_cidrs" {
  value = data.maxcompute_dataworks_resource_group.di.cidrs
}
