#include "fuzz_driver.h"

#include <stddef.h>
#include <stdint.h>

// Both from libFuzzer (linked by -sanitize=fuzzer) and the target's Swift file (@_cdecl).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int fuzz_driver_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
