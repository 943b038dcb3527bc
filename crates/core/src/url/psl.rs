//! The Public Suffix List: where a host's public suffix (`co.uk`, `github.io`) and its
//! registrable domain (`bbc.co.uk`, `someone.github.io`) start.
//!
//! # Why not the `psl` crate
//! `psl` compiles the list into one generated function: 565 KB of WebAssembly that V8 must
//! compile on the first URL lookup, so the first `classifyUrl` in a browser or service
//! worker took 120–170 ms (3 s with TurboFan only). Here the list is data: `build.rs`
//! compiles `data/url/public_suffix_list.dat` into a label trie (layout in
//! `crates/lexicon/src/psl.rs`) of static arrays that are used in place, so loading costs
//! nothing and no code grows with the list.
//!
//! # Same answers as `psl`
//! [`suffix`] and [`domain`] give exactly what `psl::suffix_str` and `psl::domain_str`
//! give for the same list (the differential tests in `psl/tests.rs` check it), down to the
//! corner cases, which the core never relies on but should not change by accident:
//! - a label no rule knows is a suffix by the default rule `*` (`example.zz` → `zz`);
//! - the walk is greedy as `psl`'s generated code is: at each label an exception
//!   (`!city.kawasaki.jp`) wins, then an exact label, and only then a wildcard (`*`); the
//!   suffix is the deepest rule passed on the way;
//! - ICANN and private rules both count (`github.io`, `blogspot.com`);
//! - matching is byte for byte: `EXAMPLE.COM` has the suffix `COM` by the default rule and
//!   no known suffix; callers lower-case first. Unicode labels are not known either:
//!   hosts are looked up in IDNA ASCII, as the URL parser writes them;
//! - one trailing dot is ignored and kept out of the answer (`bbc.co.uk.` → `co.uk`);
//!   empty labels are labels like any other (`a..com` → `com`, domain `.com`).
//!
//! # Cost
//! A lookup allocates nothing: the walk hashes each label it reaches (from the right,
//! stopping where the trie does) and finds it in a few probes of a hash table, never more
//! than the table's longest run (`MAX_PROBES`, 17 for the list today), so it is linear in
//! the host. It costs about as much as `psl`'s generated code natively (a few hundred
//! instructions). It never panics: every index into the tables is checked, so a corrupt
//! table could only give wrong answers.

#[cfg(test)]
mod tests;

/// The compiled list (`OUT_DIR/psl_table.rs`, written by `build.rs`).
mod table {
    include!(concat!(env!("OUT_DIR"), "/psl_table.rs"));
}

/// A label trie in the layout of `crates/lexicon/src/psl.rs`.
#[derive(Clone, Copy)]
pub(crate) struct Trie<'t> {
    nodes: &'t [u64],
    labels: &'t [u8],
    /// Node indices by [`slot`]`(parent, label)`; a power of two long.
    slots: &'t [u16],
    max_probes: usize,
}

/// The built-in list. Its hash table of slots is filled the first time a host is looked
/// up, as `esafety_lexicon::psl` filled it at build time (same hash, same order), so the
/// module does not carry 64 KB of table that gzips badly; a test compares the two.
fn list() -> Trie<'static> {
    static SLOTS: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| fill_slots(&table::NODES, table::LABELS, table::SLOT_BITS));
    Trie {
        nodes: &table::NODES,
        labels: table::LABELS,
        slots,
        max_probes: table::MAX_PROBES,
    }
}

/// The slots of a table of `nodes`: each node but the root at the first free slot from
/// [`slot`]`(parent, label)`, in index order (linear probing).
fn fill_slots(nodes: &[u64], labels: &[u8], bits: u32) -> Vec<u16> {
    let mut slots = vec![0u16; 1 << bits];
    let mask = slots.len() - 1;
    let trie = Trie {
        nodes,
        labels,
        slots: &[],
        max_probes: 0,
    };
    for (index, &word) in nodes.iter().enumerate().skip(1) {
        let node = Node(word);
        let parent = node.field(table::PARENT_SHIFT, table::PARENT_BITS);
        let mut at = slot(parent, trie.label(node), bits);
        for _ in 0..slots.len() {
            if slots[at] == 0 {
                slots[at] = index as u16;
                break;
            }
            at = (at + 1) & mask;
        }
    }
    slots
}

/// The public suffix of `host`, as `psl::suffix_str` gives it: `None` only for the empty
/// host.
pub(crate) fn suffix(host: &str) -> Option<&str> {
    list().suffix(host)
}

/// The registrable domain of `host` (its public suffix and one more label), as
/// `psl::domain_str` gives it: `None` when the host is itself a public suffix.
pub(crate) fn domain(host: &str) -> Option<&str> {
    list().domain(host)
}

