resource "maxcompute_security_group" "link" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "maxcompute-network-link"
  ingress_cidrs = ["192.168.1.0/24"]
}

# Hive Metastore 9083, HDFS NameNode 8020 and DataNode 50010, from the MaxCompute group.
resource "maxcompute_emr_whitelist_attachment" "hadoop" {
  cluster_id               = "c-emu0000000000000001"
  source_security_group_id = maxcompute_security_group.link.id
}
