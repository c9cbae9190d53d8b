;; Finds where the records of a CSV end: at a line feed outside quotes. The bytes go 64 at a time
;; through SIMD compares: a 64-bit mask of the quotes and one of the line feeds, a prefix XOR of the
;; quote mask for the bytes inside quotes (a quote toggles the state; "" inside quotes toggles it
;; twice), and only the line feeds outside end a record. UTF-8 puts neither byte inside a character.
;; A mask of the bytes up to 0x20 tells whether a record may start blank (blank-lines.ts looks).
;;
;; src/csv/scanner.ts drives it; `npm run build:wasm` turns this text into
;; src/csv/scan-wasm.ts, which a test keeps in step with it.
(module
  ;; Two chunks of up to 1 MiB, at 0 and at 1 MiB: one scanned while the other is read into. A
  ;; block may read up to 63 bytes past a chunk's end (the bytes there are masked off), so the
  ;; memory is a page longer than the two.
  (memory (export "memory") 33)

  ;; Whether the bytes scanned so far end inside quotes: 0 or 1.
  (global $quoted (export "quoted") (mut i32) (i32.const 0))
  ;; Records that ended in the last scan.
  (global $found (export "found") (mut i32) (i32.const 0))
  ;; Just past the last record's line feed in the last scan, or -1 when none ended.
  (global $lastEnd (export "lastEnd") (mut i32) (i32.const -1))
  ;; 1 when, in the last scan, a byte up to 0x20 (a space, a tab, a CR, a line feed, or another
  ;; control) came just after a record's end: a blank record may start there. 0 when none did.
  (global $blankMayStart (export "blankMayStart") (mut i32) (i32.const 0))

  ;; The mask of the bytes equal to $byte in the 64 at $at: bit k for byte $at + k.
  (func $mask (param $at i32) (param $byte v128) (result i64)
    (i64.or
      (i64.or
        (i64.extend_i32_u
          (i8x16.bitmask (i8x16.eq (v128.load (local.get $at)) (local.get $byte))))
        (i64.shl
          (i64.extend_i32_u
            (i8x16.bitmask (i8x16.eq (v128.load offset=16 (local.get $at)) (local.get $byte))))
          (i64.const 16)))
      (i64.or
        (i64.shl
          (i64.extend_i32_u
            (i8x16.bitmask (i8x16.eq (v128.load offset=32 (local.get $at)) (local.get $byte))))
          (i64.const 32))
        (i64.shl
          (i64.extend_i32_u
            (i8x16.bitmask (i8x16.eq (v128.load offset=48 (local.get $at)) (local.get $byte))))
          (i64.const 48)))))

  ;; The mask of the bytes up to 0x20 in the 64 at $at: bit k for byte $at + k.
  (func $lowMask (param $at i32) (result i64)
    (local $space v128)
    (local.set $space (i8x16.splat (i32.const 0x20)))
    (i64.or
      (i64.or
        (i64.extend_i32_u
          (i8x16.bitmask (i8x16.le_u (v128.load (local.get $at)) (local.get $space))))
        (i64.shl
          (i64.extend_i32_u
            (i8x16.bitmask (i8x16.le_u (v128.load offset=16 (local.get $at)) (local.get $space))))
          (i64.const 16)))
      (i64.or
        (i64.shl
          (i64.extend_i32_u
            (i8x16.bitmask (i8x16.le_u (v128.load offset=32 (local.get $at)) (local.get $space))))
          (i64.const 32))
        (i64.shl
          (i64.extend_i32_u
            (i8x16.bitmask (i8x16.le_u (v128.load offset=48 (local.get $at)) (local.get $space))))
          (i64.const 48)))))

  ;; Scans the bytes from $from to $to, the quote state carried from the scan before. Stops just
  ;; past the $limit-th record that ends ($limit at least 1; 0xffffffff for no limit) and answers
  ;; that position, or $to when fewer end. Sets $found, $lastEnd, $quoted and $blankMayStart.
  (func (export "scan") (param $from i32) (param $to i32) (param $limit i32) (result i32)
    (local $at i32)
    (local $left i32)
    (local $found i32)
    (local $lastEnd i32)
    (local $skip i32)
    (local $quotes i64)
    (local $feeds i64)
    (local $inside i64)
    (local $ends i64)
    (local $valid i64)
    (local $low i64)
    ;; Bit 0 set when the block before ended with a record's end.
    (local $endCarry i64)
    (local $mayStart i32)
    ;; All ones while inside quotes, carried from block to block.
    (local $carry i64)
    (local $quote v128)
    (local $feed v128)
    (local.set $carry (i64.sub (i64.const 0) (i64.extend_i32_u (global.get $quoted))))
    (local.set $lastEnd (i32.const -1))
    (local.set $quote (i8x16.splat (i32.const 0x22)))
    (local.set $feed (i8x16.splat (i32.const 0x0a)))
    (local.set $at (local.get $from))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $at) (local.get $to)))
        (local.set $quotes (call $mask (local.get $at) (local.get $quote)))
        (local.set $feeds (call $mask (local.get $at) (local.get $feed)))
        (local.set $low (call $lowMask (local.get $at)))
        (local.set $left (i32.sub (local.get $to) (local.get $at)))
        (if (i32.lt_u (local.get $left) (i32.const 64))
          (then
            (local.set $valid
              (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $left))) (i64.const 1)))
            (local.set $quotes (i64.and (local.get $quotes) (local.get $valid)))
            (local.set $feeds (i64.and (local.get $feeds) (local.get $valid)))
            (local.set $low (i64.and (local.get $low) (local.get $valid)))))
        (local.set $inside
          (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 1))))
        (local.set $inside
          (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 2))))
        (local.set $inside
          (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 4))))
        (local.set $inside
          (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 8))))
        (local.set $inside
          (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 16))))
        (local.set $inside
          (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 32))))
        (local.set $inside (i64.xor (local.get $inside) (local.get $carry)))
        (local.set $ends (i64.and (local.get $feeds) (i64.xor (local.get $inside) (i64.const -1))))
        (local.set $carry (i64.shr_s (local.get $inside) (i64.const 63)))
        ;; The bytes just after a record's end, the first of the block after the last's.
        (if (i64.ne
              (i64.and
                (i64.or (i64.shl (local.get $ends) (i64.const 1)) (local.get $endCarry))
                (local.get $low))
              (i64.const 0))
          (then (local.set $mayStart (i32.const 1))))
        (local.set $endCarry (i64.shr_u (local.get $ends) (i64.const 63)))
        (if (i64.ne (local.get $ends) (i64.const 0))
          (then
            (local.set $skip (i32.sub (local.get $limit) (local.get $found)))
            (local.set $found
              (i32.add (local.get $found) (i32.wrap_i64 (i64.popcnt (local.get $ends)))))
            (if (i32.ge_u (local.get $found) (local.get $limit))
              (then
                ;; The limit falls in this block: its end is the $skip-th set bit of $ends.
                (loop $clear
                  (if (i32.gt_u (local.get $skip) (i32.const 1))
                    (then
                      (local.set $ends
                        (i64.and (local.get $ends) (i64.sub (local.get $ends) (i64.const 1))))
                      (local.set $skip (i32.sub (local.get $skip) (i32.const 1)))
                      (br $clear))))
                (local.set $at
                  (i32.add
                    (i32.add (local.get $at) (i32.wrap_i64 (i64.ctz (local.get $ends))))
                    (i32.const 1)))
                (global.set $found (local.get $limit))
                (global.set $lastEnd (local.get $at))
                (global.set $blankMayStart (local.get $mayStart))
                ;; A record ends outside quotes.
                (global.set $quoted (i32.const 0))
                (return (local.get $at))))
            (local.set $lastEnd
              (i32.sub (i32.add (local.get $at) (i32.const 64))
                (i32.wrap_i64 (i64.clz (local.get $ends)))))))
        (local.set $at (i32.add (local.get $at) (i32.const 64)))
        (br $blocks)))
    (global.set $found (local.get $found))
    (global.set $lastEnd (local.get $lastEnd))
    (global.set $blankMayStart (local.get $mayStart))
    (global.set $quoted (i32.wrap_i64 (i64.and (local.get $carry) (i64.const 1))))
    (local.get $to))
)
