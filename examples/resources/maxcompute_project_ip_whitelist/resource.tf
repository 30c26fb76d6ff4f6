resource "maxcompute_project_ip_whitelist" "lakehouse" {
  project     = "lakehouse_prod"
  ip_list     = ["203.0.113.10", "198.51.100.0/24"] # office egress, the BI tool
  vpc_ip_list = ["192.168.0.0/16"]                  # the VPC the jobs' clients run in
}
