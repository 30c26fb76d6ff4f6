variable "vpc_id" {
  type        = string
  description = "The VPC that holds the target services (RDS, HBase, EMR)."
}

variable "vswitch_id" {
  type        = string
  description = "The vSwitch for MaxCompute's ENIs, in a zone that supports VPC access (data source maxcompute_vpc_access_zones)."
}

variable "link_name" {
  type        = string
  default     = "lakehouse_link"
  description = "Name of the network link (3-64 characters: letters, digits, _). Jobs refer to it by this name."
}

variable "target_cidrs" {
  type        = list(string)
  default     = []
  description = "CIDR blocks of the vSwitches that hold the target services: the MaxCompute group admits return traffic from them (step 2 of the procedure). Needed when the module makes the group (create_network_link = true)."
}

variable "rds_instance_ids" {
  type        = list(string)
  default     = []
  description = "RDS instances to open to MaxCompute (one owned whitelist group each)."
}

variable "hbase_cluster_ids" {
  type        = list(string)
  default     = []
  description = "HBase clusters to open to MaxCompute (one owned whitelist group each)."
}

variable "emr_cluster_ids" {
  type        = list(string)
  default     = []
  description = "EMR (Hadoop) clusters to open to MaxCompute (rules on the cluster's node group)."
}

variable "emr_ports" {
  type        = list(number)
  default     = [9083, 8020, 50010]
  description = "Ports opened on EMR clusters: Hive Metastore, HDFS NameNode, HDFS DataNode (9866 on Hadoop 3)."
}

variable "whitelist_group_name" {
  type        = string
  default     = "maxcompute"
  description = "Name of the whitelist group owned on each RDS instance and HBase cluster."
}

variable "dataworks_resource_group_ids" {
  type        = list(string)
  default     = []
  description = "DataWorks resource groups (Data Integration, Data Service) that reach the same targets: every target also admits their vSwitch CIDRs (data source maxcompute_dataworks_resource_group)."
}

variable "create_network_link" {
  type        = bool
  default     = true
  description = "false: the network link was made in the MaxCompute console (MaxCompute's API has no network-link operations yet); the module makes no group and no link, reads the link's footprint from link_security_group_id (data source maxcompute_vpc_access) and opens the targets to it."
}

variable "link_security_group_id" {
  type        = string
  default     = null
  description = "With create_network_link = false: the basic security group the console-made link's ENIs are in."
}

variable "privatelink_vswitch_ids" {
  type        = list(string)
  default     = []
  description = "vSwitches (one per zone, two or more zones for failover) for a PrivateLink endpoint to MaxCompute: clients in the VPC then reach MaxCompute privately. Empty: no endpoint."
}

variable "privatelink_client_cidrs" {
  type        = list(string)
  default     = []
  description = "With privatelink_vswitch_ids: the CIDR blocks of the clients that use the endpoint (their group admits them)."
}
