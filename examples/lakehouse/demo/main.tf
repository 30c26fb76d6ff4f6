# The lakehouse module against the local emulator's fixtures (what `make demo` applies):
#   terraform apply -var endpoint=http://127.0.0.1:PORT
# Against the real cloud: leave `endpoint` unset, set credentials in the environment, and pass
# your own IDs to the module.

variable "endpoint" {
  type        = string
  default     = null
  description = "Override of every endpoint (the local emulator). Null means the real cloud."
}

provider "maxcompute" {
  region = "cn-hangzhou"
  endpoints {
    ecs         = var.endpoint
    vpc         = var.endpoint
    rds         = var.endpoint
    hbase       = var.endpoint
    emr         = var.endpoint
    maxcompute  = var.endpoint
    dataworks   = var.endpoint
    privatelink = var.endpoint
  }
}

module "lakehouse" {
  source = "../"

  vpc_id            = "vpc-emu0000000000000001"
  vswitch_id        = "vsw-emu0000000000000001" # cn-hangzhou-h, 192.168.1.0/24
  link_name         = "lakehouse_link"
  target_cidrs      = ["192.168.1.0/24"]
  rds_instance_ids  = ["rm-emu0000000000000001"]
  hbase_cluster_ids = ["hb-emu0000000000000001"]
  emr_cluster_ids   = ["c-emu0000000000000001"]

  # Data Integration's serverless resource group (vSwitch 192.168.2.0/24) reaches them too.
  dataworks_resource_group_ids = ["Serverless_res_group_emu_0001"]

  # Clients in the VPC reach MaxCompute itself through a PrivateLink endpoint in two zones.
  privatelink_vswitch_ids  = ["vsw-emu0000000000000001", "vsw-emu0000000000000002"]
  privatelink_client_cidrs = ["192.168.0.0/16"]
}

output "sql_setting" {
  value = module.lakehouse.sql_setting
}

output "table_property" {
  value = module.lakehouse.table_property
}

output "spark_conf" {
  value = module.lakehouse.spark_conf
}

output "vswitch_cidr" {
  value = module.lakehouse.vswitch_cidr
}

output "eni_ips" {
  value = module.lakehouse.eni_ips
}

output "dataworks_cidrs" {
  value = module.lakehouse.dataworks_cidrs
}

output "privatelink_endpoint" {
  value = module.lakehouse.privatelink_endpoint
}

output "reachability" {
  value = module.lakehouse.reachability
}
