"""Reading sources from a busy or broken server: bounded retries with backoff, a timeout, errors
that name the URL (config section `network`, applied to a job by `use_network`).

- http(s) (fsspec's HTTP file system on aiohttp, for hybridir.sources and for `datasets`): each
  request answered 429, 500, 502, 503 or 504 is retried `retries` times, after Retry-After's
  seconds where the server sends them (at most MAX_WAIT_S), else after `backoff` seconds doubled
  per retry; then the read fails (GaveUp). A connection or an answer silent for `timeout` seconds
  fails the read. A body cut short (connection dropped, fewer bytes than Content-Length) fails a
  JSON file's read (hybridir.sources.read_json) at once; rows streamed by `datasets` are read again
  by its own retries (`retries` times, `backoff` apart), then fail.
- the Hub (hf:// paths, dataset ids; huggingface_hub): its own `http_backoff` retries answers 408,
  429, 500, 502, 503 and 504 five times, 1 to 8 s apart or as Retry-After says (fixed there);
  its download and metadata timeouts (HF_HUB_DOWNLOAD_TIMEOUT, HF_HUB_ETAG_TIMEOUT) become
  `timeout`.
Every retry is a logged warning. Nothing is written until a read succeeds (outputs are atomic).
"""

import asyncio
import email.utils
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import datasets
import fsspec
from huggingface_hub import constants as hub_constants

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_S = 600.0
CUT_SHORT = (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError)


@dataclass(frozen=True)
class Network:
    """The `network` config section (defaults in the config schema)."""

    retries: int
    backoff: float
    timeout: float

    def wait(self, retry: int, headers: Mapping[str, str]) -> float:
        """Seconds before retry number `retry` (from 1): Retry-After's, else the doubled backoff."""
        given = retry_after(headers.get("Retry-After"))
        return min(given, MAX_WAIT_S) if given is not None else self.backoff * 2 ** (retry - 1)


class GaveUp(OSError):
    """A server that still answered a retried status after the last retry."""


def retry_after(value: str | None) -> float | None:
    """Seconds that a Retry-After header asks for (a number, or an HTTP date); None without one."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        date = email.utils.parsedate_to_datetime(value) if email.utils.parsedate_tz(value) else None
        return None if date is None else max(date.timestamp() - time.time(), 0.0)


Handler = Callable[[aiohttp.ClientRequest], Awaitable[aiohttp.ClientResponse]]


def retrying(network: Network) -> Callable[[aiohttp.ClientRequest, Handler], Awaitable[aiohttp.ClientResponse]]:
    """An aiohttp client middleware that retries answers of RETRIED_STATUSES (see the module docstring)."""

    async def middleware(request: aiohttp.ClientRequest, handler: Handler) -> aiohttp.ClientResponse:
        for retry in range(1, network.retries + 2):
            response = await handler(request)
            if response.status not in RETRIED_STATUSES:
                return response
            response.release()
            if retry > network.retries:
                break
            wait = network.wait(retry, response.headers)
            logging.warning(
                "%s: HTTP %d, retry %d of %d in %.1f s (network.retries, network.backoff)",
                request.url, response.status, retry, network.retries, wait,
            )  # fmt: skip
            await asyncio.sleep(wait)
        raise GaveUp(f"HTTP {response.status} after {network.retries} retries (config key network.retries)")

    return middleware


async def session(network: Network, **kwargs: Any) -> aiohttp.ClientSession:
    """fsspec's `get_client` for HTTP: a session with the timeout and the retrying middleware."""
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=network.timeout, sock_read=network.timeout)
    return aiohttp.ClientSession(**{"timeout": timeout, **kwargs}, middlewares=(retrying(network),))


def use_network(settings: Mapping[str, Any]) -> Network:
    """Apply the `network` config section to every http(s) and Hub read of this process."""
    network = Network(**settings)
    for protocol in ("http", "https"):
        fsspec.config.conf.setdefault(protocol, {})["get_client"] = functools.partial(session, network)
    datasets.config.STREAMING_READ_MAX_RETRIES = datasets.config.STREAMING_OPEN_MAX_RETRIES = network.retries + 1
    for interval in ("READ", "OPEN", "READ_SERVER_UNAVAILABLE", "READ_RATE_LIMIT"):
        setattr(datasets.config, f"STREAMING_{interval}_RETRY_INTERVAL", network.backoff)
    hub_constants.HF_HUB_DOWNLOAD_TIMEOUT = hub_constants.HF_HUB_ETAG_TIMEOUT = network.timeout
    return network


def causes(error: BaseException) -> Iterator[BaseException]:
    """An error and the errors it was raised from, in turn."""
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def network_problem(error: BaseException) -> str | None:
    """What went wrong on the network, in words, when an error (or its cause) is a network fault."""
    for cause in causes(error):
        if isinstance(cause, GaveUp):
            return str(cause)
        if isinstance(cause, TimeoutError):
            return "no answer in time (config key network.timeout)"
        if isinstance(cause, CUT_SHORT):
            return f"the connection dropped before the whole file arrived ({type(cause).__name__}: {cause})"
    return None
