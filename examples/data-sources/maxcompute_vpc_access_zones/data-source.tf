# The zones of the provider's region where a network link's vSwitch may be.
data "maxcompute_vpc_access_zones" "here" {}

# Or of another region.
data "maxcompute_vpc_access_zones" "singapore" {
  region = "ap-southeast-1"
}

output "zones" {
  value = data.maxcompute_vpc_access_zones.here.zone_ids
}
