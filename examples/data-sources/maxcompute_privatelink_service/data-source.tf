# MaxCompute's PrivateLink service in the provider's region, found by listing (never hard-coded).
data "maxcompute_privatelink_service" "mc" {}

output "privatelink_service" {
  value = {
    name    = data.maxcompute_privatelink_service.mc.service_name
    zones   = data.maxcompute_privatelink_service.mc.zones
    offered = data.maxcompute_privatelink_service.mc.offered # "direct", or "ticket"
  }
}
