# By ID:
data "maxcompute_security_group" "by_id" {
  id = "sg-emuenterprise00000001"
}

# By exact name within a VPC:
data "maxcompute_security_group" "by_name" {
  name   = "advanced-group"
  vpc_id = "vpc-emu0000000000000001"
}

output "is_basic" {
  value = data.maxcompute_security_group.by_id.type == "normal"
}
