// theta.GetVcpByHeight, GetGcpByHeight, GetEenpByHeight, GetStakeRewardDistributionByHeight: the
// stake pools in the state after the block at a height. Go answers one pair per block at that
// height (forks); a committed chain has one block per height, so at most one pair, and none above
// the head.
#include <set>

#include "absl/strings/str_cat.h"
#include "theta/core/status.hpp"
#include "theta_rpc_methods.hpp"

namespace theta::node::theta_rpc {
namespace {

using PoolReader = std::function<absl::StatusOr<Json>(const ledger::LedgerState&)>;

// {pairs_key: [{"BlockHash": …, <what read gives>…}]} for the block at params.height.
absl::StatusOr<Json> PairsAtHeight(const Context& ctx, const Json& params,
                                   std::string_view pairs_key, std::string_view pool_name,
                                   const PoolReader& read) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  THETA_ASSIGN_OR_RETURN(uint64_t height, RequiredHeight(args, "height"));
  Json pairs = Json::array();
  if (height <= ctx.chain->Height()) {
    THETA_ASSIGN_OR_RETURN(BlockRecord block, ctx.chain->BlockAt(height));
    Json pair;
    absl::Status status = ctx.chain->WithState(height, [&](ledger::LedgerState& state) {
      THETA_ASSIGN_OR_RETURN(pair, read(state));
      return absl::OkStatus();
    });
    if (absl::IsNotFound(status)) {
      return ServerError(absl::StrCat("the ", std::string(pool_name), " for height ", height,
                                      " does not exists, it might have been pruned"));
    }
    THETA_RETURN_IF_ERROR(status);
    pair["BlockHash"] = HexLower(block.hash.view());
    pairs.push_back(std::move(pair));
  }
  return Json{{std::string(pairs_key), pairs}};
}

Json BlsPoolJson(const ledger::BlsCandidatePool& pool) {
  Json list = Json::array();
  for (const auto& holder : pool.sorted)
    list.push_back(BlsHolderJson(holder));
  return list;
}

Json RewardRuleJson(const ledger::RewardRule& rule) {
  return Json{{"StakeHolder", HexLower(rule.holder.view())},
              {"Beneficiary", HexLower(rule.beneficiary.view())},
              {"SplitBasisPoint", rule.split_basis_point}};
}

// The rules of every guardian and EEN holder: a rule can only be set by one (the state trie has no
// prefix iteration to list the rule keys themselves).
absl::StatusOr<Json> AllRewardRules(const ledger::LedgerState& state) {
  THETA_ASSIGN_OR_RETURN(ledger::BlsCandidatePool guardians, ledger::GetGuardianPool(state));
  THETA_ASSIGN_OR_RETURN(ledger::BlsCandidatePool eens, ledger::GetEliteEdgeNodePool(state));
  std::set<Address> holders;
  for (const auto& holder : guardians.sorted)
    holders.insert(holder.stake_holder.holder);
  for (const auto& holder : eens.sorted)
    holders.insert(holder.stake_holder.holder);
  Json rules = Json::array();
  for (const Address& holder : holders) {
    THETA_ASSIGN_OR_RETURN(std::optional<ledger::RewardRule> rule,
                           ledger::GetRewardRule(state, holder));
    if (rule) rules.push_back(RewardRuleJson(*rule));
  }
  return rules;
}

}  // namespace

absl::StatusOr<Json> GetVcpByHeight(const Context& ctx, const Json& params) {
  return PairsAtHeight(
      ctx, params, "BlockHashVcpPairs", "VCP",
      [](const ledger::LedgerState& state) -> absl::StatusOr<Json> {
        THETA_ASSIGN_OR_RETURN(ledger::ValidatorCandidatePool pool,
                               ledger::GetValidatorPool(state));
        Json candidates = Json::array();
        for (const auto& holder : pool.sorted_candidates) {
          candidates.push_back(StakeHolderJson(holder));
        }
        // Go's HeightList of stake txs is not kept here.
        return Json{{"Vcp", {{"SortedCandidates", candidates}}}, {"HeightList", nullptr}};
      });
}

absl::StatusOr<Json> GetGcpByHeight(const Context& ctx, const Json& params) {
  return PairsAtHeight(ctx, params, "BlockHashGcpPairs", "GCP",
                       [](const ledger::LedgerState& state) -> absl::StatusOr<Json> {
                         THETA_ASSIGN_OR_RETURN(ledger::BlsCandidatePool pool,
                                                ledger::GetGuardianPool(state));
                         return Json{{"Gcp", {{"SortedGuardians", BlsPoolJson(pool)}}}};
                       });
}

absl::StatusOr<Json> GetEenpByHeight(const Context& ctx, const Json& params) {
  return PairsAtHeight(ctx, params, "BlockHashEenpPairs", "EENP",
                       [](const ledger::LedgerState& state) -> absl::StatusOr<Json> {
                         THETA_ASSIGN_OR_RETURN(ledger::BlsCandidatePool pool,
                                                ledger::GetEliteEdgeNodePool(state));
                         return Json{{"EENs", BlsPoolJson(pool)}};
                       });
}

absl::StatusOr<Json> GetStakeRewardDistributionByHeight(const Context& ctx, const Json& params) {
  THETA_ASSIGN_OR_RETURN(Json args, ParamsObject(params));
  std::optional<Address> holder;
  if (args.contains("address") && !args["address"].is_null()) {
    THETA_ASSIGN_OR_RETURN(std::string text, RequiredString(args, "address"));
    if (!text.empty()) {
      THETA_ASSIGN_OR_RETURN(holder, ParseAddressParam(text));
    }
  }
  return PairsAtHeight(ctx, params, "BlockHashStakeRewardDistributionRuleSetPairs",
                       "reward distribution",
                       [holder](const ledger::LedgerState& state) -> absl::StatusOr<Json> {
                         Json rules = Json::array();
                         if (holder) {
                           THETA_ASSIGN_OR_RETURN(std::optional<ledger::RewardRule> rule,
                                                  ledger::GetRewardRule(state, *holder));
                           if (rule) rules.push_back(RewardRuleJson(*rule));
                         } else {
                           THETA_ASSIGN_OR_RETURN(rules, AllRewardRules(state));
                         }
                         return Json{{"StakeRewardDistributionRuleSet", rules}};
                       });
}

}  // namespace theta::node::theta_rpc
