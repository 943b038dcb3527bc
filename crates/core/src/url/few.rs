//! A short list of borrowed strings in a fixed array: host suffixes and path prefixes
//! are computed for every decision, and a `Vec` for them was an allocation and a free
//! each time. Pushing past the capacity is ignored (callers bound their counts first).

use core::ops::Deref;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Few<'a, const N: usize> {
    items: [&'a str; N],
    len: usize,
}

impl<'a, const N: usize> Few<'a, N> {
    pub(crate) fn new() -> Self {
        Few {
            items: [""; N],
            len: 0,
        }
    }

    pub(crate) fn push(&mut self, s: &'a str) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = s;
            self.len += 1;
        }
    }

    pub(crate) fn reverse(&mut self) {
        self.items[..self.len].reverse();
    }
}

impl<'a, const N: usize> Deref for Few<'a, N> {
    type Target = [&'a str];

    fn deref(&self) -> &[&'a str] {
        &self.items[..self.len]
    }
}
