use std::env;
use std::path::PathBuf;

fn main() {
    napi_build::setup();
    build_glibc_compat();
}

/// On Linux with glibc, builds `native/glibc-compat.node` from `glibc-compat/isoc23.c`: the C23
/// functions that uWebSockets.js registry binaries import from glibc >= 2.38, which the gateway
/// provides on older glibc (src/gateway/glibc-compat.ts). It is a shared object of its own, not part
/// of this addon, so that the gateway can load it into the global symbol scope by itself. Like the
/// addon, it is placed next to this manifest, where the TypeScript side looks for it.
fn build_glibc_compat() {
    let source = "glibc-compat/isoc23.c";
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={source}");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os != "linux" || target_env != "gnu" {
        return;
    }
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let built = out_dir.join("glibc-compat.node");
    // The target's C compiler with its usual flags (-fPIC, -m64, ...), as the cc crate finds it.
    let compiler = cc::Build::new().opt_level(2).get_compiler();
    let status = compiler
        .to_command()
        // C11 without _GNU_SOURCE: glibc >= 2.38 headers would otherwise redirect strtol to
        // __isoc23_strtol, the very symbol this file defines.
        .args([
            "-std=c11",
            "-shared",
            "-fvisibility=hidden",
            "-Wall",
            "-Wextra",
        ])
        .arg("-Wl,-z,nodelete")
        .arg("-o")
        .arg(&built)
        .arg(manifest_dir.join(source))
        .status()
        .expect("running the C compiler for glibc-compat");
    assert!(status.success(), "compiling {source} failed");
    // Replace atomically: a running broker may have the previous copy loaded.
    let placed = manifest_dir.join("glibc-compat.node");
    let staged = manifest_dir.join(format!(".glibc-compat.{}.node", std::process::id()));
    std::fs::copy(&built, &staged).expect("copying glibc-compat.node");
    // Dated like its inputs, so that listing it below reruns this script when it is deleted but not
    // after every build (Cargo compares listed files with the time this script started).
    let inputs = [manifest_dir.join(source), manifest_dir.join("build.rs")];
    let dated = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .max();
    if let Some(time) = dated {
        let file = std::fs::File::options()
            .write(true)
            .open(&staged)
            .expect("opening glibc-compat.node");
        file.set_modified(time).expect("dating glibc-compat.node");
    }
    std::fs::rename(&staged, &placed).expect("placing glibc-compat.node");
    println!("cargo:rerun-if-changed=glibc-compat.node");
}
