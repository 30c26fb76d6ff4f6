resource "maxcompute_hbase_whitelist_attachment" "events" {
  cluster_id = "hb-emu0000000000000001"
  group_name = "maxcompute"
  cidrs      = ["192.168.1.0/24"] # the network link's vswitch_cidr
}
