// Helpers for theta-net's tests: a node on its own io_context thread, and waiting with a deadline
// so that a hung socket fails a test instead of hanging CI.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include "boost/asio.hpp"
#include "theta/net/host.hpp"

namespace theta::net::testing {

// Polls `condition` every 2 ms until it holds or `timeout` passes; returns its last value.
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// An io_context run by one thread until the object is destroyed.
class IoThread {
 public:
  IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  // Lets the pending work finish (sockets close, lingering reasons go out); after 5 s it gives up,
  // stops the loop and fails the test, so a leaked operation cannot hang the suite.
  ~IoThread() {
    guard_.reset();
    const bool drained = WaitFor([this] { return io_.stopped(); }, std::chrono::seconds(5));
    if (!drained) io_.stop();
    thread_.join();
    CHECK(drained);
  }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

// A started Host on its own thread. The Host is stopped and destroyed before the thread drains.
class TestNode {
 public:
  explicit TestNode(HostOptions options = {}, NodeKey key = NodeKey::Generate())
      : host_(std::make_unique<Host>(io_.io(), std::move(key), std::move(options))) {}
  ~TestNode() { host_.reset(); }
  Host& host() { return *host_; }
  Host* operator->() { return host_.get(); }
  PeerAddress address() const { return {"127.0.0.1", host_->listen_port(), host_->id()}; }

 private:
  IoThread io_;  // declared first: destroyed last
  std::unique_ptr<Host> host_;
};

// Connects `from` to `to` and waits for the outcome.
inline absl::StatusOr<NodeId> ConnectAndWait(Host& from, const PeerAddress& to) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<NodeId>>>();
  auto future = promise->get_future();
  from.Connect(to, [promise](absl::StatusOr<NodeId> result) { promise->set_value(result); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return absl::DeadlineExceededError("test: connect did not complete in 10 s");
  }
  return future.get();
}

}  // namespace theta::net::testing
