resource "maxcompute_security_group" "link" {
  vpc_id        = "vpc-emu0000000000000001"
  name          = "maxcompute-network-link"
  description   = "Basic group for the MaxCompute network link (return traffic)"
  ingress_cidrs = ["192.168.1.0/24"] # the CIDR of the target service's vSwitch
}
