use super::entries::id_shape;

#[test]
fn id_shapes_of_every_kind_the_cloud_issues() {
    for ok in [
        "rm-bp1abc",
        "pgm-bp1abc",
        "hb-bp1abc",
        "ld-bp1abc",
        "rm-emu0000000000000001",
    ] {
        assert!(id_shape(ok), "{ok}");
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
        assert!(!id_shape(bad), "{bad}");
    }
}
