//! A seeded, portable pseudo-random generator: xoshiro256** seeded through splitmix64.
//! Not cryptographic, and not meant to be: the point is the same bytes for the same seed
//! on every platform (all arithmetic is explicit wrapping `u64` arithmetic, output is
//! little-endian). `wasibox-mem` and [`Deterministic`](super::Deterministic) share it.

/// xoshiro256** (Blackman & Vigna, 2018), seeded through splitmix64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededRandom {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl SeededRandom {
    /// The generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)];
        SeededRandom { s }
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = self.s;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s1 << 17;
        let mut n = [s0, s1, s2 ^ s0, s3 ^ s1];
        n[1] ^= n[2];
        n[0] ^= n[3];
        n[2] ^= t;
        n[3] = n[3].rotate_left(45);
        self.s = n;
        result
    }

    /// Fill `buf`; every call starts on a fresh 64-bit word.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            for (d, s) in chunk.iter_mut().zip(word.iter()) {
                *d = *s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // Reference values of xoshiro256** for the state {1, 2, 3, 4}.
        let mut r = SeededRandom { s: [1, 2, 3, 4] };
        assert_eq!(r.next_u64(), 11520);
        assert_eq!(r.next_u64(), 0);
        assert_eq!(r.next_u64(), 1509978240);
        assert_eq!(r.next_u64(), 1215971899390074240);
    }

    #[test]
    fn same_seed_same_bytes() {
        let mut a = SeededRandom::new(42);
        let mut b = SeededRandom::new(42);
        let mut c = SeededRandom::new(43);
        let (mut x, mut y, mut z) = ([0u8; 37], [0u8; 37], [0u8; 37]);
        a.fill(&mut x);
        b.fill(&mut y);
        c.fill(&mut z);
        assert_eq!(x, y);
        assert_ne!(x, z);
    }
}
