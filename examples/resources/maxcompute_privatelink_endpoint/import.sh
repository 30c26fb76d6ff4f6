# <endpoint ID>: the endpoint, its vSwitches and security groups are read back. Fixed ENI
# addresses (`fixed_ips`) cannot be told from chosen ones: the first apply after the import records
# the ones the configuration sets, without touching the endpoint.
terraform import maxcompute_privatelink_endpoint.mc ep-emu0daa66d2c7ddf743