/// One node, unpacked.
#[derive(Clone, Copy)]
struct Node(u64);

impl Node {
    fn field(self, shift: u32, bits: u32) -> usize {
        ((self.0 >> shift) & ((1 << bits) - 1)) as usize
    }
    fn has(self, flag: u64) -> bool {
        self.0 & flag != 0
    }
}

/// Where the search for the child `label` of node `parent` starts in a table of `1 << bits`
/// slots: `esafety_lexicon::psl::slot`, which filled the table (the tests compare them).
fn slot(parent: usize, label: &[u8], bits: u32) -> usize {
    let h = label.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let h = (h ^ parent as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h.checked_shr(64 - bits).unwrap_or(0) as usize
}

impl<'t> Trie<'t> {
    #[cfg(test)]
    pub(crate) fn new(t: &'t esafety_lexicon::psl::PslTable) -> Trie<'t> {
        Trie {
            nodes: &t.nodes,
            labels: &t.labels,
            slots: &t.slots,
            max_probes: t.max_probes,
        }
    }

    fn label(&self, n: Node) -> &'t [u8] {
        let at = n.field(0, table::LABEL_OFFSET_BITS);
        let len = n.field(table::LABEL_LEN_SHIFT, table::LABEL_LEN_BITS);
        self.labels.get(at..at + len).unwrap_or_default()
    }

    /// The child `label` of node `parent`, with its index.
    fn get(&self, parent: usize, label: &[u8]) -> Option<(usize, Node)> {
        let bits = self.slots.len().trailing_zeros();
        let mut at = slot(parent, label, bits);
        for _ in 0..self.max_probes.min(self.slots.len()) {
            let index = usize::from(*self.slots.get(at)?);
            let node = Node(*self.nodes.get(index).filter(|_| index != 0)?);
            if node.field(table::PARENT_SHIFT, table::PARENT_BITS) == parent
                && same(self.label(node), label)
            {
                return Some((index, node));
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
        None
    }

    /// The child of `parent` for `label`: an exact (or exception) label, else the wildcard.
    fn child(&self, parent: (usize, Node), label: &[u8]) -> Option<(usize, Node)> {
        self.get(parent.0, label).or_else(|| {
            parent
                .1
                .has(table::WILD)
                .then(|| self.get(parent.0, b"*"))
                .flatten()
        })
    }

    /// How many bytes at the end of `name` (no trailing dot) the public suffix covers:
    /// `psl`'s walk over the labels from the right.
    fn find(&self, name: &[u8]) -> usize {
        let mut labels = name.rsplit(|&b| b == b'.');
        let Some(tld) = labels.next() else {
            return 0;
        };
        // The last label is a suffix whether a rule names it or not (the default rule).
        let mut at = tld.len();
        let mut found = at;
        let Some(root) = self.nodes.first() else {
            return found;
        };
        let Some(mut node) = self.child((0, Node(*root)), tld) else {
            return found;
        };
        while node.1.has(table::BRANCH) {
            let Some(label) = labels.next() else { break };
            let Some(child) = self.child(node, label) else {
                break;
            };
            if child.1.has(table::EXCEPTION) {
                return at;
            }
            at += 1 + label.len();
            if child.1.has(table::RULE) {
                found = at;
            }
            node = child;
        }
        found
    }

    /// The suffix's length in `host` counting a trailing dot, and whether there is one.
    fn suffix_len(&self, host: &str) -> (usize, bool) {
        match host.strip_suffix('.') {
            Some(name) => (self.find(name.as_bytes()) + 1, true),
            None => (self.find(host.as_bytes()), false),
        }
    }

    pub(crate) fn suffix<'h>(&self, host: &'h str) -> Option<&'h str> {
        let (len, fqdn) = self.suffix_len(host);
        if len == 0 {
            return None;
        }
        let s = host.get(host.len().checked_sub(len)?..)?;
        Some(if fqdn { trim_dot(s) } else { s })
    }

    pub(crate) fn domain<'h>(&self, host: &'h str) -> Option<&'h str> {
        let (len, fqdn) = self.suffix_len(host);
        if len == 0 || host.len() < len + 2 {
            return None;
        }
        // `psl_types::List::domain`: the suffix, its dot and the label before it.
        let sub = host.as_bytes().get(..host.len() - len - 1)?;
        let root = sub
            .iter()
            .rposition(|&b| b == b'.')
            .map_or(sub.len(), |dot| sub.len() - dot - 1);
        let d = host.get(host.len() - (root + 1 + len)..)?;
        Some(if fqdn { trim_dot(d) } else { d })
    }
}

/// `a == b` for short labels, without a call to `memcmp`.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn trim_dot(s: &str) -> &str {
    s.strip_suffix('.').unwrap_or(s)
}
