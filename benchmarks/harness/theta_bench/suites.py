"""The suites, as data. Adding a suite is adding one Suite(...) entry to SUITES.

A Google Benchmark suite names its CMake target and binary, which cases to run (Python regexes on the
case names Google Benchmark lists), which cases are anchors measured in the same run (Pair), which cases
have a recorded figure in ../shared/data (Recorded), and which metric a case is judged by when it is not
time per operation (Metric). A case key matches a case whose name equals it or starts with key + '/'.

A suite whose binary is not in the build is reported as "not built" with a note; a suite whose target
does not exist in this tree yet (consensus, video until those libraries land) the same way.
"""

from dataclasses import dataclass, field
from typing import Callable

from .anchors import SUM, RecordedFigures


@dataclass(frozen=True)
class Pair:
    """ours is compared with anchor, a case of the same binary measured in the same run."""

    ours: str
    anchor: str
    label: str


@dataclass(frozen=True)
class Recorded:
    """ours is compared with a figure recorded on this machine class (not measured here)."""

    ours: str
    source: str  # path under ../shared/data
    row: str  # first cell of the table row
    label: str
    column: int = 1
    part: int = 0  # which side of 'a / b' in the cell; anchors.SUM adds the sides


@dataclass(frozen=True)
class CommandAnchor:
    """ours is compared with another program measured in the same run, one invocation per case.

    argv may use {repo}, {data} (../shared/data), {case}, {repetitions} and {min_time}; the program
    prints a JSON line {"repeats_ns": [...], ...} (CPU ns per operation, one per repetition) and may add
    "gas_used" for a same-work check. requires: paths that must exist, else a labelled skip.
    """

    ours: str
    argv: tuple[str, ...]
    label: str
    exclude: str = ""
    requires: tuple[str, ...] = ()
    exclude_note: str = ""


@dataclass(frozen=True)
class Metric:
    """Judge matching cases by a Google Benchmark counter instead of time per operation."""

    match: str
    counter: str
    unit: str
    better: str  # "higher" or "lower"


@dataclass
class Suite:
    name: str
    description: str
    kind: str = "gbench"  # "gbench", "chain" (processes under load, chain.py), "swarm" (swarm.py),
    # or "planned" (no runner yet)
    target: str = ""
    binary: str = ""  # relative to the build directory
    source_dir: str = ""  # relative to the repository; absent means the suite has not landed
    include: str = ""  # regex on case names; empty: all cases
    exclude: str = ""
    quick_include: str = ""  # replaces include under --quick when set
    quick_exclude: str = ""
    pairs: list[Pair] = field(default_factory=list)
    recorded: list[Recorded] = field(default_factory=list)
    recorded_from: Callable[[RecordedFigures], list[Recorded]] | None = None
    commands: list[CommandAnchor] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    note: str = ""
    also_build: list[tuple[str, str]] = field(default_factory=list)  # (target, binary) the runner also needs
    sweeps_from: str = ""  # an experiment file whose [[sweeps]] run whenever this suite is selected

    def all_recorded(self, figures: RecordedFigures) -> list[Recorded]:
        extra = self.recorded_from(figures) if self.recorded_from else []
        return list(self.recorded) + extra


def key_matches(key: str, case: str) -> bool:
    return case == key or case.startswith(key + "/")


_ANCHORS = "anchors.md"
_EVM_ANCHOR = "evm-benchmarks/ANCHOR.md"


def _evm_recorded(figures: RecordedFigures) -> list[Recorded]:
    # ANCHOR.md's first table: "| snailtracer / benchmark | 27.2 ms |" is our case
    # execute/main/snailtracer/benchmark.
    out = []
    for cells in figures.rows(_EVM_ANCHOR, 0):
        case = cells[0].replace(" / ", "/").replace(" ", "")
        out.append(
            Recorded(f"execute/main/{case}", _EVM_ANCHOR, cells[0], "evmone baseline (recorded)")
        )
    return out


_GMP = "GMP mpz (same run)"
_LIBSECP = "libsecp256k1 called directly (same run)"
_LEVELDB = "raw LevelDB (same run)"
_BLST = "blst"

