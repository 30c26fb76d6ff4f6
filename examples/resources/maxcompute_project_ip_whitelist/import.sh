# <project name>: every entry the project's lists hold becomes the resource's
terraform import maxcompute_project_ip_whitelist.lakehouse lakehouse_prod
