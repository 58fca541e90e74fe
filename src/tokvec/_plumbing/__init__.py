"""File and environment plumbing every package may use; nothing here knows about vectors.

- ``files``: atomic writes, (compressed) input streams, the cache directory;
- ``container``: the safetensors container ``.tokvec`` files and Hugging Face weights are read from;
- ``headers``: checks a file header passes before any field is used;
- ``budget``: the memory a reader may allocate, checked before it allocates;
- ``optional``: ``require``, the one place a missing optional extra is explained.
"""
