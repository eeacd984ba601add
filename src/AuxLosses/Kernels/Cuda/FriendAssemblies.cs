using System.Runtime.CompilerServices;

// The GPU check harness drives the kernels on raw driver buffers (--driver-only) through internal types.
[assembly: InternalsVisibleTo("AuxLosses.GpuCheck")]
