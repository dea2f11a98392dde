// SPDX-License-Identifier: MIT
// A small contract for tests/python/test_evm.py: constructor argument, storage, an indexed event,
// a return value and a revert with a reason. Compiled by compile_counter.mjs into Counter.json.
pragma solidity ^0.8.20;

contract Counter {
    uint256 public count;

    event Incremented(address indexed by, uint256 newCount);

    constructor(uint256 start) {
        count = start;
    }

    function increment(uint256 by) external returns (uint256) {
        count += by;
        emit Incremented(msg.sender, count);
        return count;
    }

    function fail() external pure {
        revert("Counter: failed on purpose");
    }
}
