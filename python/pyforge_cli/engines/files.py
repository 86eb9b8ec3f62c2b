"""The files a batch names: glob patterns expanded (``**`` at any depth),
each file once, with its size for the engine choice. Standard library only:
``batch_convert`` imports it on every call, native or Spark, and the core
package needs neither pyarrow nor pyspark."""
import glob
import os
from typing import List, Sequence, Tuple


def expand(patterns: Sequence[str]) -> Tuple[List[Tuple[str, int]], List[str], List[str]]:
    """(local files with their sizes, URI patterns left to Spark, patterns
    that matched nothing)."""
    files: List[Tuple[str, int]] = []
    uris: List[str] = []
    missing: List[str] = []
    seen = set()
    for p in patterns:
        if "://" in p or p.startswith(("dbfs:", "file:")):
            uris.append(p)
            continue
        matches = sorted(glob.glob(p, recursive=True)) if glob.has_magic(p) else [p]
        matches = [m for m in matches if os.path.isfile(m)]
        if not matches:
            missing.append(p)
        for m in matches:
            a = os.path.abspath(m)
            if a not in seen:
                seen.add(a)
                files.append((a, os.path.getsize(a)))
    return files, uris, missing
