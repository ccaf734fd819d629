// glibc's allocator statistics (mallinfo2), which Swift's Glibc module does not bring in:
// mesh-bench scale reads the heap in use to measure state per endpoint.
#include <malloc.h>