SUITES: list[Suite] = [
    Suite(
        name="core",
        description="theta-core: uint256, hashes, secp256k1, RLP, key-value store, Merkle Patricia Trie",
        target="theta_core_bench",
        binary="benchmarks/core/theta_core_bench",
        source_dir="benchmarks/core",
        pairs=[
            Pair("BM_Uint256Mul", "BM_GmpMul", _GMP),
            Pair("BM_Uint256Div", "BM_GmpDiv", _GMP),
            Pair("BM_Uint256Div64", "BM_GmpDiv64", _GMP),
            Pair("BM_Uint256Mod", "BM_GmpMod", _GMP),
            Pair("BM_Uint256Exp", "BM_GmpExp", _GMP),
            Pair("BM_Uint256AddMod", "BM_GmpAddMod", _GMP),
            Pair("BM_Uint256MulMod", "BM_GmpMulMod", _GMP),
            Pair("BM_Keccak256/200", "BM_Keccak256CryptoPP/200", "Crypto++ called directly (same run)"),
            Pair("BM_Blake2b256/32", "BM_Blake2b256Libsodium/32", "libsodium called directly (same run)"),
            Pair("BM_Blake2b256/1024", "BM_Blake2b256Libsodium/1024", "libsodium called directly (same run)"),
            Pair("BM_Secp256k1Sign", "BM_Secp256k1SignLibsecp", _LIBSECP),
            Pair("BM_Secp256k1Verify", "BM_Secp256k1VerifyLibsecp", _LIBSECP),
            Pair("BM_Secp256k1Recover", "BM_Secp256k1RecoverLibsecp", _LIBSECP),
            Pair("BM_KvPut/LevelDb", "BM_RawLevelDbPut", _LEVELDB),
            Pair("BM_KvWriteBatch1000/LevelDb", "BM_RawLevelDbWriteBatch1000", _LEVELDB),
            Pair("BM_KvGet/LevelDb", "BM_RawLevelDbGet", _LEVELDB),
            Pair("BM_TrieInsert100kRootInMemory", "BM_StdMapInsertKeccak100k", "floor: std::map + Keccak (same run)"),
        ],
        recorded=[
            Recorded("BM_Keccak256/200", _ANCHORS, "Keccak-256 of 200 bytes (Crypto++)", "Crypto++ (recorded)"),
            Recorded("BM_Secp256k1Sign", _ANCHORS, "ECDSA sign (recoverable)", "libsecp256k1 0.2.0 (recorded)"),
            Recorded("BM_Secp256k1Verify", _ANCHORS, "ECDSA verify (parsed key)", "libsecp256k1 0.2.0 (recorded)"),
            Recorded(
                "BM_Secp256k1Recover", _ANCHORS, "recover public key from a 65-byte signature",
                "libsecp256k1 0.2.0 (recorded)",
            ),
        ],
    ),
    Suite(
        name="crypto",
        description="theta-crypto: BN254 fields, curves and pairing; BLS12-381 and BLS signatures",
        target="theta_crypto_bench",
        binary="benchmarks/crypto/theta_crypto_bench",
        source_dir="benchmarks/crypto",
        # Preparing 10,000 signers costs seconds of setup per case: full runs only.
        quick_exclude=r"/10000$",
        # blst itself in the same run where its binding has the call (benchmarks/crypto/blst_anchor.cjs);
        # the recorded figures stay beside them, and alone on the rows the binding cannot time.
        commands=[
            CommandAnchor(
                key,
                ("node", "{repo}/benchmarks/crypto/blst_anchor.cjs", "--case", "{case}",
                 "--repetitions", "{repetitions}", "--min-time", "{min_time}"),
                "blst via @chainsafe/blst 2.2.0 (same run)",
                requires=("{repo}/tests/node_modules/@chainsafe/blst",),
            )
            for key in ("BM_BlsKeyGenAndPk", "BM_BlsSign", "BM_BlsPublicKeyDecode", "BM_BlsSignatureDecode",
                        "BM_BlsVerify", "BM_BlsFastAggregateVerify")
        ],
        recorded=[
            Recorded("BM_BlsKeyGenAndPk", _ANCHORS, "keygen + public key", _BLST),
            Recorded("BM_BlsHashToG2", _ANCHORS, "hash to G2 (RFC 9380 SSWU RO)", _BLST),
            Recorded("BM_BlsSign", _ANCHORS, "sign", _BLST),
            Recorded("BM_BlsPublicKeyDecode", _ANCHORS,
                     "public key decompress + G1 subgroup check (once per key)", _BLST),
            Recorded("BM_BlsSignatureDecode", _ANCHORS, "signature decompress / G2 subgroup check",
                     "blst decompress + G2 subgroup check (recorded)", part=SUM),
            Recorded("BM_BlsVerify", _ANCHORS, "single verify", _BLST),
            Recorded("BM_Bls12381MillerLoop", _ANCHORS, "Miller loop (1 pair) / final exponentiation", _BLST),
            Recorded("BM_Bls12381FinalExponentiation", _ANCHORS,
                     "Miller loop (1 pair) / final exponentiation", _BLST, part=1),
            Recorded("BM_BlsFastAggregateVerify/1000", _ANCHORS,
                     "FastAggregateVerify, 1,000 signatures already decoded", _BLST),
            Recorded("BM_BlsFastAggregateVerify/10000", _ANCHORS, "FastAggregateVerify, 10,000 decoded", _BLST),
            Recorded("BM_BlsVerifyBitmap/1000", _ANCHORS,
                     "verify an aggregate with a signer bitmap, 1,000 / 10,000 signers", _BLST),
            Recorded("BM_BlsVerifyBitmap/10000", _ANCHORS,
                     "verify an aggregate with a signer bitmap, 1,000 / 10,000 signers", _BLST, part=1),
            Recorded("BM_BlsVerifyWeighted/1000", _ANCHORS,
                     "verify an aggregate with 10-bit multiplicities (MSM over keys), 1,000 / 10,000", _BLST),
            Recorded("BM_BlsVerifyWeighted/10000", _ANCHORS,
                     "verify an aggregate with 10-bit multiplicities (MSM over keys), 1,000 / 10,000",
                     _BLST, part=1),
            Recorded("BM_Bls12381G2MixedAdd", _ANCHORS, "G2 / G1 mixed addition", _BLST),
            Recorded("BM_Bls12381G1MixedAdd", _ANCHORS, "G2 / G1 mixed addition", _BLST, part=1),
        ],
    ),
    Suite(
        name="evm",
        description="theta-evm: evmone's benchmark set (ipsilon/evm-benchmarks), run as evmone-bench runs it",
        target="theta_evm_bench",
        binary="benchmarks/evm/theta_evm_bench",
        source_dir="benchmarks/evm",
        quick_include=r"^execute/main/",
        recorded_from=_evm_recorded,
        commands=[
            CommandAnchor(
                "execute/main",
                ("node", "{repo}/benchmarks/harness/anchors/ethereumjs_evm.mjs", "--repo", "{repo}",
                 "--data", "{data}/evm-benchmarks", "--case", "{case}", "--repetitions", "{repetitions}",
                 "--min-time", "{min_time}"),
                "@ethereumjs/evm 10.1.3 on Node (same run)",
                # 235 M gas at about 1.5 M gas/s: minutes per execution.
                exclude=r"snailtracer",
                exclude_note="@ethereumjs/evm left out: minutes per execution",
                requires=("{repo}/tests/node_modules/@ethereumjs/evm",),
            )
        ],
        note="evmone does not install here: its figures are recorded; @ethereumjs/evm (npm) runs in the same run",
    ),
    Suite(
        name="ledger",
        description="theta-ledger: SendTx encode/decode, apply throughput of a 1,000-send block",
        target="theta_ledger_bench",
        binary="benchmarks/ledger/theta_ledger_bench",
        source_dir="benchmarks/ledger",
        metrics=[Metric("BM_ApplySendBlock", "items_per_second", "tx/s", "higher")],
        note="no anchor installs here for the ledger; the issue's goal is >= 50,000 tx/s applied on one core",
    ),
    Suite(
        name="compute",
        description="theta-edge-compute: SGEMM (Vulkan and CPU backend) against OpenBLAS, dispatch latency, resize",
        target="theta_compute_bench",
        binary="benchmarks/compute/theta_compute_bench",
        source_dir="benchmarks/compute",
        # The tiling sweep is a tuning tool that takes minutes; run it by hand.
        exclude=r"^BM_VulkanSgemmTiling",
        pairs=[
            Pair("BM_CpuBackendSgemm/1024", "BM_OpenBlasSgemm/1024", "OpenBLAS cblas_sgemm (same run)"),
            Pair("BM_VulkanSgemm/1024", "BM_OpenBlasSgemm/1024", "OpenBLAS cblas_sgemm (same run)"),
            Pair("BM_VulkanResize720pTo480p", "BM_FfmpegScaleVulkan720pTo480p",
                 "FFmpeg scale_vulkan on the same device (same run)"),
            Pair("BM_CpuResize720pTo480p", "BM_FfmpegScaleVulkan720pTo480p",
                 "FFmpeg scale_vulkan on the same device (same run)"),
        ],
        metrics=[
            Metric("BM_OpenBlasSgemm", "GFLOP/s", "GFLOP/s", "higher"),
            Metric("BM_CpuBackendSgemm", "GFLOP/s", "GFLOP/s", "higher"),
            Metric("BM_VulkanSgemm", "GFLOP/s", "GFLOP/s", "higher"),
            Metric("BM_VulkanResize720pTo480p", "frames/s", "frames/s", "higher"),
            Metric("BM_CpuResize720pTo480p", "frames/s", "frames/s", "higher"),
            Metric("BM_FfmpegScaleVulkan720pTo480p", "frames/s", "frames/s", "higher"),
        ],
    ),
    Suite(
        name="consensus",
        description="theta-consensus: deterministic simulator sweeps (validators, guardians, latency, byzantine)",
        target="theta_consensus_bench",
        binary="benchmarks/consensus/theta_consensus_bench",
        source_dir="benchmarks/consensus",
        quick_exclude=r"^BM_GuardianFinalize/1000/",  # a minute of BLS each: full runs only
        also_build=[("theta_sim", "apps/sim/theta-sim")],
        sweeps_from="benchmarks/experiments/consensus.toml",
        note="plus the theta-sim --measure sweeps of benchmarks/experiments/consensus.toml (guardians up to "
             "10,000: the full run takes hours of CPU; --quick uses small values)",
    ),
    Suite(
        name="video",
        description="theta-p2p-video: segmenting and transcoding beside the ffmpeg command line",
        kind="planned",
        target="theta_video_bench",
        binary="benchmarks/video/theta_video_bench",
        source_dir="benchmarks/video",
        note="planned: not wired in yet; theta-video-segment-bench (benchmarks/video) measures segmenting beside the "
             "ffmpeg CLI by hand (docs/benchmarks.md, theta-p2p-video), and the swarm suite runs the simulator",
    ),
    Suite(
        name="chain",
        description="devnet of theta-node processes on loopback under theta-loadgen: committed tx/s beside the "
                    "signature-check ceiling, submit-to-commit latency at half that load, CPU and memory per node",
        kind="chain",
        target="theta_loadgen",
        binary="benchmarks/node/theta-loadgen",
        source_dir="benchmarks/node",
        also_build=[("theta_node", "apps/node/theta-node")],
        note="phases and devnet from the config's [chain] table (chain.py); --duration S sets max:S,half:S",
    ),
    Suite(
        name="swarm",
        description="the video swarm simulation (viewers, edges, churn) against its HTTP-only baseline of the "
                    "same seed: offload, origin egress, startup latency, rebuffer ratio",
        kind="swarm",
        target="theta_video_swarm_sim",
        binary="benchmarks/video/theta-video-swarm-sim",
        source_dir="benchmarks/video",
        note="runs and seeds from the config's [swarm] table (swarm.py); real time: about 30 s per run at 100 viewers",
    ),
]

DEFAULT_SUITES = [s.name for s in SUITES]


def find(name: str) -> Suite | None:
    return next((s for s in SUITES if s.name == name), None)
