#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wasibox_fuzz::dispatch(data));
