"""Downloads every account and its last 60 days with python3-ofxclient, as a person would, and
prints what it got as one JSON object. Arguments: URL ORG FID USERNAME PASSWORD OFX_VERSION [CLIENTUID].
TLS is verified against SSL_CERT_FILE (the test's throwaway certificate)."""
import json
import sys

from ofxclient import Institution

url, org, fid, username, password, version = sys.argv[1:7]
client_args = {"ofx_version": version}
if len(sys.argv) > 7:
    # ofxclient makes a new CLIENTUID per process unless given one: a bank approving
    # CLIENTUIDs would never recognise it again.
    client_args["id"] = sys.argv[7]
institution = Institution(id=fid, org=org, url=url, username=username, password=password, client_args=client_args)
institution.authenticate()
accounts = []
for account in institution.accounts():
    statement = account.statement(days=60)
    accounts.append({
        "kind": type(account).__name__,
        "number": account.number,
        "routing": getattr(account, "routing_number", None),
        "accountType": getattr(account, "account_type", None),
        "balance": str(statement.balance),
        "transactions": [{"fitid": t.id, "amount": str(t.amount), "date": t.date.strftime("%Y-%m-%d")} for t in statement.transactions],
    })
print(json.dumps({"accounts": accounts}))
