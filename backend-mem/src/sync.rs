//! `AtomicU64` on every target: the real one where the target has 64-bit atomics, a
//! spin-locked `u64` with the same methods where it does not (32-bit microcontrollers
//! such as `thumbv7em`).

#[cfg(target_has_atomic = "64")]
pub(crate) use core::sync::atomic::AtomicU64;

#[cfg(not(target_has_atomic = "64"))]
pub(crate) use fallback::AtomicU64;

#[cfg(not(target_has_atomic = "64"))]
mod fallback {
    use core::sync::atomic::Ordering;

    /// A spin-locked `u64` with the methods of `AtomicU64` this crate uses. Every
    /// operation is sequentially consistent whatever `Ordering` says.
    #[derive(Debug)]
    pub(crate) struct AtomicU64(spin::Mutex<u64>);

    impl AtomicU64 {
        pub(crate) const fn new(v: u64) -> Self {
            AtomicU64(spin::Mutex::new(v))
        }

        pub(crate) fn load(&self, _: Ordering) -> u64 {
            *self.0.lock()
        }

        pub(crate) fn store(&self, v: u64, _: Ordering) {
            *self.0.lock() = v;
        }

        pub(crate) fn fetch_add(&self, n: u64, _: Ordering) -> u64 {
            let mut v = self.0.lock();
            let old = *v;
            *v = old.wrapping_add(n);
            old
        }

        pub(crate) fn fetch_max(&self, n: u64, _: Ordering) -> u64 {
            let mut v = self.0.lock();
            let old = *v;
            *v = old.max(n);
            old
        }

        pub(crate) fn compare_exchange(
            &self,
            current: u64,
            new: u64,
            _: Ordering,
            _: Ordering,
        ) -> Result<u64, u64> {
            let mut v = self.0.lock();
            if *v == current {
                *v = new;
                Ok(current)
            } else {
                Err(*v)
            }
        }

        pub(crate) fn fetch_update(
            &self,
            _: Ordering,
            _: Ordering,
            mut f: impl FnMut(u64) -> Option<u64>,
        ) -> Result<u64, u64> {
            let mut v = self.0.lock();
            let old = *v;
            match f(old) {
                Some(n) => {
                    *v = n;
                    Ok(old)
                }
                None => Err(old),
            }
        }
    }
}
