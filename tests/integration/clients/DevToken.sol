// SPDX-License-Identifier: MIT
// An ERC-20 from OpenZeppelin's contracts, the most common contract people deploy first.
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract DevToken is ERC20 {
    constructor(uint256 supply) ERC20("Devnet Token", "DEV") {
        _mint(msg.sender, supply);
    }
}
