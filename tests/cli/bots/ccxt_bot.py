"""A small real ccxt bot: markets, balance, one limit order placed and cancelled.

Run it with the key handed over by okx-wizard, never from a file:
    okx-wizard --simulator exec PROFILE -- python tests/cli/bots/ccxt_bot.py
It reads OKX's own variable names (`exec`'s default `--for okx`) through okx-wizard's table and
gets the right ccxt class (okx, myokx, okxus; sandbox mode for a demo key).
"""

from __future__ import annotations

import sys

from okx_wizard import credentials_from_env

SYMBOL = "BTC/USDT"


def main() -> int:
    creds = credentials_from_env()  # OKX_API_KEY, OKX_SECRET_KEY, OKX_PASSPHRASE, OKX_SITE, ...
    exchange = creds.ccxt_exchange()
    markets = exchange.load_markets()
    balance = exchange.fetch_balance()
    ticker = exchange.fetch_ticker(SYMBOL)
    market = markets[SYMBOL]
    amount = max(float(market["limits"]["amount"]["min"] or 0.0001), 0.0001)
    price = exchange.price_to_precision(SYMBOL, float(ticker["last"]) * 0.5)  # far from a fill
    order = exchange.create_order(SYMBOL, "limit", "buy", amount, float(price))
    exchange.cancel_order(order["id"], SYMBOL)
    usdt = balance.get("USDT", {}).get("total")
    print(f"ccxt {exchange.id}: {len(markets)} markets, USDT {usdt}, order {order['id']} cancelled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
