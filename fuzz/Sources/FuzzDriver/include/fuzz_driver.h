// libFuzzer's own main, called from the entry point SwiftPM gives each executable.
#pragma once

// SwiftPM links an executable with `--defsym main=<module>_main`, a symbol that the Swift compiler
// does not emit under -parse-as-library (which a file defining LLVMFuzzerTestOneInput needs); each
// target therefore defines <module>_main itself and hands over to libFuzzer here.
int fuzz_driver_main(int argc, char **argv);
