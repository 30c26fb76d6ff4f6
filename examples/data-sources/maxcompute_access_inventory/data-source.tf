# What already grants the link's vSwitch block (and a DataWorks resource group's) access, on the
# targets of this stack, and the PrivateLink endpoints of the link's VPC.
data "maxcompute_access_inventory" "link" {
  cidrs                        = ["192.168.1.0/24"] # e.g. data.maxcompute_vpc_access.x.vswitch_cidrs
  vpc_id                       = "vpc-emu0000000000000001"
  rds_instance_ids             = ["rm-emu0000000000000001"]
  hbase_cluster_ids            = ["hb-emu0000000000000001"]
  emr_cluster_ids              = ["c-emu0000000000000001"]
  projects                     = ["lakehouse_prod"]
  dataworks_resource_group_ids = ["Serverless_res_group_emu_0001"]
}

output "cannot_be_adopted_as_is" {
  value = [for g in data.maxcompute_access_inventory.link.grants : "${g.key}: ${g.reason}" if !g.importable]
}
