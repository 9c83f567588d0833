//! Test helpers: a self-deleting temporary directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        TempDir::new_in(&std::env::temp_dir(), tag)
    }

    /// A directory whose file pages can leave memory (not tmpfs): the system temp dir, else /var/tmp, else
    /// the repository's ignored data/ dir; the system temp dir if all are tmpfs.
    pub fn on_disk(tag: &str) -> TempDir {
        let repo_data = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("data");
        for base in [std::env::temp_dir(), PathBuf::from("/var/tmp"), repo_data] {
            if std::fs::create_dir_all(&base).is_ok() && !is_tmpfs(&base) {
                return TempDir::new_in(&base, tag);
            }
        }
        TempDir::new(tag)
    }

    fn new_in(base: &Path, tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let p = base.join(format!("gregor-test-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether `path` is on tmpfs, where every page stays in memory and nothing can be read cold.
pub fn is_tmpfs(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a NUL-terminated path and a zeroed statfs the call fills in.
    unsafe {
        let mut st: libc::statfs = std::mem::zeroed();
        libc::statfs(c.as_ptr(), &mut st) == 0 && st.f_type == libc::TMPFS_MAGIC
    }
}
