//! The process's open-file limit (`RLIMIT_NOFILE`). A broker holds a
//! descriptor per open segment, index and connection, far more than the soft
//! limit many shells and service managers start a process with (often 1024),
//! while the hard limit is usually much higher. As Go's runtime and many
//! servers do, the broker raises its soft limit to the hard one at start.

use std::io;

/// The open-file limit before and after `raise_open_file_limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFileLimit {
    /// The soft limit the process started with.
    pub before: u64,
    /// The soft limit it runs with now.
    pub soft: u64,
    /// The hard limit (`u64::MAX`: unlimited).
    pub hard: u64,
}

fn get() -> io::Result<libc::rlimit> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the local it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(lim)
}

fn set_soft(lim: libc::rlimit, soft: libc::rlim_t) -> io::Result<()> {
    let next = libc::rlimit {
        rlim_cur: soft,
        rlim_max: lim.rlim_max,
    };
    // SAFETY: setrlimit reads one rlimit from the local it is given.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &next) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The most descriptors the kernel lets one process have (Linux's
/// `fs.nr_open`): the soft limit cannot go past it even when the hard limit
/// is unlimited.
fn kernel_ceiling() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

/// Raises the soft open-file limit to the hard limit (to the kernel's
/// ceiling when the hard limit is unlimited). Never lowers it; when the
/// kernel refuses, the limit stays as it was and is reported as such.
pub fn raise_open_file_limit() -> io::Result<OpenFileLimit> {
    let lim = get()?;
    let before = lim.rlim_cur;
    let hard = lim.rlim_max;
    let mut target = lim.rlim_max;
    if target == libc::RLIM_INFINITY {
        if let Some(ceiling) = kernel_ceiling() {
            target = ceiling;
        }
    }
    if lim.rlim_cur != libc::RLIM_INFINITY && target > lim.rlim_cur {
        // A refusal (EPERM past fs.nr_open, a sandbox) leaves the limit as it was.
        let _ = set_soft(lim, target);
    }
    Ok(OpenFileLimit {
        before,
        soft: get()?.rlim_cur,
        hard,
    })
}

/// Whether an I/O error means the process (EMFILE) or the system (ENFILE)
/// ran out of file descriptors.
pub fn is_descriptor_exhaustion(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE))
}

/// What an operator does about it, appended to the error of a failed open.
pub const DESCRIPTOR_HINT: &str = "the broker is out of file descriptors: raise its open-file limit (ulimit -n in the shell that starts it, LimitNOFILE= in its systemd unit, nofile in /etc/security/limits.conf) or lower the number of open segments";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raises_a_lowered_soft_limit_to_the_hard_limit() {
        let lim = get().unwrap();
        // Lowering the soft limit needs no privilege; keep it above what the test process already holds.
        let low = 512.min(lim.rlim_max);
        set_soft(lim, low).unwrap();
        assert_eq!(get().unwrap().rlim_cur, low);
        let raised = raise_open_file_limit().unwrap();
        assert_eq!(raised.before, low);
        assert_eq!(raised.hard, lim.rlim_max);
        let now = get().unwrap();
        assert_eq!(raised.soft, now.rlim_cur);
        if lim.rlim_max == libc::RLIM_INFINITY {
            assert!(now.rlim_cur > low, "raised towards fs.nr_open");
        } else {
            assert_eq!(now.rlim_cur, lim.rlim_max, "soft raised to the hard limit");
        }
        // Raising again changes nothing.
        let again = raise_open_file_limit().unwrap();
        assert_eq!(again.before, again.soft);
        assert_eq!(again.soft, raised.soft);
    }

    #[test]
    fn emfile_and_enfile_are_descriptor_exhaustion() {
        assert!(is_descriptor_exhaustion(&io::Error::from_raw_os_error(
            libc::EMFILE
        )));
        assert!(is_descriptor_exhaustion(&io::Error::from_raw_os_error(
            libc::ENFILE
        )));
        assert!(!is_descriptor_exhaustion(&io::Error::from_raw_os_error(
            libc::ENOSPC
        )));
    }
}
