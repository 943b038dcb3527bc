//! Errors in lexicon data, always located at a file and line.

use std::fmt;

/// What is wrong with a line of a data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be read.
    Io(String),
    /// A line has the wrong number of tab-separated columns.
    Columns { expected: usize, found: usize },
    /// A column holds a value that is not allowed there.
    BadValue {
        column: &'static str,
        value: String,
        why: String,
    },
    /// A rule id is used twice.
    DuplicateId { id: String, first: String },
    /// `{name}` names no macro.
    UnknownMacro(String),
    /// The pattern does not parse, or uses something a DFA cannot do.
    BadPattern(String),
    /// A required file or entry is missing.
    Missing(String),
    /// The DFA could not be built (too big, for example).
    Build(String),
}

/// A problem in the lexicon data, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// File name relative to the data folder (`rules/grooming.tsv`).
    pub file: String,
    /// 1-based line number; 0 when the problem is with the file as a whole.
    pub line: usize,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl DataError {
    pub(crate) fn new(file: &str, line: usize, kind: ErrorKind) -> DataError {
        DataError {
            file: file.to_string(),
            line,
            kind,
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "cannot read: {e}"),
            ErrorKind::Columns { expected, found } => {
                write!(
                    f,
                    "expected {expected} tab-separated columns, found {found}"
                )
            }
            ErrorKind::BadValue { column, value, why } => {
                write!(f, "bad {column} {value:?}: {why}")
            }
            ErrorKind::DuplicateId { id, first } => {
                write!(f, "rule id {id:?} already used at {first}")
            }
            ErrorKind::UnknownMacro(m) => write!(f, "unknown macro {{{m}}}"),
            ErrorKind::BadPattern(e) => write!(f, "bad pattern: {e}"),
            ErrorKind::Missing(what) => write!(f, "missing {what}"),
            ErrorKind::Build(e) => write!(f, "cannot build automaton: {e}"),
        }
    }
}

impl std::error::Error for DataError {}
