// LoadRun (run.hpp): senders, the commit observer, draining and reading the blocks back.
#include "run.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include "absl/strings/str_cat.h"
#include "http.hpp"

namespace theta::loadgen {
namespace {

using Json = nlohmann::json;

// Debian's Abseil has its own string_view, so plain helpers instead of SimpleAtod and StrSplit.
bool ParseDouble(std::string_view text, double& value) {
  const std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size();
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

void SleepUs(int64_t us) {
  std::this_thread::sleep_for(std::chrono::microseconds(std::max<int64_t>(us, 50)));
}

// The value of a sample line "name value" (or "name{labels} value") of a Prometheus page.
bool MetricValue(std::string_view page, std::string_view name, double& value) {
  size_t at = 0;
  while ((at = page.find(name, at)) != std::string_view::npos) {
    const bool line_start = at == 0 || page[at - 1] == '\n';
    const size_t end = at + name.size();
    if (line_start && end < page.size() && (page[end] == ' ' || page[end] == '{')) {
      const size_t space = page.find(' ', end);
      const size_t eol = page.find('\n', space);
      std::string_view number = page.substr(
          space + 1, eol == std::string_view::npos ? std::string_view::npos : eol - space - 1);
      return ParseDouble(number, value);
    }
    at = end;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<PhaseSpec>> ParsePhases(std::string_view spec) {
  std::vector<PhaseSpec> phases;
  for (std::string_view part : Split(spec, ',')) {
    if (part.empty()) continue;
    std::vector<std::string_view> f = Split(part, ':');
    PhaseSpec p;
    p.kind = std::string(f[0]);
    const bool rate = p.kind == "rate";
    bool ok = (p.kind == "max" || p.kind == "half" || rate) && f.size() == (rate ? 3u : 2u) &&
              ParseDouble(f.back(), p.seconds) && p.seconds > 0;
    if (ok && rate) ok = ParseDouble(f[1], p.rate) && p.rate > 0;
    if (!ok)
      return absl::InvalidArgumentError(
          absl::StrCat("--phases: \"", std::string(part),
                       "\" is not max:SECONDS, half:SECONDS or rate:TX_PER_S:SECONDS"));
    phases.push_back(p);
  }
  if (phases.empty()) return absl::InvalidArgumentError("--phases: no phase given");
  return phases;
}

LoadRun::LoadRun(const Devnet& devnet, TxSet& txs, RunOptions options)
    : devnet_(devnet), txs_(txs), options_(options), epoch_(std::chrono::steady_clock::now()) {
  for (size_t i = 0; i < devnet.nodes.size(); ++i) {
    senders_.push_back(std::make_unique<Sender>(i, devnet.nodes[i].rpc_port));
    senders_.back()->cursor = i;
  }
}

LoadRun::~LoadRun() {
  running_ = false;
  if (observer_.joinable()) observer_.join();
}

int64_t LoadRun::NowUs() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               epoch_)
      .count();
}

absl::Status LoadRun::Start() {
  HttpConnection conn("127.0.0.1", std::to_string(devnet_.nodes[options_.observer].rpc_port));
  absl::StatusOr<std::string> page = conn.Get("/metrics");
  if (!page.ok()) return page.status();
  double height = 0, committed = 0;
  if (!MetricValue(*page, "theta_height", height) ||
      !MetricValue(*page, "theta_txs_committed_total", committed))
    return absl::FailedPreconditionError(
        absl::StrCat(conn.endpoint(), "/metrics has no theta_height or theta_txs_committed_total"));
  height_ = static_cast<uint64_t>(height);
  committed_ = committed_base_ = static_cast<uint64_t>(committed);
  height_us_.assign(height_ + 1, -1);
  height_txs_.assign(height_ + 1, 0);
  running_ = true;
  observer_ = std::thread([this] { Observe(); });
  return absl::OkStatus();
}

void LoadRun::Observe() {
  HttpConnection conn("127.0.0.1", std::to_string(devnet_.nodes[options_.observer].rpc_port));
  while (running_) {
    absl::StatusOr<std::string> page = conn.Get("/metrics");
    const int64_t now = NowUs();
    double height = 0, committed = 0, mempool = 0;
    if (page.ok() && MetricValue(*page, "theta_height", height) &&
        MetricValue(*page, "theta_txs_committed_total", committed)) {
      const auto h = static_cast<uint64_t>(height);
      if (h > height_) {
        std::lock_guard<std::mutex> lock(heights_mu_);
        height_us_.resize(h + 1, now);
        height_txs_.resize(h + 1, 0);
        height_ = h;
      }
      committed_ = static_cast<uint64_t>(committed);
      if (MetricValue(*page, "theta_mempool_size", mempool)) {
        mempool_ = static_cast<uint64_t>(mempool);
        mempool_max_ = std::max<uint64_t>(mempool_max_, mempool_);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms));
  }
}

void LoadRun::SendBatch(Sender& sender, const std::vector<size_t>& batch) {
  std::string body = "[";
  for (size_t k : batch) {
    if (body.size() > 1) body += ',';
    absl::StrAppend(
        &body, "{\"jsonrpc\":\"2.0\",\"id\":", k,
        ",\"method\":\"theta.BroadcastRawTransactionAsync\",\"params\":[{\"tx_bytes\":\"",
        ToHex(txs_.raw(k), false), "\"}]}");
  }
  body += ']';
  const int64_t now = NowUs();
  for (size_t k : batch)
    if (submit_us_[k] < 0) submit_us_[k] = now;
  absl::StatusOr<std::string> answer = sender.conn.PostJson("/rpc", std::move(body));
  Json replies = answer.ok() ? Json::parse(*answer, nullptr, false) : Json();
  if (!replies.is_array()) {
    ++counters_.transport_errors;
    for (size_t k : batch)
      sender.retry.push_back(k);
    std::lock_guard<std::mutex> lock(error_mu_);
    if (first_error_.empty())
      first_error_ = answer.ok() ? answer->substr(0, 300) : std::string(answer.status().message());
    SleepUs(50'000);
    return;
  }
  for (const Json& reply : replies) {
    const size_t k = reply.value("id", size_t{0});
    if (!reply.contains("error")) {
      ++counters_.submitted;
      continue;
    }
    const std::string message = reply["error"].value("message", std::string());
    if (message.find("already") != std::string::npos) {
      ++counters_.duplicate;
      ++counters_.submitted;
    } else if (message.find("full") != std::string::npos) {
      ++counters_.retried;
      sender.retry.push_back(k);
    } else {
      ++counters_.failed;
      std::lock_guard<std::mutex> lock(error_mu_);
      if (first_error_.empty()) first_error_ = message;
    }
  }
}

// rate > 0: transaction j of this sender in the phase is due at t0 + j × senders / rate.
// rate == 0: as many as the window allows.
void LoadRun::SendLoop(Sender& sender, double rate, int64_t t0, int64_t t_end) {
  const double per_sender = rate / static_cast<double>(senders_.size());
  uint64_t j = 0;
  std::vector<size_t> batch;
  for (int64_t now = NowUs(); now < t_end; now = NowUs()) {
    const uint64_t due =
        rate > 0 ? static_cast<uint64_t>(static_cast<double>(now - t0) * per_sender / 1e6) + 1
                 : UINT64_MAX;
    batch.clear();
    while (!sender.retry.empty() && batch.size() < options_.batch) {
      batch.push_back(sender.retry.front());
      sender.retry.pop_front();
    }
    const uint64_t first_new = j;
    while (batch.size() < options_.batch && j < due) {
      if (rate == 0 && counters_.submitted.load() >= Committed() + options_.window) break;
      if (sender.cursor >= txs_.size()) {
        ran_out_ = true;
        break;
      }
      batch.push_back(sender.cursor);
      sender.cursor += senders_.size();
      ++j;
    }
    if (batch.empty()) {
      SleepUs(rate > 0 ? static_cast<int64_t>(t0 + static_cast<double>(j) * 1e6 / per_sender) - now
                       : 1000);
      continue;
    }
    if (rate > 0 && j > first_new) {
      const int64_t lag =
          now - static_cast<int64_t>(t0 + static_cast<double>(first_new) * 1e6 / per_sender);
      sender.lag_max_us = std::max(sender.lag_max_us, lag);
      sender.lag_sum_us += static_cast<double>(lag);
      ++sender.lag_n;
    }
    SendBatch(sender, batch);
  }
}

absl::Status LoadRun::EnsureSigned(size_t count) {
  if (count > txs_.size()) {
    const auto start = std::chrono::steady_clock::now();
    absl::Status status = txs_.SignUpTo(count, options_.sign_threads);
    if (!status.ok()) return status;
    std::fprintf(stderr, "loadgen: signed %zu transactions in %.1f s (before the timed phase)\n",
                 count,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  const size_t old = submit_us_.size();
  submit_us_.resize(txs_.size(), -1);
  commit_us_.resize(txs_.size(), -1);
  index_.reserve(txs_.size());
  for (size_t k = old; k < txs_.size(); ++k)
    index_.emplace(txs_.hash(k), static_cast<uint32_t>(k));
  return absl::OkStatus();
}

void LoadRun::Progress(const std::string& name, int64_t t0, int64_t t_end) {
  const int64_t step = static_cast<int64_t>(options_.progress_s * 1e6);
  uint64_t last_committed = Committed();
  int64_t last = NowUs();
  while (NowUs() < t_end) {
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(step, t_end - NowUs() + 1000)));
    const int64_t now = NowUs();
    const uint64_t committed = Committed();
    const double tps = static_cast<double>(committed - last_committed) * 1e6 /
                       static_cast<double>(std::max<int64_t>(now - last, 1));
    std::fprintf(stderr,
                 "loadgen: [%s %.0f/%.0f s] submitted %llu, committed %llu (%.0f tx/s), height "
                 "%llu, mempool %llu, retried %llu, failed %llu\n",
                 name.c_str(), static_cast<double>(now - t0) / 1e6,
                 static_cast<double>(t_end - t0) / 1e6,
                 static_cast<unsigned long long>(counters_.submitted.load()),
                 static_cast<unsigned long long>(committed), tps,
                 static_cast<unsigned long long>(height_.load()),
                 static_cast<unsigned long long>(mempool_.load()),
                 static_cast<unsigned long long>(counters_.retried.load()),
                 static_cast<unsigned long long>(counters_.failed.load()));
    last_committed = committed;
    last = now;
  }
}

// Waits until everything submitted has committed, or the observed node's mempool is empty and
// nothing has committed for 3 s (a transaction the ledger refused at execution never commits), or
// drain_s has passed.
absl::Status LoadRun::Drain() {
  const int64_t deadline = NowUs() + static_cast<int64_t>(options_.drain_s * 1e6);
  uint64_t last = Committed();
  int64_t last_change = NowUs();
  while (Committed() < counters_.submitted.load() && NowUs() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (Committed() != last) {
      last = Committed();
      last_change = NowUs();
    } else if (mempool_.load() == 0 && NowUs() - last_change > 3'000'000) {
      break;
    }
  }
  // The observer may not have seen the last height yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(4 * options_.poll_ms + 20));
  return absl::OkStatus();
}

absl::Status LoadRun::ReadBlocks(uint64_t from, uint64_t to) {
  HttpConnection conn("127.0.0.1", std::to_string(devnet_.nodes[options_.observer].rpc_port),
                      std::chrono::seconds(120));
  constexpr uint64_t kPerRequest = 4;
  for (uint64_t h = from; h <= to; h += kPerRequest) {
    std::string body = "[";
    for (uint64_t x = h; x <= std::min(to, h + kPerRequest - 1); ++x)
      absl::StrAppend(&body, x == h ? "" : ",", "{\"jsonrpc\":\"2.0\",\"id\":", x,
                      ",\"method\":\"theta.GetBlockByHeight\",\"params\":[{\"height\":\"", x,
                      "\"}]}");
    body += ']';
    absl::StatusOr<std::string> answer = conn.PostJson("/rpc", body);
    if (!answer.ok()) return answer.status();
    Json replies = Json::parse(*answer, nullptr, false);
    if (!replies.is_array())
      return absl::InternalError(absl::StrCat("theta.GetBlockByHeight: ", answer->substr(0, 300)));
    for (const Json& reply : replies) {
      const uint64_t height = reply.value("id", uint64_t{0});
      const Json& block = reply.contains("result") ? reply["result"] : Json();
      if (!block.is_object() || !block.value("transactions", Json()).is_array() ||
          height >= height_us_.size())
        return absl::InternalError(
            absl::StrCat("theta.GetBlockByHeight ", height, ": ", reply.dump().substr(0, 300)));
      std::lock_guard<std::mutex> lock(heights_mu_);
      height_txs_[height] = static_cast<uint32_t>(block["transactions"].size());
      for (const Json& tx : block["transactions"]) {
        absl::StatusOr<Hash32> hash = Hash32::FromHex(tx.value("hash", std::string()));
        auto it = hash.ok() ? index_.find(*hash) : index_.end();
        if (it != index_.end()) commit_us_[it->second] = height_us_[height];
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Json> LoadRun::RunPhase(const PhaseSpec& spec, double rate) {
  const double budget = rate > 0 ? rate * 1.05 + 200 : options_.max_rate;
  absl::Status signed_ok =
      EnsureSigned(senders_[0]->cursor + static_cast<size_t>(budget * spec.seconds) + 1000);
  if (!signed_ok.ok()) return signed_ok;
  ran_out_ = false;
  mempool_max_ = mempool_.load();
  cpu_at_start_ = ProcessCpuSeconds();
  retried_at_start_ = counters_.retried;
  failed_at_start_ = counters_.failed;
  transport_at_start_ = counters_.transport_errors;
  ++phases_run_;
  for (auto& sender : senders_) {
    sender->lag_max_us = 0;
    sender->lag_sum_us = 0;
    sender->lag_n = 0;
  }
  const uint64_t h0 = height_.load();
  const int64_t t0 = NowUs() + 20'000;
  const int64_t t_end = t0 + static_cast<int64_t>(spec.seconds * 1e6);
  std::vector<std::thread> threads;
  for (auto& sender : senders_)
    threads.emplace_back([this, &sender, rate, t0, t_end] { SendLoop(*sender, rate, t0, t_end); });
  Progress(rate > 0 ? absl::StrCat(spec.kind, " ", static_cast<int64_t>(rate), " tx/s") : spec.kind,
           t0, t_end);
  for (std::thread& t : threads)
    t.join();
  cpu_in_phase_ = ProcessCpuSeconds() - cpu_at_start_;
  absl::Status drained = Drain();
  if (!drained.ok()) return drained;
  const uint64_t h1 = height_.load();
  if (h1 > h0) {
    absl::Status read = ReadBlocks(h0 + 1, h1);
    if (!read.ok()) return read;
  }
  return Figures(spec, rate, t0, t_end, h0, h1);
}

}  // namespace theta::loadgen
