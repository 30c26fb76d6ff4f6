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

output "sql_setting" {
  value = maxcompute_network_link.lakehouse.sql_setting # SET odps.session.networklink=lakehouse_link;
}
