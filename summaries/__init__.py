"""newsbot's framework-free core: store, ingestion, tagging, summarizer (never imports telegram).

numpy's bundled OpenBLAS starts a thread per core for every matrix product above a small
size. The summarizer's products are small and many (one set per article), so waking those
threads costs more than the arithmetic: with one BLAS thread the default summarizer runs
about 1.5x faster on BBC articles, and the ingest worker processes (one per core) no longer
compete with each other's BLAS threads. Set before numpy is first imported; an explicit
OPENBLAS_NUM_THREADS in the environment wins.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
