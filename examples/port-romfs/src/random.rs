//! The random source: SplitMix64, a tiny seeded generator.
//!
//! **Not cryptographic.** Its output is predictable from its seed, and the seed here is
//! whatever the firmware passes in. A real port reads the chip's hardware random number
//! generator (a TRNG peripheral) in [`Platform::random`](wasibox_core::Platform::random)
//! instead; guests use `random_get` for keys and hash seeds.

use core::cell::Cell;

/// SplitMix64 (Steele, Lea and Flood, 2014): one 64-bit state, one addition and a
/// mixing function per output word.
#[derive(Debug)]
pub struct SplitMix64 {
    state: Cell<u64>,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: Cell::new(seed) }
    }

    fn next_u64(&self) -> u64 {
        let s = self.state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.state.set(s);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fill `buf` with the next bytes of the sequence.
    pub fn fill(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            for (b, w) in chunk.iter_mut().zip(word) {
                *b = w;
            }
        }
    }
}
