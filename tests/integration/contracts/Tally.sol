// SPDX-License-Identifier: MIT
// The contract the wallet end-to-end test deploys and calls with `theta-wallet contract deploy|call`.
// Compiled into Tally.bin / Tally.abi.json by compile_tally.js (solc-js 0.8.28, optimizer on, cancun).
pragma solidity 0.8.28;

contract Tally {
    uint256 public total;
    address public owner;
    mapping(address => uint256) public added;

    event Added(address indexed by, uint256 amount, string note);

    constructor(uint256 start) payable {
        total = start;
        owner = msg.sender;
    }

    function add(uint256 amount, string calldata note) external payable returns (uint256) {
        total += amount;
        added[msg.sender] += amount;
        emit Added(msg.sender, amount, note);
        return total;
    }
}
