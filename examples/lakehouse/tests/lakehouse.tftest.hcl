# `terraform test` (1.6+) for the module, against the local emulator on port 8080
# (target/debug/maxcompute-emulator --port 8080), from examples/lakehouse: terraform init && terraform test
# Every run applies the module for real (against the emulator) and checks what jobs and targets get;
# terraform destroys everything afterwards.

provider "maxcompute" {
  region   = "cn-hangzhou"
  endpoint = "http://127.0.0.1:8080" # every service: nothing reaches the real cloud
}

variables {
  vpc_id            = "vpc-emu0000000000000001"
  vswitch_id        = "vsw-emu0000000000000001"
  target_cidrs      = ["192.168.1.0/24"]
  rds_instance_ids  = ["rm-emu0000000000000001"]
  hbase_cluster_ids = ["hb-emu0000000000000001"]
  emr_cluster_ids   = ["c-emu0000000000000001"]
}

run "opens_every_target_to_the_link" {
  command = apply

  assert {
    condition     = output.vswitch_cidr == "192.168.1.0/24"
    error_message = "The targets must admit the link's vSwitch CIDR, got ${output.vswitch_cidr}."
  }

  assert {
    condition     = output.sql_setting == "SET odps.session.networklink=lakehouse_link;"
    error_message = "Jobs need the link's session setting."
  }

  assert {
    condition     = maxcompute_rds_whitelist_attachment.this["rm-emu0000000000000001"].cidrs == toset(["192.168.1.0/24"])
    error_message = "The RDS instance must admit exactly the link's vSwitch CIDR."
  }

  assert {
    condition     = output.all_reachable
    error_message = "Jobs must reach every target: ${jsonencode([for r in output.reachability : r.reason if !r.reachable])}"
  }
}

run "dataworks_resource_groups_are_admitted_too" {
  command = apply

  variables {
    dataworks_resource_group_ids = ["Serverless_res_group_emu_0001"]
  }

  assert {
    condition     = output.dataworks_cidrs == tolist(["192.168.2.0/24"])
    error_message = "DataWorks' vSwitch CIDR must be read from the resource group, got ${jsonencode(output.dataworks_cidrs)}."
  }

  assert {
    condition     = contains(maxcompute_hbase_whitelist_attachment.this["hb-emu0000000000000001"].cidrs, "192.168.2.0/24")
    error_message = "The HBase cluster must admit DataWorks' vSwitch CIDR."
  }
}
