# <cluster_id>:<source_security_group_id>, or <cluster_id>:<cidr>,<cidr>
terraform import maxcompute_emr_whitelist_attachment.hadoop c-emu0000000000000001:sg-emu09e3779b97f4a7c1
