// libnifti installs its headers in <prefix>/include/nifti/ (Debian's libnifti-dev, Homebrew's nifticlib),
// and nifti1_io.h includes this one as <znzlib.h>: this forwarder, on CNifti's header search path, finds
// it on the compiler's default include path instead of a hard-coded /usr/include/nifti.
#pragma once
#include <nifti/znzlib.h>
