resource "maxcompute_rds_whitelist_attachment" "orders_db" {
  instance_id = "rm-emu0000000000000001"
  group_name  = "maxcompute"       # the only group this resource touches
  cidrs       = ["192.168.1.0/24"] # the network link's vswitch_cidr, never its ENI IPs
}
