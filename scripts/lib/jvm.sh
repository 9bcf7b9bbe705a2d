# Sourced by scripts/neurosweep and scripts/bench/*: how NeuroSweep's JVMs are started.
#
# nd4j_native PREFIX   sets $native (generic | avx2 | avx512: NEUROSWEEP_NATIVE, else the best build this CPU runs)
#                      and $ext (the matching -Djavacpp.platform.extension value: "", -avx2 or -avx512); exits 2
#                      naming PREFIX when NEUROSWEEP_NATIVE is not one of the three. With avx512 it also exports
#                      OPENBLAS_CORETYPE=SkylakeX unless set: the OpenBLAS that ND4J bundles (0.3.19) predates AMD's
#                      AVX-512 cores and gives them its AVX2 (Haswell) kernels, at half the GEMM throughput.
# spark_opens          the --add-opens flags Spark needs on Java 17 (array).
#
# Sourcing it also exports OMP_WAIT_POLICY=PASSIVE unless set: libnd4j's OpenMP threads then sleep between ops
# instead of spinning, and stop stealing the cores from OpenBLAS's own threads during the next GEMM. On 2 cores this
# makes the 110M forward 1.6x faster (docs/BENCHMARKS.md); ND4J reads it once, when its native library loads.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# Likewise OpenBLAS's idle worker threads: by default they call sched_yield in a loop for 2^28 cycles (~0.1 s) after
# each BLAS call, through every libnd4j op in between. 20 (2^20 cycles, ~0.3 ms) keeps them awake across the
# back-to-back GEMVs of a decoding step but lets them sleep during a forward's elementwise ops (docs/BENCHMARKS.md).
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-20}"
# And glibc's malloc, unless GLIBC_TUNABLES is set: a fixed mmap threshold of 128 KiB. ND4J's workspaces spill to
# malloc while they learn their sizes (a training step's first cycle: gigabytes of MB-sized arrays); with glibc's
# default, a threshold that rises to 32 MiB after the first free, those arrays land in malloc's arenas, which keep them
# after the free: about 1 GB resident for good at the 134M shape. Mapped directly, they go back to the system when
# freed (the AdamW step's peak resident memory 7.1 -> 6.0 GB, steady steps no slower; docs/BENCHMARKS.md).
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=131072}"

nd4j_native() {
  native="${NEUROSWEEP_NATIVE:-}"
  if [[ -z "$native" ]]; then
    local flags
    flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
    if [[ "$flags" == *avx512f* && "$flags" == *avx512bw* && "$flags" == *avx512dq* && "$flags" == *avx512vl* ]]; then
      native=avx512
    elif [[ "$flags" == *avx2* && "$flags" == *fma* ]]; then
      native=avx2
    else
      native=generic
    fi
  fi
  case "$native" in
    generic) ext="" ;;
    avx2|avx512) ext="-$native" ;;
    *) echo "$1: NEUROSWEEP_NATIVE must be generic, avx2 or avx512 (got '$native')" >&2; exit 2 ;;
  esac
  if [[ "$native" == avx512 ]]; then
    export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-SkylakeX}"
  fi
}

spark_opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true)
