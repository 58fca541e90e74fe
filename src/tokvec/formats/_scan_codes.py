"""Status codes and limits shared by the word2vec binary scanner (``_scan``) and its compiled kernels.

A module of its own so that ``_scan`` (which imports the kernels where they first run) and
``_scan_kernels`` (LLVM IR, compiled with llvmlite) both import it and not each other.

Deliberately left out: everything else of the scanner.
"""

OK, TRUNCATED, LONG_TOKEN = 0, 1, 2
FULL = 3  # the kernel's token buffer is full: the caller grows it and calls again from where it stopped
MAX_TOKEN_BYTES = 1 << 20  # a longer "token" means the file is not what its header says (writers refuse one)
