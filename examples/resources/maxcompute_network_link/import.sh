# A network link is imported by its name.
terraform import maxcompute_network_link.lakehouse lakehouse_link
