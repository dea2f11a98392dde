// `theta-edge worker [--listen=ADDR] [--port=N] [--port_file=F] [--workers=N] [--max_queued=N]
// [--max_run_s=S] [--min_price=WEI] [--backend=auto|cpu|vulkan]`: an edge compute worker. Takes
// job orders over HTTP JSON-RPC (worker_service.hpp: compute_run, compute_cancel, compute_stats)
// into a Scheduler with `workers` threads until SIGINT or SIGTERM, then shuts down cleanly.
// Exit status: 0 after a signal; 2 for bad flags; 1 when it cannot start (no Vulkan device for
// --backend=vulkan, the port cannot be bound).
#pragma once

namespace theta::edge {

int RunWorkerCommand();

}  // namespace theta::edge
