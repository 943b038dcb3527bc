use core::fmt;

/// Why a pack was refused (at load) or could not be written (at build).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackError {
    /// Shorter than the header, or shorter than the length the header records.
    Truncated { expected: u64, actual: u64 },
    /// The first bytes are not `ESAFPACK`: not a pack at all.
    BadMagic,
    /// A pack from another format version.
    UnsupportedVersion(u32),
    /// The bytes after the header's checksum field do not hash to it: corrupted.
    ChecksumMismatch { expected: u64, actual: u64 },
    /// A section, table or count points outside the pack or is inconsistent.
    Malformed(&'static str),
    /// More distinct sources or tags than the format can number.
    TooMany(&'static str),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::Truncated { expected, actual } => {
                write!(
                    f,
                    "list pack is truncated: {actual} bytes, expected {expected}"
                )
            }
            PackError::BadMagic => f.write_str("not an esafety list pack (bad magic bytes)"),
            PackError::UnsupportedVersion(v) => {
                write!(
                    f,
                    "list pack version {v} is not supported (this build reads version {})",
                    crate::VERSION
                )
            }
            PackError::ChecksumMismatch { expected, actual } => write!(
                f,
                "list pack is corrupted: checksum {actual:016x}, header says {expected:016x}"
            ),
            PackError::Malformed(what) => write!(f, "list pack is malformed: {what}"),
            PackError::TooMany(what) => write!(f, "too many {what} for one list pack"),
        }
    }
}

impl std::error::Error for PackError {}
