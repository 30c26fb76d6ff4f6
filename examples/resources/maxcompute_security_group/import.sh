# A security group is imported by its ID. Only basic (normal) groups can be imported.
# (This ID is the first one the local emulator hands out, so the line runs as is against it.)
terraform import maxcompute_security_group.link sg-emu09e3779b97f4a7c1
