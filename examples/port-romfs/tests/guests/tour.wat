;; A guest touring the ROM port: lists the root preopen (fd 3), reads hello.txt, tries
;; three writes, reads the clocks and the random source, sleeps 1 ms with poll_oneoff.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello.txt")
  (data (i32.const 120) "new.txt")
  (data (i32.const 140) "etc")
  (data (i32.const 160) "listing:\n")
  (data (i32.const 180) "create new.txt: errno ")
  (data (i32.const 210) "open hello.txt for writing: errno ")
  (data (i32.const 250) "mkdir etc: errno ")
  (data (i32.const 270) "monotonic ")
  (data (i32.const 290) "realtime ")
  (data (i32.const 310) "random ")
  (data (i32.const 330) "after poll ")
  (data (i32.const 350) "\n ")

  ;; write(1, p, n) through the iovec at 0
  (func $write (param $p i32) (param $n i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $nl (call $write (i32.const 350) (i32.const 1)))
  ;; $v in decimal, built backwards below 620
  (func $num (param $v i64) (local $p i32)
    (local.set $p (i32.const 620))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i64.store8 (local.get $p) (i64.add (i64.const 48) (i64.rem_u (local.get $v) (i64.const 10))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (call $write (local.get $p) (i32.sub (i32.const 620) (local.get $p))))
  (func $line (param $p i32) (param $n i32) (param $v i64)
    (call $write (local.get $p) (local.get $n))
    (call $num (local.get $v))
    (call $nl))

  (func (export "_start") (local $used i32) (local $off i32) (local $namlen i32)
    ;; 1. the root's entries, as "TYPE NAME" (3 = directory, 4 = regular file)
    (call $write (i32.const 160) (i32.const 9))
    (drop (call $fd_readdir (i32.const 3) (i32.const 8192) (i32.const 4096) (i64.const 0) (i32.const 16)))
    (local.set $used (i32.load (i32.const 16)))
    (block $done
      (loop $entries
        (br_if $done (i32.gt_u (i32.add (local.get $off) (i32.const 24)) (local.get $used)))
        (local.set $namlen (i32.load (i32.add (i32.const 8208) (local.get $off))))
        (br_if $done
          (i32.gt_u (i32.add (local.get $off) (i32.add (i32.const 24) (local.get $namlen))) (local.get $used)))
        (call $num (i64.load8_u (i32.add (i32.const 8212) (local.get $off))))
        (call $write (i32.const 351) (i32.const 1))
        (call $write (i32.add (i32.const 8216) (local.get $off)) (local.get $namlen))
        (call $nl)
        (local.set $off (i32.add (local.get $off) (i32.add (i32.const 24) (local.get $namlen))))
        (br $entries)))
    ;; 2. hello.txt, read with FD_READ
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 9)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 20)))
    (i32.store (i32.const 32) (i32.const 12288))
    (i32.store (i32.const 36) (i32.const 256))
    (drop (call $fd_read (i32.load (i32.const 20)) (i32.const 32) (i32.const 1) (i32.const 40)))
    (call $write (i32.const 12288) (i32.load (i32.const 40)))
    ;; 3. writes: create (O_CREAT, FD_WRITE), open for writing, mkdir of an existing name
    (call $line (i32.const 180) (i32.const 22) (i64.extend_i32_u
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 120) (i32.const 7)
        (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 20))))
    (call $line (i32.const 210) (i32.const 34) (i64.extend_i32_u
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 9)
        (i32.const 0) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 20))))
    (call $line (i32.const 250) (i32.const 17) (i64.extend_i32_u
      (call $mkdir (i32.const 3) (i32.const 140) (i32.const 3))))
    ;; 4. the clocks
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 48)))
    (call $line (i32.const 270) (i32.const 10) (i64.load (i32.const 48)))
    (drop (call $clock (i32.const 0) (i64.const 0) (i32.const 48)))
    (call $line (i32.const 290) (i32.const 9) (i64.load (i32.const 48)))
    ;; 5. eight random bytes, as a little-endian number
    (drop (call $random (i32.const 56) (i32.const 8)))
    (call $line (i32.const 310) (i32.const 7) (i64.load (i32.const 56)))
    ;; 6. sleep 1 ms: one relative subscription on the monotonic clock
    (i64.store (i32.const 1024) (i64.const 7))
    (i32.store8 (i32.const 1032) (i32.const 0))
    (i32.store (i32.const 1040) (i32.const 1))
    (i64.store (i32.const 1048) (i64.const 1000000))
    (drop (call $poll (i32.const 1024) (i32.const 1088) (i32.const 1) (i32.const 64)))
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 48)))
    (call $line (i32.const 330) (i32.const 11) (i64.load (i32.const 48)))))
