#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wasibox_fuzz::path_resolution(data));
