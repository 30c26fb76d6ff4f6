use super::Target;
use crate::resources::{hbase_whitelist_attachment::Hbase, rds_whitelist_attachment::Rds};

/// The attachment takes every ID its target's ID type takes: the engine-prefixed shapes and the
/// older hyphen-less one (the RDS API reference's own example).
#[test]
fn id_shapes_of_every_kind_the_cloud_issues() {
    for ok in [
        "rm-bp1abc",
        "pgm-bp1abc",
        "rm-emu0000000000000001",
        "rdsaiiabnaiiabn",
    ] {
        assert!(Rds::parse_id(ok).is_ok(), "{ok}");
    }
    for ok in ["hb-bp1abc", "ld-bp1abc"] {
        assert!(Hbase::parse_id(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "rm-",
        "-abc",
        "RM-abc",
        "rm abc",
        "rm_abc",
        "rm-ABC",
        "toolongprefix-abc",
    ] {
        assert!(Rds::parse_id(bad).is_err(), "{bad}");
        assert!(Hbase::parse_id(bad).is_err(), "{bad}");
    }
}
