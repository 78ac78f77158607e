"""Download files into a cache directory, verified by SHA-256 and written atomically.

The cache directory is ``$RETROGRAD_DATA`` if set, else
``$XDG_CACHE_HOME/retrograd``, else ``~/.cache/retrograd``. A file already
there with the right checksum is used without touching the network.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from retrograd.io.atomic import atomic_write

_CHUNK = 1 << 16


class DownloadError(OSError):
    """A download failed: offline, HTTP error, or a checksum that does not match.

    ``url`` and ``reason`` (the short cause, e.g. ``"HTTP 404 Not Found"``) are
    set when one URL failed; ``offline`` is true for connection failures.
    """

    def __init__(
        self, message: str, *, url: str | None = None, reason: str | None = None,
        offline: bool = False,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.url, self.reason, self.offline = url, reason, offline

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _by_hand(dest: Path, expected: str | None) -> str:
    """How to place a file without the network."""
    checksum = f" (sha256 {expected})" if expected else ""
    return (
        f"Copy the file to {dest} yourself{checksum}, or set RETROGRAD_DATA to a directory "
        "that has it"
    )


def cache_dir() -> Path:
    """Where downloaded data lives: ``$RETROGRAD_DATA`` or ``~/.cache/retrograd``.

    Examples
    --------
    >>> cache_dir()  # doctest: +SKIP
    PosixPath('/home/me/.cache/retrograd')
    """
    env = os.environ.get("RETROGRAD_DATA")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "retrograd"


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file (read in chunks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def download(
    url: str,
    dest: str | os.PathLike[str],
    sha256: str | None,
    *,
    timeout: float = 30.0,
    verbose: bool = False,
) -> Path:
    """Fetch ``url`` to ``dest`` unless a verified copy is already there.

    The bytes stream into a temporary file beside ``dest`` while being hashed;
    only if the SHA-256 matches is the file renamed into place, so ``dest``
    never holds a partial or wrong download.

    Parameters
    ----------
    url : str
        ``http(s)://`` or ``file://`` URL.
    dest : str or PathLike
        Destination file (parent directories are created).
    sha256 : str or None
        Expected hex digest. ``None`` skips the check (not recommended).
    timeout : float
        Seconds to wait for the server.
    verbose : bool
        Print one line to stderr per download.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    DownloadError
        When offline or the server fails (the message says how to place the
        file by hand), or when the checksum does not match.
    """
    import urllib.error  # here, not at the top: keeps `import retrograd.data` light
    import urllib.request

    dest = Path(dest)
    expected = sha256.lower() if sha256 else None
    if dest.is_file() and (expected is None or sha256_of(dest) == expected):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    if verbose:
        print(f"downloading {url} -> {dest}", file=sys.stderr)
    h = hashlib.sha256()
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,  # noqa: S310
            atomic_write(dest, "wb") as out,
        ):
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                h.update(chunk)
                out.write(chunk)
            got = h.hexdigest()
            if expected is not None and got != expected:
                raise DownloadError(
                    f"checksum mismatch for {url}: expected sha256 {expected}, got {got}; "
                    "the download was discarded (corrupted transfer or a changed file)",
                    url=url,
                    reason=f"checksum mismatch: got sha256 {got}",
                )
    except DownloadError:
        raise
    except urllib.error.HTTPError as exc:
        reason = f"HTTP {exc.code} {exc.reason}"
        raise DownloadError(f"could not download {url}: {reason}", url=url, reason=reason) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = str(getattr(exc, "reason", exc))
        raise DownloadError(
            f"could not download {url} ({reason}); are you offline? {_by_hand(dest, expected)}",
            url=url,
            reason=reason,
            offline=True,
        ) from exc
    return dest


def download_any(
    urls: Sequence[str],
    dest: str | os.PathLike[str],
    sha256: str | None,
    *,
    timeout: float = 30.0,
    verbose: bool = False,
) -> Path:
    """Try mirrors in order; return the first verified download.

    Raises
    ------
    DownloadError
        When none worked: one line naming each URL tried once with its failure,
        then (once) how to place the file by hand.
    """
    if not urls:
        raise ValueError("download_any: no URLs to try")
    failures: list[DownloadError] = []
    for url in urls:
        try:
            return download(url, dest, sha256, timeout=timeout, verbose=verbose)
        except DownloadError as exc:
            failures.append(exc)
    tried = ", ".join(f"{e.url or '?'} ({e.reason or e})" for e in failures)
    offline = any(e.offline for e in failures)
    expected = sha256.lower() if sha256 else None
    raise DownloadError(
        f"every mirror failed for {Path(dest).name}: tried {tried}; "
        + ("are you offline? " if offline else "")
        + _by_hand(Path(dest), expected),
        reason="every mirror failed",
        offline=offline,
    ) from failures[-1]
