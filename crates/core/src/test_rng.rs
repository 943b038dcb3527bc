//! One small deterministic generator (xorshift64) for the property tests beside the code,
//! so a failure reproduces from its seed and no test module carries its own copy.

pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from `seed` (zero would stay zero, so it is nudged).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (which must not be zero).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One item of `from` (which must not be empty).
    pub fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
}
