#ifndef C_ALLOC_COUNTER_H
#define C_ALLOC_COUNTER_H

#include <stddef.h>

/// Calls to malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign in this process
/// since it started (the executable that links this target interposes them).
unsigned long long mesh_alloc_count(void);

/// Bytes in use on the heap, including large blocks mapped on their own (glibc mallinfo2).
size_t mesh_heap_bytes(void);

#endif
