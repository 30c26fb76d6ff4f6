resource "maxcompute_security_group" "link" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "maxcompute-network-link"
  ingress_cidrs = ["192.168.1.0/24"]
}

resource "maxcompute_network_link" "lakehouse" {
  name              = "lakehouse_link"
  vpc_id            = "vpc-emu0000000000000001"
  vswitch_id        = "vsw-emu0000000000000001"
  security_group_id = maxcompute_security_group.link.id
}

# Elsewhere (another stack, a job template): read the link by name.
data "maxcompute_network_link" "lakehouse" {
  name = maxcompute_network_link.lakehouse.name
}

output "spark_conf" {
  value = data.maxcompute_network_link.lakehouse.spark_conf
}
