"""Parses each OFX file named on the command line with python3-ofxparse (fail fast) and prints
one JSON line per file: what it understood, or the exception it raised."""
import json
import sys

from ofxparse import OfxParser

for path in sys.argv[1:]:
    try:
        with open(path, "rb") as handle:
            ofx = OfxParser.parse(handle)
        accounts = []
        for account in ofx.accounts:
            statement = getattr(account, "statement", None)
            transactions = getattr(statement, "transactions", None) or []
            balance = getattr(statement, "balance", None)
            accounts.append({
                "id": account.account_id,
                "transactions": len(transactions),
                "fitids": [t.id for t in transactions],
                "balance": None if balance is None else str(balance),
            })
        signon = ofx.signon
        print(json.dumps({"path": path, "ok": True, "code": None if signon is None else signon.code, "accounts": accounts}))
    except Exception as error:  # report every failure: the test shows which file and why
        print(json.dumps({"path": path, "ok": False, "error": f"{type(error).__name__}: {error}"}))
