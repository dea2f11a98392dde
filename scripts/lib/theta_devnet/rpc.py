"""JSON-RPC 2.0 over HTTP and the Prometheus text format, as a node serves them."""

import json
import urllib.error
import urllib.request


class RpcError(Exception):
    """A call that did not return a result: the node answered with an error object, or could not
    be reached (then `code` is None)."""

    def __init__(self, message, code=None, data=None):
        super().__init__(message)
        self.code = code
        self.data = data


def json_rpc(url, method, params=None, timeout=5.0):
    """Calls `method` at `url` and returns its result; raises RpcError otherwise."""
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": method, "params": params if params is not None else []}
    ).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as e:
        # JSON-RPC servers may answer an error object with a 4xx/5xx status: keep its message.
        try:
            answer = json.loads(e.read())
        except (ValueError, OSError):
            raise RpcError(f"{method} at {url}: HTTP {e.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise RpcError(f"{method} at {url}: {e}") from None
    if not isinstance(answer, dict):
        raise RpcError(f"{method} at {url}: answer is not a JSON object")
    if answer.get("error") is not None:
        error = answer["error"]
        if isinstance(error, dict):
            raise RpcError(
                f"{method} at {url}: {error.get('message')} (code {error.get('code')})",
                error.get("code"),
                error.get("data"),
            )
        raise RpcError(f"{method} at {url}: {error}")
    if "result" not in answer:
        raise RpcError(f"{method} at {url}: answer has neither result nor error")
    return answer["result"]


def parse_metrics(text):
    """Prometheus text exposition → {name: value} for the samples without labels (the node's
    gauges and counters); labelled samples are keyed by their full `name{labels}` text."""
    samples = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # name[{labels}] value [timestamp]
        if "}" in line:
            name, _, rest = line.partition("}")
            name += "}"
        else:
            name, _, rest = line.partition(" ")
        fields = rest.split()
        if not fields:
            continue
        try:
            samples[name.strip()] = float(fields[0])
        except ValueError:
            continue
    return samples


def scrape_metrics(url, timeout=3.0):
    """GETs a /metrics endpoint; raises RpcError when it cannot be read."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return parse_metrics(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise RpcError(f"GET {url}: {e}") from None


def http_ok(url, timeout=2.0):
    """True when a GET of `url` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False
