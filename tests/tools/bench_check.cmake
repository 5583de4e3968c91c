# Runs a tiny `airan bench` and checks its JSON report: every field the report documents is present, the slots were
# all decoded (CRC failures and payload mismatches 0) and the numbers are consistent.
# Usage: cmake -DAIRAN=<airan> -DOUT=<json file> -P bench_check.cmake
execute_process(COMMAND ${AIRAN} bench --cells 1 --slots 3 --prb 24 --warmup 1 --json ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "airan bench exited with ${rc}")
endif()
file(READ ${OUT} report)

foreach(path "profile;prb" "profile;tbs_bits" "profile;slot_duration_us" "backend;requested" "backend;used"
        "backend;stages;channel_estimation" "backend;stages;equalization" "backend;stages;demapping"
        "backend;stages;decoding" "cell_slots" "crc_ok" "crc_failures" "payload_mismatches" "wall_s"
        "decoded_gbit_per_s" "slot_latency_us;p50" "slot_latency_us;p99" "slot_latency_us;p99.9"
        "slot_latency_us;max" "stage_mean_us;channel_estimation" "stage_mean_us;equalization"
        "stage_mean_us;demapping" "stage_mean_us;decoding" "stage_mean_us;total"
        "cells_sustainable;per_thread_mean_latency" "cells_sustainable;per_thread_p99_latency"
        "cells_sustainable;all_threads_measured")
  string(JSON value ERROR_VARIABLE err GET "${report}" ${path})
  if(err)
    message(FATAL_ERROR "JSON report lacks ${path}: ${err}")
  endif()
endforeach()

macro(expect path expected)
  string(JSON value GET "${report}" ${path})
  if(NOT "${value}" STREQUAL "${expected}")
    message(FATAL_ERROR "${path} is ${value}, expected ${expected}")
  endif()
endmacro()
expect("crc_failures" 0)
expect("payload_mismatches" 0)
expect("cell_slots" 3)
expect("crc_ok" 3)
expect("profile;prb" 24)
expect("backend;used" "cpu")
expect("backend;stages;decoding" "cpu")

# Latency percentiles are ordered; throughput is positive.
string(JSON p50 GET "${report}" slot_latency_us p50)
string(JSON p99 GET "${report}" slot_latency_us p99)
string(JSON max GET "${report}" slot_latency_us max)
string(JSON gbps GET "${report}" decoded_gbit_per_s)
if(p50 GREATER p99 OR p99 GREATER max OR NOT gbps GREATER 0)
  message(FATAL_ERROR "inconsistent report: p50 ${p50}, p99 ${p99}, max ${max}, ${gbps} Gbit/s")
endif()
