# Clients in the VPC reach MaxCompute privately: one ENI per zone, HTTP/HTTPS admitted from the VPC.
resource "maxcompute_security_group" "clients" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "maxcompute-endpoint"
  ingress_cidrs = ["192.168.0.0/16"] # the VPC's clients
}

resource "maxcompute_privatelink_endpoint" "mc" {
  name               = "maxcompute"
  vpc_id             = "vpc-emu0000000000000001"
  vswitch_ids        = ["vsw-emu0000000000000001", "vsw-emu0000000000000002"] # two zones: failover
  security_group_ids = [maxcompute_security_group.clients.id]
}

output "maxcompute_endpoint" {
  value = maxcompute_privatelink_endpoint.mc.maxcompute_endpoint
}
