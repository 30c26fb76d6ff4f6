# <cluster_id>:<group_name>
terraform import maxcompute_hbase_whitelist_attachment.events hb-emu0000000000000001:maxcompute
