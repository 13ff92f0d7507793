;; The smallest WASI command: write a greeting to stdout with fd_write and return.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; The greeting lives at offset 16; the iovec describing it at offset 0.
  (data (i32.const 16) "Hello from wasibox!\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))  ;; iov.buf
    (i32.store (i32.const 4) (i32.const 20))  ;; iov.buf_len
    (drop (call $fd_write
      (i32.const 1)    ;; stdout
      (i32.const 0)    ;; iovs
      (i32.const 1)    ;; iovs_len
      (i32.const 8)))) ;; where to store the number of bytes written
)
