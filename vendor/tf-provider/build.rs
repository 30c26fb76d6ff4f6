// PATCH(no-protoc): compile the plugin protocol with a vendored protoc and read the
// .proto files from the workspace's top-level `proto/` directory.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    std::env::set_var("PROTOC", protoc);
    let proto_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    println!("cargo:rerun-if-changed={}", proto_dir.display());
    tonic_build::configure()
        .protoc_arg("--experimental_allow_proto3_optional")
        .build_client(false)
        .compile_protos(
            &[
                proto_dir.join("plugin.proto"),
                proto_dir.join("tfplugin6.5.proto"),
            ],
            &[proto_dir],
        )?;
    Ok(())
}
