"""A small real python-okx bot: instruments, balance, one limit order placed and cancelled.

python-okx reads no environment; this bot reads the names `okx-wizard exec --for python-okx`
sets and passes them to the library:
    okx-wizard --simulator exec PROFILE --for python-okx -- python tests/cli/bots/python_okx_bot.py
"""

from __future__ import annotations

import os
import sys

import okx.Account
import okx.MarketData
import okx.PublicData
import okx.Trade

INST = "BTC-USDT"


def _ok(answer: dict, what: str) -> list:
    if answer.get("code") != "0":
        raise SystemExit(f"{what} failed: code {answer.get('code')} {answer.get('msg')}")
    return answer["data"]


def main() -> int:
    kwargs = {
        "api_key": os.environ["OKX_API_KEY"],
        "api_secret_key": os.environ["OKX_API_SECRET"],
        "passphrase": os.environ["OKX_PASSPHRASE"],
        "flag": os.environ["OKX_FLAG"],  # "0" live, "1" demo
        "domain": os.environ["OKX_DOMAIN"],
        "debug": False,  # python-okx's debug log prints the passphrase header
    }
    instruments = _ok(
        okx.PublicData.PublicAPI(**kwargs).get_instruments(instType="SPOT"), "instruments"
    )
    balance = _ok(okx.Account.AccountAPI(**kwargs).get_account_balance(), "balance")
    last = float(
        _ok(okx.MarketData.MarketAPI(**kwargs).get_ticker(instId=INST), "ticker")[0]["last"]
    )
    trade = okx.Trade.TradeAPI(**kwargs)
    placed = _ok(
        trade.place_order(
            instId=INST,
            tdMode="cash",
            side="buy",
            ordType="limit",
            sz="0.0001",
            px=f"{last * 0.5:.1f}",
        ),
        "order",
    )
    order_id = placed[0]["ordId"]
    _ok(trade.cancel_order(instId=INST, ordId=order_id), "cancel")
    print(
        f"python-okx: {len(instruments)} instruments, equity {balance[0].get('totalEq')}, "
        f"order {order_id} cancelled"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
