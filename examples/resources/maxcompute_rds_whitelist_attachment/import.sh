# <instance_id>:<group_name>
terraform import maxcompute_rds_whitelist_attachment.orders_db rm-emu0000000000000001:maxcompute
