# A security group is imported by its ID. Only basic (normal) groups can be imported.
terraform import maxcompute_security_group.link sg-bp1example0000000000
